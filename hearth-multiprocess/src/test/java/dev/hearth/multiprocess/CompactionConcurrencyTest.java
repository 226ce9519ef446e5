package dev.hearth.multiprocess;

import static dev.hearth.multiprocess.CompactionSupport.deadForkedWriter;
import static dev.hearth.multiprocess.CompactionSupport.deadWriter;
import static dev.hearth.multiprocess.CompactionSupport.expected;
import static dev.hearth.multiprocess.CompactionSupport.totals;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrapes during compactions, and compactions racing each other (threads of this JVM and other
 * JVMs) while writers die: every scrape sees each value exactly once, and every dead process is
 * folded exactly once.
 */
class CompactionConcurrencyTest {

  /** Scrapes until stopped, checking each scrape with {@code check}; records the first failure. */
  private static class Scraper extends Thread {
    interface Check {
      void check(Map<String, Double> totals, long scrape);
    }

    final Path dir;
    final Check check;
    final AtomicBoolean stop = new AtomicBoolean();
    final AtomicLong scrapes = new AtomicLong();
    final AtomicReference<Throwable> failure = new AtomicReference<>();

    Scraper(Path dir, Check check) {
      super("scraper");
      this.dir = dir;
      this.check = check;
    }

    @Override
    public void run() {
      MultiProcessCollector kept = new MultiProcessCollector(dir);
      try {
        while (!stop.get()) {
          long n = scrapes.incrementAndGet();
          // a collector kept between scrapes (cached mappings) and, now and then, a new one (not
          // often: a collector keeps a descriptor per file open between its first two scrapes)
          MultiProcessCollector c = n % 100 == 0 ? new MultiProcessCollector(dir) : kept;
          check.check(totals(c.collect()), n);
          assertThat(c.readErrors()).as("read errors at scrape " + n).isEmpty();
        }
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      }
    }

    void finish() throws Throwable {
      stop.set(true);
      join(60_000);
      if (failure.get() != null) {
        throw failure.get();
      }
    }
  }

  @Test
  void everyScrapeSeesTheConstantTotalWhileCompactionsCommit(@TempDir Path dir) throws Throwable {
    int dead = 40;
    for (int i = 0; i < dead; i++) {
      deadWriter(dir, String.format("r%02d", i), FormatVersion.V2, 1);
    }
    Map<String, Double> constant = expected(dead);
    assertThat(totals(dir)).isEqualTo(constant);
    Scraper scraper = new Scraper(dir, (t, n) ->
        assertThat(t).as("scrape %d", n).isEqualTo(constant));
    scraper.start();
    Path stop = dir.resolve("stop");
    // one compactor in another JVM, one here: one process per compaction, 40 commits in all
    Process forked = CompactionSupport.forkCompaction("loop", dir.toString(), stop.toString(), "1");
    CompactionSupport.awaitLine(forked, "started");
    AtomicInteger foldedHere = new AtomicInteger();
    long scrapesBefore = scraper.scrapes.get();
    while (!Compactor.lockedIds(dir).isEmpty()) {
      foldedHere.addAndGet(MultiProcess.compact(dir, Compactor.Hook.NONE, 1)
          .foldedProcesses().size());
      Thread.sleep(5); // give the other JVM its turns
    }
    Files.createFile(stop);
    StringBuilder out = new StringBuilder();
    assertThat(CompactionSupport.finish(forked, out)).as(out.toString()).isZero();
    scraper.finish();
    int foldedThere = Integer.parseInt(out.toString().replaceAll("(?s).*folded (\\d+).*", "$1"));
    assertThat(foldedHere.get() + foldedThere).as("each dead process folded once").isEqualTo(dead);
    assertThat(foldedHere.get()).as("commits by this JVM").isPositive();
    assertThat(foldedThere).as("commits by the other JVM").isPositive();
    assertThat(scraper.scrapes.get() - scrapesBefore).as("scrapes during the compactions")
        .isGreaterThan(10);
    assertThat(totals(dir)).isEqualTo(constant);
    CompactionSupport.assertNoLeftovers(dir);
  }

