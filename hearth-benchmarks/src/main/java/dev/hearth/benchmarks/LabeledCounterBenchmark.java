package dev.hearth.benchmarks;

import dev.hearth.CollectorRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.TimeUnit;
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
 * Case 2: a counter with 3 labels and 100 existing series; every call takes the next of 100
 * precomputed label-value combinations, looks the series up and increments it, as code that does
 * not keep child handles does. Scores are nanoseconds per lookup+increment per thread.
 *
 * <p>Micrometer looks the meter up the way its users do, {@code registry.counter(name, tags...)}.
 * OpenTelemetry is given 100 <em>prebuilt</em> {@code Attributes} (building them per call would
 * cost more); the others get the raw String values.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Benchmark)
public class LabeledCounterBenchmark {
  private static final String NAME = "http_requests";

  private String[][] combos;
  private Attributes[] attributes;
  private dev.hearth.Counter hearth;
  private io.prometheus.metrics.core.metrics.Counter clientJava;
  private PrometheusMeterRegistry micrometer;
  private LongCounter otel;
  private SdkMeterProvider otelProvider;

  /** Each thread's position in the combinations; threads start at different offsets. */
  @State(Scope.Thread)
  public static class Cursor {
    int i;

    @Setup
    public void setup(ThreadParams params) {
      i = (params.getThreadIndex() * 37) % Fixtures.COMBINATIONS;
    }

    int next() {
      int n = i + 1;
      if (n == Fixtures.COMBINATIONS) {
        n = 0;
      }
      i = n;
      return n;
    }
  }

  @Setup
  public void setup() {
    combos = Fixtures.labelCombinations();
    attributes = Fixtures.attributes(combos);
    hearth = dev.hearth.Counter.builder(NAME).help("Requests.").labelNames(Fixtures.LABEL_NAMES)
        .register(new CollectorRegistry());
    clientJava = io.prometheus.metrics.core.metrics.Counter.builder()
        .name(NAME).help("Requests.").labelNames(Fixtures.LABEL_NAMES).withoutExemplars()
        .register(new PrometheusRegistry());
    micrometer = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    otelProvider = OtelSupport.builder(new OtelSupport.PullReader()).build();
    otel = otelProvider.get("bench").counterBuilder(NAME).build();
    // create every series up front: the benchmark measures lookups of existing series
    for (int i = 0; i < combos.length; i++) {
      String[] v = combos[i];
      hearth.labels(v[0], v[1], v[2]).inc();
      clientJava.labelValues(v[0], v[1], v[2]).inc();
      micrometer.counter(NAME, "method", v[0], "path", v[1], "status", v[2]).increment();
      otel.add(1, attributes[i]);
    }
  }

  @TearDown
  public void tearDown() {
    otelProvider.close();
  }

  private void hearth(Cursor c) {
    String[] v = combos[c.next()];
    hearth.labels(v[0], v[1], v[2]).inc();
  }

  private void clientJava(Cursor c) {
    String[] v = combos[c.next()];
    clientJava.labelValues(v[0], v[1], v[2]).inc();
  }

  private void micrometer(Cursor c) {
    String[] v = combos[c.next()];
    micrometer.counter(NAME, "method", v[0], "path", v[1], "status", v[2]).increment();
  }

  private void otel(Cursor c) {
    otel.add(1, attributes[c.next()]);
  }

  // ---- 1 thread ----

  @Benchmark
  @Threads(1)
  public void hearth_labelsInc_1t(Cursor c) {
    hearth(c);
  }

  @Benchmark
  @Threads(1)
  public void clientJava_labelValuesInc_1t(Cursor c) {
    clientJava(c);
  }

  @Benchmark
  @Threads(1)
  public void micrometer_registryCounterIncrement_1t(Cursor c) {
    micrometer(c);
  }

  @Benchmark
  @Threads(1)
  public void otel_addPrebuiltAttributes_1t(Cursor c) {
    otel(c);
  }

  // ---- 2 threads ----

  @Benchmark
  @Threads(2)
  @Fork(3)
  public void hearth_labelsInc_2t(Cursor c) {
    hearth(c);
  }

  @Benchmark
  @Threads(2)
  @Fork(3)
  public void clientJava_labelValuesInc_2t(Cursor c) {
    clientJava(c);
  }

  @Benchmark
  @Threads(2)
  @Fork(3)
  public void micrometer_registryCounterIncrement_2t(Cursor c) {
    micrometer(c);
  }

  @Benchmark
  @Threads(2)
  @Fork(3)
  public void otel_addPrebuiltAttributes_2t(Cursor c) {
    otel(c);
  }
}
