package dev.hearth.multiprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.Counter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction at scale: 100 dead processes of 1000 counter series fold into one file with every
 * total unchanged, then 10 more fold into it. Prints how long each step and the scrapes before
 * and after took (information only: nothing here asserts a time).
 */
class CompactionScaleTest {
  static final int PROCESSES = 100;
  static final int SERIES = 1000;

  @Test
  void hundredDeadProcessesOfAThousandSeries(@TempDir Path dir) throws Exception {
    for (int p = 0; p < PROCESSES; p++) {
      try (MmapValueStorage s = MmapValueStorage.builder(dir).processId("p" + p).build()) {
        Counter c = Counter.builder("timing_requests_total").help("Requests.")
            .labelNames("route").storage(s).build();
        for (int i = 0; i < SERIES; i++) {
          c.labels("/route/" + i).inc(p + 1);
        }
      }
    }
    double expected = SERIES * (PROCESSES * (PROCESSES + 1) / 2.0);
    MultiProcessCollector before = new MultiProcessCollector(dir);
    long t0 = System.nanoTime();
    Map<String, Double> totals = CompactionSupport.totals(before.collect());
    long firstScrape = System.nanoTime() - t0;
    t0 = System.nanoTime();
    before.collect();
    long scrapeBefore = System.nanoTime() - t0;
    assertThat(totals.values().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(expected);

    t0 = System.nanoTime();
    CompactionResult r = MultiProcess.compact(dir);
    long compaction = System.nanoTime() - t0;
    assertThat(r.foldedProcesses()).hasSize(PROCESSES);

    MultiProcessCollector after = new MultiProcessCollector(dir);
    t0 = System.nanoTime();
    Map<String, Double> compacted = CompactionSupport.totals(after.collect());
    long firstAfter = System.nanoTime() - t0;
    t0 = System.nanoTime();
    after.collect();
    long scrapeAfter = System.nanoTime() - t0;
    assertThat(compacted).isEqualTo(totals);

    // a second compaction adding 10 more to the compacted file
    for (int p = PROCESSES; p < PROCESSES + 10; p++) {
      try (MmapValueStorage s = MmapValueStorage.builder(dir).processId("p" + p).build()) {
        Counter c = Counter.builder("timing_requests_total").help("Requests.")
            .labelNames("route").storage(s).build();
        for (int i = 0; i < SERIES; i++) {
          c.labels("/route/" + i).inc();
        }
      }
    }
    t0 = System.nanoTime();
    CompactionResult r2 = MultiProcess.compact(dir);
    long incremental = System.nanoTime() - t0;
    assertThat(r2.foldedProcesses()).hasSize(10);
    Map<String, Double> afterTen = CompactionSupport.totals(new MultiProcessCollector(dir).collect());
    assertThat(afterTen.values().stream().mapToDouble(Double::doubleValue).sum())
        .isEqualTo(expected + 10.0 * SERIES);

    System.out.printf("compaction of %d dead processes x %d series: %.1f ms (%s)%n", PROCESSES,
        SERIES, compaction / 1e6, r);
    System.out.printf("then 10 more into the compacted file: %.1f ms%n", incremental / 1e6);
    System.out.printf("scrape before: first %.1f ms, repeated %.1f ms; after: first %.1f ms,"
        + " repeated %.1f ms%n", firstScrape / 1e6, scrapeBefore / 1e6, firstAfter / 1e6,
        scrapeAfter / 1e6);
  }
}
