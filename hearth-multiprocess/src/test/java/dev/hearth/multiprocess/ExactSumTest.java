package dev.hearth.multiprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.Counter;
import dev.hearth.model.CounterSnapshot;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.testing.Peers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sums are the same in every scrape and equal to adding each file's value in file-name order,
 * as Python's collector does over the same files sorted (issue 10, defect 6): 100 processes x
 * 1000 series of fractional values (one {@code inc} each, so a file holds exactly the value
 * drawn), every sum compared exactly, in a first and in repeated scrapes.
 */
class ExactSumTest {
  static final int PROCESSES = 100;
  static final int SERIES = 1000;
  static final long SEED = 20261203L;
  @TempDir
  static Path dir;
  static double[][] drawn; // [process][series]

  @BeforeAll
  static void write() throws IOException {
    Random random = new Random(SEED);
    drawn = new double[PROCESSES][SERIES];
    for (int p = 0; p < PROCESSES; p++) {
      try (MmapValueStorage storage = MmapValueStorage.builder(dir)
          .processId(String.format("p%03d", p)).format(FormatVersion.V1).build()) {
        Counter c = Counter.builder("work").help("Fractional work.").labelNames("k")
            .storage(storage).build();
        for (int s = 0; s < SERIES; s++) {
          drawn[p][s] = random.nextDouble() * Math.pow(10, random.nextInt(12) - 4);
          c.labels("s" + s).inc(drawn[p][s]);
        }
      }
    }
  }

  /** Adds the values of series {@code s} in file-name order (p000, p001, ...), from 0.0. */
  static double inOrder(int s) {
    double sum = 0.0;
    for (int p = 0; p < PROCESSES; p++) {
      sum += drawn[p][s];
    }
    return sum;
  }

  static Map<String, Double> sums(List<MetricSnapshot<?>> families) {
    Map<String, Double> out = new HashMap<>();
    for (MetricSnapshot<?> f : families) {
      if (f.name().equals("work")) {
        for (CounterSnapshot.DataPoint d : ((CounterSnapshot) f).dataPoints()) {
          out.put(d.labels().get("k"), d.value());
        }
      }
    }
    return out;
  }

  @Test
  void everySumEqualsTheSumInFileNameOrderInEveryScrape() {
    MultiProcessCollector collector = new MultiProcessCollector(dir);
    for (int scrape = 0; scrape < 3; scrape++) {
      Map<String, Double> sums = sums(collector.collect());
      assertThat(sums).hasSize(SERIES);
      int reordered = 0; // sums a different order of the same values would give (a sanity check)
      for (int s = 0; s < SERIES; s++) {
        double expected = inOrder(s);
        assertThat(Double.doubleToLongBits(sums.get("s" + s)))
            .as("series s%d in scrape %d: %s vs %s", s, scrape, sums.get("s" + s), expected)
            .isEqualTo(Double.doubleToLongBits(expected));
        double backwards = 0.0;
        for (int p = PROCESSES - 1; p >= 0; p--) {
          backwards += drawn[p][s];
        }
        reordered += backwards != expected ? 1 : 0;
      }
      assertThat(reordered).as("series whose sum depends on the order").isGreaterThan(100);
    }
  }

  @Test
  void everySumEqualsPythonsOverTheSameFilesSorted() throws Exception {
    String script = String.join("\n",
        "import sys, glob",
        "unsorted = glob.glob",
        "glob.glob = lambda pattern: sorted(unsorted(pattern))",
        "from prometheus_client.multiprocess import MultiProcessCollector",
        "for m in MultiProcessCollector(None, path=sys.argv[1]).collect():",
        "    for s in m.samples:",
        "        print(s.name, s.labels['k'], repr(s.value))",
        "");
    Process python = new ProcessBuilder(Peers.python(), "-c", script, dir.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(python.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(python.exitValue()).as("python: %s", out).isZero();
    Map<String, Double> expected = new HashMap<>();
    for (String line : out.split("\n")) {
      String[] f = line.split(" ");
      if (f.length == 3 && f[0].equals("work_total")) {
        expected.put(f[1], Double.parseDouble(f[2]));
      }
    }
    assertThat(expected).hasSize(SERIES);
    MultiProcessCollector collector = new MultiProcessCollector(dir);
    for (int scrape = 0; scrape < 2; scrape++) {
      Map<String, Double> sums = sums(collector.collect());
      for (Map.Entry<String, Double> e : expected.entrySet()) {
        assertThat(Double.doubleToLongBits(sums.get(e.getKey())))
            .as("series %s: Hearth %s, Python %s", e.getKey(), sums.get(e.getKey()), e.getValue())
            .isEqualTo(Double.doubleToLongBits(e.getValue()));
      }
    }
  }
}
