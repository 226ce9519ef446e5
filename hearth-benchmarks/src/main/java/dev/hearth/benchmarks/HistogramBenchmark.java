package dev.hearth.benchmarks;

import dev.hearth.CollectorRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.ExplicitBucketHistogramOptions;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Case 3: one unlabeled histogram with the default bounds .005 .. 10 (+Inf), observing the next of
 * 1024 precomputed log-uniform values in [0.001, 12) that hit every bucket. Scores are nanoseconds
 * per observation per thread.
 *
 * <ul>
 *   <li>client_java: {@code classicOnly()} with its default classic bounds (the same), no exemplars.
 *   <li>Micrometer: a {@code Timer} with the bounds as service-level objectives (as Durations) and
 *       percentile histograms off, recording the same values as precomputed nanoseconds; it also
 *       keeps a decaying max, as it always does. Not a {@code DistributionSummary}: Micrometer
 *       1.17.2's summary histogram truncates its bounds to whole numbers (everything up to 0.5 lands
 *       in no bucket below 1.0, and 2.5 counts as 2), so it would not produce the same buckets.
 *   <li>OpenTelemetry: a {@code DoubleHistogram} given the bounds by a View; it also tracks
 *       min/max, as it does by default.
 *   <li>naiveAdders: a linear bucket search, one {@code LongAdder} per bucket and a
 *       {@code DoubleAdder} sum: the floor of a lock-free explicit-bucket histogram.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Benchmark)
public class HistogramBenchmark {
  private static final String NAME = "request_duration_seconds";
  private static final double[] VALUES = Fixtures.histogramValues();
  private static final long[] NANOS = new long[VALUES.length];

  static {
    for (int i = 0; i < VALUES.length; i++) {
      NANOS[i] = Math.round(VALUES[i] * 1e9);
    }
  }

  private dev.hearth.Histogram hearth;
  private io.prometheus.metrics.core.metrics.Histogram clientJava;
  private Timer micrometer;
  private DoubleHistogram otel;
  private SdkMeterProvider otelProvider;
  private NaiveHistogram naive;

  /** Each thread's position in the observed values; threads start at different offsets. */
  @State(Scope.Thread)
  public static class Cursor {
    int i;

    @Setup
    public void setup(ThreadParams params) {
      i = params.getThreadIndex() * 512;
    }

    double next() {
      int n = (i + 1) & (Fixtures.VALUE_COUNT - 1);
      i = n;
      return VALUES[n];
    }

    /** The same value as {@link #next()} would give, in nanoseconds. */
    long nextNanos() {
      int n = (i + 1) & (Fixtures.VALUE_COUNT - 1);
      i = n;
      return NANOS[n];
    }
  }

  /** One LongAdder per bucket and a DoubleAdder sum, with a linear search. */
  static final class NaiveHistogram {
    private final double[] bounds;
    private final LongAdder[] counts;
    private final DoubleAdder sum = new DoubleAdder();

    NaiveHistogram(double[] bounds) {
      this.bounds = bounds.clone();
      this.counts = new LongAdder[bounds.length + 1];
      for (int i = 0; i < counts.length; i++) {
        counts[i] = new LongAdder();
      }
    }

    void observe(double v) {
      double[] b = bounds;
      int i = 0;
      while (i < b.length && !(v <= b[i])) {
        i++;
      }
      counts[i].increment();
      sum.add(v);
    }
  }

  @Setup
  public void setup() {
    double[] bounds = Fixtures.DEFAULT_BOUNDS;
    hearth = dev.hearth.Histogram.builder(NAME).help("Latency.").register(new CollectorRegistry());
    clientJava = io.prometheus.metrics.core.metrics.Histogram.builder()
        .name(NAME).help("Latency.").classicOnly().withoutExemplars()
        .register(new PrometheusRegistry());
    Duration[] slos = new Duration[bounds.length];
    for (int i = 0; i < bounds.length; i++) {
      slos[i] = Duration.ofNanos(Math.round(bounds[i] * 1e9));
    }
    micrometer = Timer.builder("request.duration").description("Latency.")
        .serviceLevelObjectives(slos).publishPercentileHistogram(false)
        .register(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    List<Double> boundaries = new ArrayList<>();
    for (double b : bounds) {
      boundaries.add(b);
    }
    otelProvider = OtelSupport.withView(new OtelSupport.PullReader(), NAME,
        View.builder().setAggregation(Aggregation.explicitBucketHistogram(
            ExplicitBucketHistogramOptions.builder().setBucketBoundaries(boundaries).build()))
            .build());
    otel = otelProvider.get("bench").histogramBuilder(NAME).setUnit("s").build();
    naive = new NaiveHistogram(bounds);
  }

  @TearDown
  public void tearDown() {
    otelProvider.close();
  }

  // ---- 1 thread ----

  @Benchmark
  @Threads(1)
  public void hearth_observe_1t(Cursor c) {
    hearth.observe(c.next());
  }

  @Benchmark
  @Threads(1)
  public void clientJava_classicOnlyObserve_1t(Cursor c) {
    clientJava.observe(c.next());
  }

  @Benchmark
  @Threads(1)
  public void micrometer_timerSloRecord_1t(Cursor c) {
    micrometer.record(c.nextNanos(), TimeUnit.NANOSECONDS);
  }

  @Benchmark
  @Threads(1)
  public void otel_viewBucketsRecord_1t(Cursor c) {
    otel.record(c.next());
  }

  @Benchmark
  @Threads(1)
  public void naiveAdders_observe_1t(Cursor c) {
    naive.observe(c.next());
  }

  // ---- 2 threads, same histogram ----

  @Benchmark
  @Threads(2)
  @Fork(3)
  public void hearth_observe_2t(Cursor c) {
    hearth.observe(c.next());
  }

  @Benchmark
  @Threads(2)
  @Fork(3)
  public void clientJava_classicOnlyObserve_2t(Cursor c) {
    clientJava.observe(c.next());
  }

  @Benchmark
  @Threads(2)
  @Fork(3)
  public void micrometer_timerSloRecord_2t(Cursor c) {
    micrometer.record(c.nextNanos(), TimeUnit.NANOSECONDS);
  }

  @Benchmark
  @Threads(2)
  @Fork(3)
  public void otel_viewBucketsRecord_2t(Cursor c) {
    otel.record(c.next());
  }

  @Benchmark
  @Threads(2)
  @Fork(3)
  public void naiveAdders_observe_2t(Cursor c) {
    naive.observe(c.next());
  }
}
