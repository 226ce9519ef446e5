package dev.hearth.benchmarks;

import dev.hearth.CollectorRegistry;
import dev.hearth.exposition.Exposition;
import dev.hearth.exposition.ExpositionFormat;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Case 4: a whole scrape (collect + Prometheus text 0.0.4) of {@code seriesCount} counter series,
 * 3 labels each, spread over 10 counter families, to a reused stream that counts and discards the
 * bytes. Milliseconds per scrape; run with {@code -prof gc} for bytes allocated per scrape.
 *
 * <p>What each writes differs: Hearth writes text 0.0.4 byte for byte as Python
 * prometheus_client does, which includes a {@code <name>_created} gauge family per counter (one
 * extra line per series). client_java is measured as configured by default
 * ({@code PrometheusTextFormatWriter(false)}, now spelled
 * {@code builder().setIncludeCreatedTimestamps(false)}: no created timestamps) and, for equal work, with
 * created timestamps ({@code clientJava_scrapeWriteCreated}). Micrometer writes no created lines.
 * Each state prints its bytes per scrape at setup.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class ExpositionBenchmark {
  static final int FAMILIES = 10;
  private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH"};

  /**
   * Label values of series {@code j} of a family: distinct for every j, shared (same String
   * instances) across families and libraries.
   */
  static final class Series {
    final String[][] values;

    Series(int perFamily) {
      values = new String[perFamily][];
      String[] paths = new String[200];
      for (int i = 0; i < paths.length; i++) {
        paths[i] = "/api/v1/resource/" + i;
      }
      String[] pods = new String[perFamily / 1000 + 1];
      for (int i = 0; i < pods.length; i++) {
        pods[i] = "pod-" + i;
      }
      for (int j = 0; j < perFamily; j++) {
        values[j] = new String[] {METHODS[j % 5], paths[(j / 5) % 200], pods[j / 1000]};
      }
    }

    /** The amount series j is incremented by: whole numbers, 1 .. 1000. */
    static long amount(int j) {
      return j % 1000 + 1;
    }

    /** A Hearth registry with {@link #FAMILIES} counters holding these series. */
    CollectorRegistry hearthRegistry() {
      CollectorRegistry registry = new CollectorRegistry();
      for (int f = 0; f < FAMILIES; f++) {
        dev.hearth.Counter c = dev.hearth.Counter.builder("requests_" + f)
            .help("Requests served.").labelNames(Fixtures.LABEL_NAMES).unlimitedSeries()
            .register(registry);
        for (int j = 0; j < values.length; j++) {
          String[] v = values[j];
          c.labels(v[0], v[1], v[2]).inc(amount(j));
        }
      }
      return registry;
    }

    /** The same counters and series in a client_java registry (without exemplars). */
    PrometheusRegistry clientJavaRegistry() {
      PrometheusRegistry registry = new PrometheusRegistry();
      for (int f = 0; f < FAMILIES; f++) {
        io.prometheus.metrics.core.metrics.Counter c = io.prometheus.metrics.core.metrics.Counter
            .builder().name("requests_" + f).help("Requests served.")
            .labelNames(Fixtures.LABEL_NAMES).withoutExemplars().register(registry);
        for (int j = 0; j < values.length; j++) {
          String[] v = values[j];
          c.labelValues(v[0], v[1], v[2]).inc(amount(j));
        }
      }
      return registry;
    }
  }

  private static void report(String library, int seriesCount, long bytes) {
    System.out.printf("%n[exposition] %s seriesCount=%d: %d bytes per scrape (%.1f per series)%n",
        library, seriesCount, bytes, (double) bytes / seriesCount);
  }

  /** Hearth: {@code Exposition.write(out, registry, PROMETHEUS_TEXT_0_0_4)}. */
  @State(Scope.Benchmark)
  public static class HearthState {
    @Param({"10000", "100000"})
    int seriesCount;

    CollectorRegistry registry;
    final CountingOutputStream out = new CountingOutputStream();

    @Setup(Level.Trial)
    public void setup() throws IOException {
      registry = new Series(seriesCount / FAMILIES).hearthRegistry();
      out.reset();
      Exposition.write(out, registry, ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
      report("hearth", seriesCount, out.count());
    }
  }

  /** client_java: {@code writer.write(out, registry.scrape())}. */
  @State(Scope.Benchmark)
  public static class ClientJavaState {
    @Param({"10000", "100000"})
    int seriesCount;

    PrometheusRegistry registry;
    final PrometheusTextFormatWriter writer =
        PrometheusTextFormatWriter.builder().setIncludeCreatedTimestamps(false).build();
    final PrometheusTextFormatWriter writerWithCreated =
        PrometheusTextFormatWriter.builder().setIncludeCreatedTimestamps(true).build();
    final CountingOutputStream out = new CountingOutputStream();

    @Setup(Level.Trial)
    public void setup() throws IOException {
      registry = new Series(seriesCount / FAMILIES).clientJavaRegistry();
      out.reset();
      writer.write(out, registry.scrape());
      report("clientJava", seriesCount, out.count());
      out.reset();
      writerWithCreated.write(out, registry.scrape());
      report("clientJava with created timestamps", seriesCount, out.count());
    }
  }

  /** Micrometer: {@code registry.scrape()} (a String), whose UTF-8 bytes are written. */
  @State(Scope.Benchmark)
  public static class MicrometerState {
    @Param({"10000", "100000"})
    int seriesCount;

    PrometheusMeterRegistry registry;
    final CountingOutputStream out = new CountingOutputStream();

    @Setup(Level.Trial)
    public void setup() throws IOException {
      registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Series s = new Series(seriesCount / FAMILIES);
      for (int f = 0; f < FAMILIES; f++) {
        String name = "requests_" + f;
        for (int j = 0; j < s.values.length; j++) {
          String[] v = s.values[j];
          io.micrometer.core.instrument.Counter.builder(name).description("Requests served.")
              .tags(Tags.of(Fixtures.LABEL_NAMES[0], v[0], Fixtures.LABEL_NAMES[1], v[1],
                  Fixtures.LABEL_NAMES[2], v[2]))
              .register(registry).increment(Series.amount(j));
        }
      }
      out.reset();
      out.write(registry.scrape().getBytes(StandardCharsets.UTF_8));
      report("micrometer", seriesCount, out.count());
    }
  }

  @Benchmark
  public void hearth_write(HearthState s, Blackhole bh) throws IOException {
    s.out.reset();
    Exposition.write(s.out, s.registry, ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
    bh.consume(s.out.count());
    bh.consume(s.out.checksum());
  }

  @Benchmark
  public void clientJava_scrapeWrite(ClientJavaState s, Blackhole bh) throws IOException {
    s.out.reset();
    s.writer.write(s.out, s.registry.scrape());
    bh.consume(s.out.count());
    bh.consume(s.out.checksum());
  }

  @Benchmark
  public void clientJava_scrapeWriteCreated(ClientJavaState s, Blackhole bh) throws IOException {
    s.out.reset();
    s.writerWithCreated.write(s.out, s.registry.scrape());
    bh.consume(s.out.count());
    bh.consume(s.out.checksum());
  }

  @Benchmark
  public void micrometer_scrapeString(MicrometerState s, Blackhole bh) throws IOException {
    s.out.reset();
    s.out.write(s.registry.scrape().getBytes(StandardCharsets.UTF_8));
    bh.consume(s.out.count());
    bh.consume(s.out.checksum());
  }
}