  @Test
  void racingCompactionsWhileWritersDie(@TempDir Path dir) throws Throwable {
    int inJvmWriters = 60;
    int forkedWriters = 3;
    AtomicInteger started = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    AtomicReference<Throwable> problem = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();

    // scrapes: never more than everything started, never less than everything finished
    Scraper scraper = new Scraper(dir, null) {
      @Override
      public void run() {
        MultiProcessCollector c = new MultiProcessCollector(dir);
        try {
          while (!stop.get()) {
            long n = scrapes.incrementAndGet();
            int lo = finished.get();
            Map<String, Double> t = totals(c.collect());
            int hi = started.get();
            Map<String, Double> min = expected(lo);
            Map<String, Double> max = expected(hi);
            for (String k : max.keySet()) {
              double v = t.getOrDefault(k, 0.0);
              if (Double.isNaN(v) && k.endsWith("_sum{}")) {
                continue; // a live writer created the buckets, its _sum entry comes next
              }
              assertThat(v).as("%s at scrape %d (%d..%d writers)", k, n, lo, hi)
                  .isBetween(min.get(k), max.get(k));
            }
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e); // the scraper's own: finish() rethrows it
        }
      }
    };
    scraper.start();

    // compactors: two threads here, two other JVMs
    AtomicBoolean stopCompacting = new AtomicBoolean();
    AtomicInteger foldedHere = new AtomicInteger();
    for (int i = 0; i < 2; i++) {
      Thread t = new Thread(() -> {
        try {
          while (!stopCompacting.get()) {
            CompactionResult r = MultiProcess.compact(dir, Compactor.Hook.NONE, 3);
            foldedHere.addAndGet(r.foldedProcesses().size());
          }
        } catch (Throwable e) {
          problem.compareAndSet(null, e);
        }
      }, "compactor-" + i);
      t.start();
      threads.add(t);
    }
    Path stop = dir.resolve("stop");
    List<Process> forkedCompactors = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      forkedCompactors.add(
          CompactionSupport.forkCompaction("loop", dir.toString(), stop.toString(), "3"));
    }

    // writers that record and die: in this JVM, and in other JVMs
    Thread writers = new Thread(() -> {
      try {
        for (int i = 0; i < inJvmWriters; i++) {
          started.incrementAndGet();
          deadWriter(dir, "w" + i, FormatVersion.V2, 1);
          finished.incrementAndGet();
          Thread.sleep(5);
        }
      } catch (Throwable e) {
        problem.compareAndSet(null, e);
      }
    }, "writers");
    Thread forkedWriterThread = new Thread(() -> {
      try {
        for (int i = 0; i < forkedWriters; i++) {
          started.incrementAndGet();
          deadForkedWriter(dir, "f" + i, FormatVersion.V2, 1);
          finished.incrementAndGet();
        }
      } catch (Throwable e) {
        problem.compareAndSet(null, e);
      }
    }, "forked-writers");
    writers.start();
    forkedWriterThread.start();
    writers.join();
    forkedWriterThread.join();
    Thread.sleep(300); // let the compactors race over the last ones

    stopCompacting.set(true);
    Files.createFile(stop);
    for (Thread t : threads) {
      t.join(60_000);
    }
    int foldedThere = 0;
    for (Process p : forkedCompactors) {
      StringBuilder out = new StringBuilder();
      assertThat(CompactionSupport.finish(p, out)).as(out.toString()).isZero();
      foldedThere += Integer.parseInt(out.toString().replaceAll("(?s).*folded (\\d+).*", "$1"));
    }
    scraper.finish(); // rethrows what the scraper saw
    if (problem.get() != null) {
      throw problem.get();
    }
    int last = MultiProcess.compact(dir).foldedProcesses().size();
    int all = inJvmWriters + forkedWriters;
    assertThat(foldedHere.get() + foldedThere + last).as("each dead process folded once")
        .isEqualTo(all);
    assertThat(scraper.scrapes.get()).isGreaterThan(10);
    assertThat(totals(dir)).isEqualTo(expected(all));
    assertThat(Compactor.lockedIds(dir)).isEmpty();
    CompactionSupport.assertNoLeftovers(dir);
  }
}
