package dev.hearth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.model.HistogramSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HistogramTest {
  private final CollectorRegistry registry = new CollectorRegistry();

  @Test
  void defaultBuckets() {
    Histogram h = Histogram.builder("h").help("x").register(registry);
    assertThat(h.upperBounds()).containsExactly(
        .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, Double.POSITIVE_INFINITY);
  }

  @Test
  void bucketsAreUpperInclusiveAndCumulative() {
    Histogram h = Histogram.builder("db_query_duration_seconds").help("x")
        .buckets(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0).register(registry);
    h.observe(0.25);
    h.observe(0.3);
    h.observe(5);
    h.observe(-1);
    assertThat(bucket("0.1")).isEqualTo(1.0);
    assertThat(bucket("0.25")).isEqualTo(2.0);
    assertThat(bucket("0.5")).isEqualTo(3.0);
    assertThat(bucket("1.0")).isEqualTo(3.0);
    assertThat(bucket("+Inf")).isEqualTo(4.0);
    assertThat(registry.getSampleValue("db_query_duration_seconds_count")).isEqualTo(4.0);
    assertThat(registry.getSampleValue("db_query_duration_seconds_sum")).isEqualTo(4.55);
    assertThat(registry.getSampleValue("db_query_duration_seconds_created")).isPositive();
  }

  private Double bucket(String le) {
    return registry.getSampleValue("db_query_duration_seconds_bucket", Map.of("le", le));
  }

  @Test
  void infIsAppendedAndBadBoundsRejected() {
    assertThat(Histogram.builder("a").buckets(1, 2).build().upperBounds())
        .containsExactly(1, 2, Double.POSITIVE_INFINITY);
    assertThat(Histogram.builder("b").buckets(1, Double.POSITIVE_INFINITY).build().upperBounds())
        .containsExactly(1, Double.POSITIVE_INFINITY);
    assertThatThrownBy(() -> Histogram.builder("c").buckets(2, 1).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'c'").hasMessageContaining("sorted");
    assertThatThrownBy(() -> Histogram.builder("d").buckets(1, 1).build())
        .hasMessageContaining("duplicate bucket bound 1.0");
    assertThatThrownBy(() -> Histogram.builder("e").buckets(1, Double.NaN).build())
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> Histogram.builder("f").buckets().build())
        .hasMessageContaining("at least one");
  }

  @Test
  void bucketGenerators() {
    assertThat(Buckets.linear(1, 2, 3)).containsExactly(1, 3, 5);
    assertThat(Buckets.exponential(1, 10, 4)).containsExactly(1, 10, 100, 1000);
    assertThatThrownBy(() -> Buckets.linear(0, 0, 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Buckets.exponential(0, 2, 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Buckets.exponential(1, 1, 3)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Buckets.linear(0, 1, 0)).hasMessageContaining("count");
  }

  @Test
  void timerObservesSeconds() throws Exception {
    Histogram h = Histogram.builder("t").help("x").register(registry);
    try (Timer t = h.startTimer()) {
      Thread.sleep(10);
    }
    h.time(() -> { });
    Integer r = h.time(() -> 42);
    assertThat(r).isEqualTo(42);
    assertThat(registry.getSampleValue("t_count")).isEqualTo(3.0);
    assertThat(registry.getSampleValue("t_sum")).isGreaterThanOrEqualTo(0.009);
  }

  @Test
  void exemplarsPerBucket() {
    Histogram h = Histogram.builder("lat").help("x").buckets(0.1, 1).register(registry);
    h.observe(0.05, Map.of("trace_id", "a"));
    h.observe(0.5, Map.of("trace_id", "b"));
    h.observe(0.07, Map.of("trace_id", "c"));
    HistogramSnapshot.DataPoint dp = h.snapshot().dataPoints().get(0);
    assertThat(dp.exemplar(0).labels().get("trace_id")).isEqualTo("c");
    assertThat(dp.exemplar(1).labels().get("trace_id")).isEqualTo("b");
    assertThat(dp.exemplar(2)).isNull();
  }

  /** Issue 11 item 6: NaN is ignored (OpenMetrics: _sum and buckets MUST NOT be NaN) and counted. */
  @Test
  void nanIsIgnoredAndCounted() {
    Histogram h = Histogram.builder("n").help("x").labelNames("k").buckets(1).register(registry);
    h.labels("a").observe(0.5);
    h.labels("a").observe(Double.NaN);
    h.labels("a").observe(Double.NaN, Map.of("trace_id", "t"));
    assertThat(registry.getSampleValue("n_bucket", Map.of("k", "a", "le", "1.0"))).isEqualTo(1.0);
    assertThat(registry.getSampleValue("n_bucket", Map.of("k", "a", "le", "+Inf"))).isEqualTo(1.0);
    assertThat(registry.getSampleValue("n_count", Map.of("k", "a"))).isEqualTo(1.0);
    assertThat(registry.getSampleValue("n_sum", Map.of("k", "a"))).isEqualTo(0.5);
    assertThat(h.snapshot().dataPoints().get(0).exemplar(1)).isNull();
    assertThat(h.ignoredNaNObservations()).isEqualTo(2);
    assertThat(registry.getSampleValue("hearth_ignored_nan_observations_total", Map.of("metric", "n")))
        .isEqualTo(2.0);
  }

  /** Scrapes taken while writers observe are internally consistent and monotone. */
  @Test
  void snapshotsAreConsistentUnderConcurrentWriters() throws Exception {
    Histogram h = Histogram.builder("stress").help("x").labelNames("k").register(registry);
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      Thread w = new Thread(() -> {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (!stop.get()) {
          h.labels(r.nextBoolean() ? "a" : "b").observe(r.nextDouble() * 12);
        }
      });
      w.start();
      writers.add(w);
    }
    Map<String, double[]> previous = new HashMap<>();
    int scrapes = 0;
    long deadline = System.nanoTime() + 1_500_000_000L;
    while (System.nanoTime() < deadline) {
      for (HistogramSnapshot.DataPoint dp : h.snapshot().dataPoints()) {
        int n = dp.bucketCount();
        for (int i = 1; i < n; i++) {
          assertThat(dp.cumulativeCount(i)).isGreaterThanOrEqualTo(dp.cumulativeCount(i - 1));
        }
        assertThat(dp.count()).isEqualTo(dp.cumulativeCount(n - 1));
        double[] now = new double[n];
        for (int i = 0; i < n; i++) {
          now[i] = dp.cumulativeCount(i);
        }
        double[] before = previous.put(dp.labels().get("k"), now);
        if (before != null) {
          for (int i = 0; i < n; i++) {
            assertThat(now[i]).isGreaterThanOrEqualTo(before[i]);
          }
        }
      }
      scrapes++;
    }
    stop.set(true);
    for (Thread w : writers) {
      w.join();
    }
    assertThat(scrapes).isGreaterThan(10);
    assertThat(previous).containsKeys("a", "b");
    double total = h.labels("a").count() + h.labels("b").count();
    assertThat(total).isPositive();
  }
}
