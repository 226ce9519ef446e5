package dev.hearth.benchmarks;

import dev.hearth.CollectorRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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

/**
 * Case 1: one unlabeled counter, incremented by one, shared by 1 or 2 threads. Method names are
 * {@code <library>_<call>_<threads>t}; scores are nanoseconds per call per thread.
 *
 * <p>client_java is built {@code withoutExemplars()} and OpenTelemetry with the exemplar filter
 * off: Hearth and Micrometer sample no exemplars implicitly, and the benchmark jar has the
 * OpenTelemetry API on the class path, which would switch client_java's sampler on.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Benchmark)
public class CounterBenchmark {
  private dev.hearth.Counter hearth;
  private io.prometheus.metrics.core.metrics.Counter clientJava;
  private io.micrometer.core.instrument.Counter micrometer;
  private LongCounter otel;
  private SdkMeterProvider otelProvider;
  private LongAdder longAdder;
  private AtomicLong atomicLong;

  @Setup
  public void setup() {
    hearth = dev.hearth.Counter.builder("requests_total").help("Requests.")
        .register(new CollectorRegistry());
    clientJava = io.prometheus.metrics.core.metrics.Counter.builder()
        .name("requests_total").help("Requests.").withoutExemplars()
        .register(new PrometheusRegistry());
    micrometer = io.micrometer.core.instrument.Counter.builder("requests").description("Requests.")
        .register(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    otelProvider = OtelSupport.builder(new OtelSupport.PullReader()).build();
    otel = otelProvider.get("bench").counterBuilder("requests").build();
    longAdder = new LongAdder();
    atomicLong = new AtomicLong();
  }

  @TearDown
  public void tearDown() {
    otelProvider.close();
  }

  // ---- 1 thread ----

  @Benchmark
  @Threads(1)
  public void hearth_inc_1t() {
    hearth.inc();
  }

  @Benchmark
  @Threads(1)
  public void clientJava_inc_1t() {
    clientJava.inc();
  }

  @Benchmark
  @Threads(1)
  public void micrometer_increment_1t() {
    micrometer.increment();
  }

  @Benchmark
  @Threads(1)
  public void otel_add_1t() {
    otel.add(1);
  }

  @Benchmark
  @Threads(1)
  public void longAdder_increment_1t() {
    longAdder.increment();
  }

  @Benchmark
  @Threads(1)
  public long atomicLong_incrementAndGet_1t() {
    return atomicLong.incrementAndGet();
  }

  // ---- 2 threads, same counter ----

  @Benchmark
  @Threads(2)
  @Fork(3)
  public void hearth_inc_2t() {
    hearth.inc();
  }

  @Benchmark
  @Threads(2)
  @Fork(3)
  public void clientJava_inc_2t() {
    clientJava.inc();
  }

  @Benchmark
  @Threads(2)
  @Fork(3)
  public void micrometer_increment_2t() {
    micrometer.increment();
  }

  @Benchmark
  @Threads(2)
  @Fork(3)
  public void otel_add_2t() {
    otel.add(1);
  }

  @Benchmark
  @Threads(2)
  @Fork(3)
  public void longAdder_increment_2t() {
    longAdder.increment();
  }

  @Benchmark
  @Threads(2)
  @Fork(3)
  public long atomicLong_incrementAndGet_2t() {
    return atomicLong.incrementAndGet();
  }
}
