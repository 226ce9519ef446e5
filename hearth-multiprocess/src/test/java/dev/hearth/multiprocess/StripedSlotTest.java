package dev.hearth.multiprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.Gauge;
import dev.hearth.Histogram;
import dev.hearth.MultiprocessMode;
import dev.hearth.Summary;
import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.exposition.ExpositionParser;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.MetricType;
import dev.hearth.model.Sample;
import dev.hearth.multiprocess.internal.MmapDbFile;
import dev.hearth.spi.DoubleSlot;
import dev.hearth.testing.Peers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Additive slots (counters, histograms, summaries) switch to stripe files under contention: the
 * totals stay exact in the slot, in Hearth's collector and in Python's, and a thread alone never
 * creates a stripe file.
 */
class StripedSlotTest {
  static final int THREADS = 4;
  static final int MAX_ROUNDS = 50;

  /** The names of the files in {@code dir} but dot-files (Python's glob skips them), sorted. */
  static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")) // as glob
          .sorted().collect(Collectors.toList());
    }
  }

  static List<String> stripeFiles(Path dir, String prefix, String id) throws IOException {
    return files(dir).stream().filter(n -> n.matches(prefix + "_" + id + "_s[0-9]+\\.db"))
        .collect(Collectors.toList());
  }

  /** Runs {@code work(thread)} on {@link #THREADS} threads started together; rethrows failures. */
  static void hammer(WorkerBody work) throws Exception {
    CyclicBarrier start = new CyclicBarrier(THREADS);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        try {
          start.await();
          work.run(id);
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      }, "hammer-" + t);
      th.start();
      threads.add(th);
    }
    for (Thread th : threads) {
      th.join(TimeUnit.MINUTES.toMillis(2));
      assertThat(th.isAlive()).as(th.getName() + " finished").isFalse();
    }
    if (failure.get() != null) {
      throw new AssertionError("a worker failed", failure.get());
    }
  }

  /** The work of one hammering thread. */
  interface WorkerBody {
    void run(int thread) throws Exception;
  }

  static CollectorRegistry registryOf(Path dir) {
    CollectorRegistry r = new CollectorRegistry();
    r.register(new MultiProcessCollector(dir));
    return r;
  }

  @Test
  void stripeCountIsAPowerOfTwoAtLeastTwicePerProcessorUpTo16() {
    assertThat(StripedSlot.stripeCount(1)).isEqualTo(2);
    assertThat(StripedSlot.stripeCount(2)).isEqualTo(4);
    assertThat(StripedSlot.stripeCount(3)).isEqualTo(8);
    assertThat(StripedSlot.stripeCount(4)).isEqualTo(8);
    assertThat(StripedSlot.stripeCount(5)).isEqualTo(16);
    assertThat(StripedSlot.stripeCount(64)).isEqualTo(16);
    int n = StripedSlot.STRIPES;
    assertThat(Integer.bitCount(n)).isEqualTo(1);
    assertThat(n).isBetween(2, 16)
        .isGreaterThanOrEqualTo(Math.min(16, 2 * Runtime.getRuntime().availableProcessors()));
  }

  @Test
  void aThreadMovesToOtherStripesWhenItsSaltChanges() throws Exception {
    int n = StripedSlot.STRIPES;
    // consecutive thread ids (threads created one after another) start on different stripes
    for (long id = 1; id < 10_000 && n >= 4; id++) {
      assertThat(StripedSlot.Probe.index(id, 0)).isNotEqualTo(StripedSlot.Probe.index(id + 1, 0));
    }
    // two threads sharing a salt (ids equal modulo 64) do not stay together as it changes
    for (long id = 1; id < 200; id++) {
      int together = 0;
      for (int salt = 0; salt < 1000; salt++) {
        if (StripedSlot.Probe.index(id, salt) == StripedSlot.Probe.index(id + 64, salt)) {
          together++;
        }
      }
      assertThat(together).as("ids %d and %d", id, id + 64).isLessThan(1000 * 2 / n);
    }
    // advancing visits every stripe
    Thread t = new Thread(() -> {
      java.util.Set<Integer> seen = new java.util.HashSet<>();
      seen.add(StripedSlot.Probe.index());
      for (int i = 0; i < 200; i++) {
        int next = StripedSlot.Probe.advance();
        assertThat(StripedSlot.Probe.index()).isEqualTo(next);
        seen.add(next);
      }
      assertThat(seen).hasSize(n);
    });
    AtomicReference<Throwable> failure = new AtomicReference<>();
    t.setUncaughtExceptionHandler((th, e) -> failure.set(e));
    t.start();
    t.join();
    assertThat(failure.get()).isNull();
  }

  @Test
  void singleThreadedUseCreatesNoStripeFile(@TempDir Path dir) throws Exception {
    try (MmapValueStorage s = MmapValueStorage.builder(dir).processId("1").build()) {
      Counter c = Counter.builder("reqs").help("h").labelNames("k").storage(s).build();
      Histogram h = Histogram.builder("lat").help("h").buckets(0.5, 1).storage(s).build();
      Summary sm = Summary.builder("size").help("h").storage(s).build();
      for (int i = 0; i < 200_000; i++) {
        c.labels(i % 2 == 0 ? "a" : "b").inc();
        h.observe((i % 3) * 0.5);
        sm.observe(1);
      }
      assertThat(files(dir)).containsExactly("counter_1.db", "histogram_1.db", "summary_1.db");
      assertThat(s.fileNames()).hasSize(3);
      CollectorRegistry r = registryOf(dir);
      assertThat(r.getSampleValue("reqs_total", Map.of("k", "a"))).isEqualTo(100_000.0);
      assertThat(r.getSampleValue("lat_count")).isEqualTo(200_000.0);
      assertThat(r.getSampleValue("size_sum")).isEqualTo(200_000.0);
    }
  }

  @Test
  void contendedCounterAndHistogramStayExactAndStripe(@TempDir Path dir) throws Exception {
    try (MmapValueStorage s = MmapValueStorage.builder(dir).processId("7").build()) {
      Counter c = Counter.builder("hits").help("Hits.").storage(s).build();
      Histogram h = Histogram.builder("lat").help("Latency.").buckets(0.5, 1).storage(s).build();
      Summary sm = Summary.builder("size").help("Sizes.").storage(s).build();
      int perThread = 120_000; // a multiple of 6
      long rounds = 0;
      do {
        hammer(t -> {
          for (int i = 0; i < perThread; i++) {
            c.inc();
            h.observe(0.25 * (i % 6)); // 0, .25, .5 | .75, 1 | 1.25
            sm.observe(2);
          }
        });
        rounds++;
      } while ((stripeFiles(dir, "counter", "7").isEmpty()
          || stripeFiles(dir, "histogram", "7").isEmpty()) && rounds < MAX_ROUNDS);
      long n = rounds * THREADS * perThread;

      assertThat(stripeFiles(dir, "counter", "7")).as("counter stripes under contention")
          .isNotEmpty();
      assertThat(stripeFiles(dir, "histogram", "7")).isNotEmpty();
      assertThat(s.fileNames()).containsAll(stripeFiles(dir, "counter", "7"));
      assertThat(c.get()).isEqualTo((double) n);
      assertThat(h.labels().count()).isEqualTo(n);
      assertThat(h.labels().sum()).isEqualTo(n / 6 * (0.25 * 15));

      CollectorRegistry r = registryOf(dir);
      assertThat(r.getSampleValue("hits_total")).isEqualTo((double) n);
      assertThat(r.getSampleValue("lat_bucket", Map.of("le", "0.5"))).isEqualTo(n / 2.0);
      assertThat(r.getSampleValue("lat_bucket", Map.of("le", "1.0"))).isEqualTo(n / 6.0 * 5);
      assertThat(r.getSampleValue("lat_bucket", Map.of("le", "+Inf"))).isEqualTo((double) n);
      assertThat(r.getSampleValue("lat_count")).isEqualTo((double) n);
      assertThat(r.getSampleValue("lat_sum")).isEqualTo(n / 6 * (0.25 * 15));
      assertThat(r.getSampleValue("size_count")).isEqualTo((double) n);
      assertThat(r.getSampleValue("size_sum")).isEqualTo(2.0 * n);
      assertThat(new MultiProcessCollector(dir).readErrors()).isEmpty();
    }
  }

  @Test
  void exactWhileTheFilesGrow(@TempDir Path dir) throws Exception {
    int seriesPerThread = 4_000; // own series, ~100 bytes an entry: the base file passes 256 KiB
    int shared = 2_000; // series every thread increments, striped: the stripe files grow too
    int perSeries = 20;
    try (MmapValueStorage s = MmapValueStorage.builder(dir).processId("9")
        .format(FormatVersion.V1).build()) {
      Counter c = Counter.builder("ops").help("Ops.").labelNames("thread", "series")
          .unlimitedSeries().storage(s).build();
      Counter hot = Counter.builder("hot").help("Hot.").labelNames("series").unlimitedSeries()
          .storage(s).build();
      Histogram h = Histogram.builder("lat").help("Latency.").labelNames("series").buckets(1)
          .unlimitedSeries().storage(s).build();
      for (int i = 0; i < shared; i++) { // the storage hands the counter's own slot out again
        hot.labels("s" + i);
        ((StripedSlot) s.slot("hot", "hot_total", List.of("series"), List.of("s" + i), "Hot.",
            MetricType.COUNTER, MultiprocessMode.ALL)).forceStriping();
      }
      hammer(t -> {
        for (int i = 0; i < seriesPerThread; i++) {
          Counter.Child own = c.labels("t" + t, "s" + i); // a new entry: the base file grows
          Counter.Child sharedSeries = hot.labels("s" + (i % shared));
          Histogram.Child hs = h.labels("s" + (i % shared));
          for (int k = 0; k < perSeries; k++) {
            own.inc();
            sharedSeries.inc();
            hs.observe(k % 2 == 0 ? 0.5 : 2);
          }
        }
      });
      long total = (long) THREADS * seriesPerThread * perSeries;
      assertThat(Files.size(dir.resolve("counter_9.db"))).isGreaterThan(4 * 65536L);
      List<String> stripes = stripeFiles(dir, "counter", "9");
      assertThat(stripes).isNotEmpty();
      long largest = 0;
      for (String f : stripes) {
        largest = Math.max(largest, Files.size(dir.resolve(f)));
      }
      assertThat(largest).as("a stripe file grew").isGreaterThan(65536L);

      MultiProcessCollector collector = new MultiProcessCollector(dir);
      double ops = 0;
      Map<String, Double> hotBySeries = new java.util.HashMap<>();
      Map<String, Double> lowBucketBySeries = new java.util.HashMap<>();
      double count = 0;
      for (MetricSnapshot<?> f : collector.collect()) {
        for (Sample sample : f.samples()) {
          Map<String, String> labels = sample.labels().toMap();
          if (sample.name().equals("ops_total")) {
            assertThat(sample.value()).as(sample.toString()).isEqualTo(perSeries);
            ops += sample.value();
          } else if (sample.name().equals("hot_total")) {
            hotBySeries.put(labels.get("series"), sample.value());
          } else if (sample.name().equals("lat_bucket") && labels.get("le").equals("1.0")) {
            lowBucketBySeries.put(labels.get("series"), sample.value());
          } else if (sample.name().equals("lat_count")) {
            count += sample.value();
          }
        }
      }
      assertThat(collector.readErrors()).isEmpty();
      assertThat(ops).isEqualTo((double) total);
      assertThat(count).isEqualTo((double) total);
      double perShared = THREADS * seriesPerThread / shared * perSeries;
      assertThat(hotBySeries).hasSize(shared).allSatisfy((k, v) -> assertThat(v).isEqualTo(perShared));
      assertThat(lowBucketBySeries).hasSize(shared)
          .allSatisfy((k, v) -> assertThat(v).isEqualTo(perShared / 2));
      for (int i = 0; i < shared; i += 97) {
        assertThat(hot.labels("s" + i).get()).isEqualTo(perShared);
      }
    }
  }

  @Test
  void forcedStripingSumsTheBaseAndTheStripes(@TempDir Path dir) throws Exception {
    try (MmapValueStorage s = MmapValueStorage.builder(dir).processId("3").build()) {
      DoubleSlot slot = s.slot("c", "c_total", List.of("k"), List.of("v"), "h",
          MetricType.COUNTER, MultiprocessMode.ALL);
      assertThat(slot).isInstanceOf(StripedSlot.class);
      StripedSlot striped = (StripedSlot) slot;
      slot.add(1);
      assertThat(striped.stripes()).isNull();
      striped.forceStriping();
      slot.add(2); // goes to this thread's stripe, created now
      assertThat(slot.get()).isEqualTo(3.0);
      List<String> stripes = stripeFiles(dir, "counter", "3");
      assertThat(stripes).hasSize(1);
      assertThat(registryOf(dir).getSampleValue("c_total", Map.of("k", "v"))).isEqualTo(3.0);
      // the base entry kept what it had
      MmapDbFile base = MmapDbFile.openInThisJvm(dir.resolve("counter_3.db"));
      assertThat(base.get(base.valueOffset("[\"c\", \"c_total\", {\"k\": \"v\"}, \"h\"]")))
          .isEqualTo(1.0);
      assertThatThrownBy(() -> slot.set(5)).isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("c_total").hasMessageContaining("gauges");
    }
  }

  @Test
  void gaugesAreNotStriped(@TempDir Path dir) throws Exception {
    try (MmapValueStorage s = MmapValueStorage.builder(dir).processId("4").build()) {
      for (MultiprocessMode mode : MultiprocessMode.values()) {
        DoubleSlot g = s.slot("g", "g", List.of(), List.of(), "h", MetricType.GAUGE, mode);
        assertThat(g).isNotInstanceOf(StripedSlot.class);
        g.set(3);
        g.add(1);
        assertThat(g.get()).isEqualTo(4.0);
      }
      for (MetricType type : List.of(MetricType.COUNTER, MetricType.HISTOGRAM,
          MetricType.SUMMARY)) {
        assertThat(s.slot("x", "x_sum", List.of(), List.of(), "h", type, MultiprocessMode.ALL))
            .isInstanceOf(StripedSlot.class);
      }
      Gauge gauge = Gauge.builder("temp").help("h").storage(s).build();
      hammer(t -> {
        for (int i = 0; i < 50_000; i++) {
          gauge.inc();
        }
      });
      assertThat(gauge.get()).isEqualTo(THREADS * 50_000.0);
      assertThat(files(dir)).noneMatch(n -> n.matches(".*_s[0-9]+\\.db"));
    }
  }

  @Test
  void aStripeThatCannotBeCreatedFallsBackToTheBaseEntry(@TempDir Path dir) throws Exception {
    try (MmapDbFile base = MmapDbFile.open(dir.resolve("counter_5.db"), FormatVersion.V2)) {
      int offset = base.valueOffset("[\"c\", \"c_total\", {}, \"h\"]");
      StripedSlot slot = new StripedSlot(base, offset, "[\"c\", \"c_total\", {}, \"h\"]", k -> {
        throw new UncheckedIOException(new IOException("disk full"));
      });
      slot.forceStriping();
      slot.add(2);
      slot.add(3);
      assertThat(slot.get()).isEqualTo(5.0);
      assertThat(base.get(offset)).isEqualTo(5.0);
      assertThat(files(dir)).containsExactly("counter_5.db");
    }
  }

  @Test
  void tryAddReportsContention(@TempDir Path dir) throws Exception {
    try (MmapDbFile f = MmapDbFile.open(dir.resolve("counter_6.db"), FormatVersion.V1)) {
      int offset = f.valueOffset("[\"c\", \"c_total\", {}, \"h\"]");
      assertThat(f.tryAdd(offset, 1.5)).isTrue();
      assertThat(f.get(offset)).isEqualTo(1.5);
      AtomicLong added = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      hammer(t -> {
        long ok = 0;
        long no = 0;
        for (int i = 0; i < 200_000; i++) {
          if (f.tryAdd(offset, 1)) {
            ok++;
          } else {
            no++;
          }
        }
        added.addAndGet(ok);
        failed.addAndGet(no);
      });
      assertThat(added.get() + failed.get()).isEqualTo(THREADS * 200_000L);
      assertThat(f.get(offset)).isEqualTo(1.5 + added.get()); // a failed tryAdd wrote nothing
    }
  }

  @Test
  void pythonReadsTheStripeFiles(@TempDir Path dir) throws Exception {
    Peers.requirePython();
    try (MmapValueStorage s = MmapValueStorage.builder(dir).processId("py")
        .format(FormatVersion.V1).build()) { // Debian's prometheus_client 0.16 reads v1
      Counter c = Counter.builder("interop_hits").help("Hits.").labelNames("path").storage(s)
          .build();
      Histogram h = Histogram.builder("interop_lat").help("Latency.").buckets(0.5, 1).storage(s)
          .build();
      int perThread = 50_000;
      long rounds = 0;
      do {
        hammer(t -> {
          Counter.Child a = c.labels("/a");
          for (int i = 0; i < perThread; i++) {
            a.inc();
            h.observe(i % 2 == 0 ? 0.25 : 0.75);
          }
        });
        rounds++;
      } while ((stripeFiles(dir, "counter", "py").isEmpty()
          || stripeFiles(dir, "histogram", "py").isEmpty()) && rounds < MAX_ROUNDS);
      assertThat(stripeFiles(dir, "counter", "py")).isNotEmpty();
      assertThat(stripeFiles(dir, "histogram", "py")).isNotEmpty();
      long n = rounds * THREADS * perThread;

      String text = python(dir);
      List<MetricSnapshot<?>> families =
          ExpositionParser.parse(text, ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
      assertThat(value(families, "interop_hits_total", Map.of("path", "/a"))).isEqualTo(n);
      assertThat(value(families, "interop_lat_bucket", Map.of("le", "0.5"))).isEqualTo(n / 2.0);
      assertThat(value(families, "interop_lat_bucket", Map.of("le", "+Inf"))).isEqualTo(n);
      assertThat(value(families, "interop_lat_count", Map.of())).isEqualTo(n);
      assertThat(value(families, "interop_lat_sum", Map.of())).isEqualTo(n / 2.0);
      LiveInteropTest.assertSameAsPython(dir);
    }
  }

  /** The value of the sample {@code name} with exactly {@code labels}, or NaN when absent. */
  static double value(List<MetricSnapshot<?>> families, String name, Map<String, String> labels) {
    for (MetricSnapshot<?> f : families) {
      for (Sample sample : f.samples()) {
        if (sample.name().equals(name) && sample.labels().toMap().equals(labels)) {
          return sample.value();
        }
      }
    }
    return Double.NaN;
  }

  private static String python(Path dir) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Peers.python(), "-c", LiveInteropTest.PY_COLLECTOR);
    pb.environment().put("PROMETHEUS_MULTIPROC_DIR", dir.toString());
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(err, StandardCharsets.UTF_8)).isZero();
    return new String(out, StandardCharsets.UTF_8);
  }
}
