package dev.hearth.multiprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.CollectorRegistry;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.multiprocess.IncrementalScrapeTest.ForeignWriter;
import dev.hearth.multiprocess.internal.CompactionJournal;
import dev.hearth.multiprocess.internal.DbKey;
import dev.hearth.multiprocess.internal.LockRegistry;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrapes while other programs misbehave or simply work: a file truncated again and again
 * (issue 10, defect 9), a writer JVM growing its file (defect 7), thousands of junk files
 * (defect 10) and a compaction lock that is not released (defect 10).
 */
class ScrapeRobustnessTest {

  private static int points(List<MetricSnapshot<?>> families, String name) {
    for (MetricSnapshot<?> s : families) {
      if (s.name().equals(name)) {
        return s.dataPoints().size();
      }
    }
    return 0;
  }

  @Test
  void aFileTruncatedAgainAndAgainDuringScrapesCostsOnlyThatFile(@TempDir Path dir)
      throws Exception {
    Path victim = dir.resolve("counter_a.db");
    try (ForeignWriter a = new ForeignWriter(victim);
        ForeignWriter b = new ForeignWriter(dir.resolve("counter_b.db"))) {
      for (int i = 0; i < 2000; i++) { // about 110 KiB: the file doubled once
        a.set(IncrementalScrapeTest.key("reqs", "s" + i), 1);
        b.set(IncrementalScrapeTest.key("reqs", "s" + i), 2);
      }
    }
    byte[] whole = Files.readAllBytes(victim);
    MultiProcessCollector collector = new MultiProcessCollector(dir);
    CollectorRegistry r = new CollectorRegistry();
    r.register(collector);
    AtomicBoolean stop = new AtomicBoolean();
    Thread truncator = new Thread(() -> {
      try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
        for (int round = 0; !stop.get(); round++) {
          f.setLength(new long[] {0, 16, whole.length / 2, 4096}[round % 4]);
          Thread.onSpinWait();
          f.seek(0);
          f.write(whole);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    truncator.start();
    int scrapes = 0;
    int withVictim = 0;
    try {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (System.nanoTime() < end) {
        double s0 = r.getSampleValue("reqs_total", Map.of("k", "s0"));
        double s1999 = r.getSampleValue("reqs_total", Map.of("k", "s1999"));
        assertThat(s0).as("scrape %d", scrapes).isIn(2.0, 3.0); // b always, a when readable
        assertThat(s1999).as("scrape %d", scrapes).isIn(2.0, 3.0);
        withVictim += s0 == 3.0 ? 1 : 0;
        scrapes++;
      }
    } finally {
      stop.set(true);
      truncator.join();
    }
    assertThat(r.getSampleValue("reqs_total", Map.of("k", "s0"))).isEqualTo(3.0);
    assertThat(collector.readErrors()).containsOnlyKeys("counter_a.db");
    assertThat(scrapes).isGreaterThan(10);
    System.out.printf("%d scrapes while truncating, %d with the truncated file, %s read errors%n",
        scrapes, withVictim, collector.readErrors());
  }

  @Test
  void anInvalidFamilyInAFileCostsOnlyThatFamily(@TempDir Path dir) throws Exception {
    // Written by a careless or hostile program: nothing stops a file holding keys that no
    // exposition may carry, or a negative counter total.
    try (ForeignWriter bad = new ForeignWriter(dir.resolve("counter_bad.db"));
        ForeignWriter good = new ForeignWriter(dir.resolve("counter_good.db"))) {
      bad.set(DbKey.encode("badlabel", "badlabel_total", List.of("bad-name"), List.of("x"),
          "Help."), 1);
      bad.set(DbKey.encode("9badname", "9badname_total", List.of(), List.of(), "Help."), 1);
      bad.set(IncrementalScrapeTest.key("reqs", "a"), 1);
      bad.set(IncrementalScrapeTest.key("negative", "a"), -5);
      good.set(IncrementalScrapeTest.key("reqs", "a"), 2);
      good.set(IncrementalScrapeTest.key("negative", "a"), 1);
      MultiProcessCollector collector = new MultiProcessCollector(dir);
      CollectorRegistry r = new CollectorRegistry();
      r.register(collector);
      for (int scrape = 0; scrape < 2; scrape++) { // the plan's first scrape and a repeated one
        List<MetricSnapshot<?>> families = collector.collect();
        assertThat(families).extracting(MetricSnapshot::name)
            .containsExactly("reqs", MultiProcessCollector.READ_ERRORS);
        assertThat(r.getSampleValue("reqs_total", Map.of("k", "a"))).isEqualTo(3.0);
      }
      // three families left out in each of 5 scrapes (this one included), all first seen in
      // counter_bad.db
      assertThat(r.getSampleValue(MultiProcessCollector.READ_ERRORS + "_total",
          Map.of("file", "counter_bad.db"))).isEqualTo(15.0);
      assertThat(String.join("\n", collector.lastWarnings()))
          .contains("counter_bad.db", "invalid label name 'bad-name'");
      // a value that becomes valid brings its family back on the next scrape
      good.set(IncrementalScrapeTest.key("negative", "a"), 10);
      assertThat(r.getSampleValue("negative_total", Map.of("k", "a"))).isEqualTo(5.0);
    }
  }

  @Test
  void aGrowingWritersSeriesNeverVanish(@TempDir Path dir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // about 200 KiB of entries in about 4 s: the file doubles twice while being scraped, and the
    // directory stays unchanged for longer than the 2 s after which the old collector reused its
    // listing (and the sizes in it)
    int n = 3000;
    Process writer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        GrowingWriter.class.getName(), dir.toString(), String.valueOf(n), "12")
        .redirectErrorStream(true).start();
    MultiProcessCollector collector = new MultiProcessCollector(dir);
    List<Integer> counts = new ArrayList<>();
    try {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (writer.isAlive() && System.nanoTime() < end) {
        counts.add(points(collector.collect(), "grow"));
        Thread.sleep(10);
      }
      assertThat(writer.waitFor(60, TimeUnit.SECONDS)).as("writer finished").isTrue();
      String out = new String(writer.getInputStream().readAllBytes());
      assertThat(out).as("writer output").contains("done");
    } finally {
      writer.destroyForcibly();
    }
    counts.add(points(collector.collect(), "grow"));
    assertThat(counts.get(counts.size() - 1)).isEqualTo(n);
    int seen = 0;
    for (int i = 0; i < counts.size(); i++) {
      assertThat(counts.get(i)).as("series at scrape %d of %s", i, counts).isGreaterThanOrEqualTo(seen);
      seen = counts.get(i);
    }
    assertThat(counts.stream().filter(c -> c > 0 && c < n).count())
        .as("scrapes while the file grew: %s", counts).isGreaterThan(3);
    assertThat(collector.readErrors()).isEmpty();
  }

  @Test
  void thousandsOfJunkFilesGiveBoundedSeriesAndOneWarning(@TempDir Path dir) throws Exception {
    try (ForeignWriter good = new ForeignWriter(dir.resolve("counter_good.db"))) {
      good.set(IncrementalScrapeTest.key("reqs", "a"), 5);
    }
    int junk = 7001;
    for (int i = 0; i < junk; i++) {
      Files.write(dir.resolve(String.format("counter_junk%05d.db", i)),
          new byte[] {64, 0, 0, 0, 1, 0, 0, 0, 9, 9});
    }
    MultiProcessCollector collector = new MultiProcessCollector(dir);
    CollectorRegistry r = new CollectorRegistry();
    r.register(collector);
    long others = junk - MultiProcessCollector.MAX_ERROR_FILES;
    for (int scrape = 1; scrape <= 2; scrape++) {
      assertThat(r.getSampleValue("reqs_total", Map.of("k", "a"))).isEqualTo(5.0);
      Map<String, Long> errors = collector.readErrors();
      assertThat(errors).hasSize(MultiProcessCollector.MAX_ERROR_FILES + 1);
      assertThat(errors.get("counter_junk00000.db")).isEqualTo(scrape);
      assertThat(errors.get(MultiProcessCollector.OTHER_FILES)).isEqualTo(scrape * others);
    }
    assertThat(r.getSampleValue("hearth_multiprocess_read_errors_total",
        Map.of("file", MultiProcessCollector.OTHER_FILES))).isEqualTo(3.0 * others);
    assertThat(collector.warningsLogged()).isEqualTo(1); // one per minute for the directory
    assertThat(collector.lastWarnings().get(0)).contains("counter_junk00000.db");
    for (int i = 0; i < junk; i++) { // the junk goes: so do its files' series
      Files.delete(dir.resolve(String.format("counter_junk%05d.db", i)));
    }
    collector.collect();
    assertThat(collector.readErrors()).containsOnlyKeys(MultiProcessCollector.OTHER_FILES);
  }

  @Test
  void warningsAreRateLimitedOverAllFilesAndSaySoWhenSuppressed(@TempDir Path dir)
      throws Exception {
    Files.write(dir.resolve("counter_bad1.db"), new byte[] {1, 2, 3});
    Files.write(dir.resolve("counter_bad2.db"), new byte[] {1, 2, 3});
    MultiProcessCollector c = MultiProcessCollector.builder(dir)
        .warningInterval(Duration.ZERO).build();
    c.collect();
    assertThat(c.warningsLogged()).isEqualTo(2);
    assertThat(c.lastWarnings().get(0)).contains("counter_bad1.db").contains("shorter than");
    MultiProcessCollector quiet = MultiProcessCollector.builder(dir)
        .warningInterval(Duration.ofHours(1)).build();
    quiet.collect();
    quiet.collect();
    assertThat(quiet.warningsLogged()).isEqualTo(1);
    MultiProcessCollector soon = MultiProcessCollector.builder(dir)
        .warningInterval(Duration.ofMillis(100)).build();
    soon.collect(); // one warning, one suppressed
    Thread.sleep(150);
    soon.collect();
    assertThat(soon.warningsLogged()).isEqualTo(2);
    assertThat(soon.lastWarnings().get(1)).contains("1 more unreadable-file warnings suppressed");
  }

  /** A collector with a 300 ms compaction-lock deadline over a directory with one series. */
  private static MultiProcessCollector lockTimeoutCollector(Path dir) throws Exception {
    try (ForeignWriter good = new ForeignWriter(dir.resolve("counter_good.db"))) {
      good.set(IncrementalScrapeTest.key("reqs", "a"), 5);
    }
    return MultiProcessCollector.builder(dir).compactionLockTimeout(Duration.ofMillis(300))
        .build();
  }

  private static void assertServes(MultiProcessCollector collector) {
    CollectorRegistry r = new CollectorRegistry();
    r.register(collector);
    assertThat(r.getSampleValue("reqs_total", Map.of("k", "a"))).isEqualTo(5.0);
  }

  @Test
  void aScrapeWaitsForAHeldCompactionLockOnlyUntilItsDeadline(@TempDir Path dir)
      throws Exception {
    MultiProcessCollector collector = lockTimeoutCollector(dir);
    assertThat(collector.collect()).isNotEmpty();
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Path lock = dir.toRealPath().resolve(CompactionJournal.DIRECTORY_LOCK);
    Thread compactor = new Thread(() -> { // a compaction's commit that hangs
      LockRegistry.Held l = LockRegistry.exclusive(lock);
      held.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        l.close();
      }
    });
    compactor.start();
    try {
      held.await();
      assertThatThrownBy(collector::collect).isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining(CompactionJournal.DIRECTORY_LOCK)
          .hasMessageContaining("more than 300 ms")
          .hasMessageContaining(dir.toString());
    } finally {
      release.countDown();
      compactor.join();
    }
    assertServes(collector); // the lock is free again
  }

  /** Holds an exclusive lock on the file {@code args[0]} until stdin closes (another process). */
  public static final class LockHolder {
    public static void main(String[] args) throws Exception {
      try (RandomAccessFile f = new RandomAccessFile(args[0], "rw")) {
        f.getChannel().lock();
        System.out.println("locked");
        System.out.flush();
        while (System.in.read() >= 0) {
          // hold it
        }
      }
    }
  }

  @Test
  void aScrapeWaitsForACompactionLockHeldByAnotherProcessOnlyUntilItsDeadline(@TempDir Path dir)
      throws Exception {
    MultiProcessCollector collector = lockTimeoutCollector(dir);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        LockHolder.class.getName(), dir.resolve(CompactionJournal.DIRECTORY_LOCK).toString())
        .redirectErrorStream(true).start();
    try {
      CompactionSupport.awaitLine(holder, "locked");
      assertThatThrownBy(collector::collect).isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining(CompactionJournal.DIRECTORY_LOCK)
          .hasMessageContaining("more than 300 ms");
    } finally {
      holder.getOutputStream().close();
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertServes(collector); // the lock is free again
  }

  @Test
  void aNegativeLockTimeoutIsRejected(@TempDir Path dir) {
    assertThatThrownBy(() -> MultiProcessCollector.builder(dir)
        .compactionLockTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("compactionLockTimeout");
  }
}
