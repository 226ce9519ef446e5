package dev.hearth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.exposition.Exposition;
import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.exposition.TextFile;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.testing.Peers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 defect 2 (a duplicate family never reaches the wire) and the registry half of issue 11
 * item 5 (a collector whose output is invalid is skipped and counted). Collectors here do not
 * describe() their families, so registration cannot catch the clash: the scrape must.
 */
class DuplicateFamilyTest {
  @TempDir Path dir;

  /** A collector that does not describe its output, named for error reports. */
  private static Collector collector(String name, Supplier<List<MetricSnapshot<?>>> families) {
    return new Collector() {
      @Override
      public List<MetricSnapshot<?>> collect() {
        return families.get();
      }

      @Override
      public String collectorName() {
        return name;
      }
    };
  }

  private static MetricSnapshot<?> gauge(String name) {
    return new GaugeMetricFamily(name, "a gauge").addMetric(7).build();
  }

  /** Clashing pairs: the first family is registered first; the sample name they share. */
  private static final List<Object[]> CLASHES = List.of(
      new Object[] {new CounterMetricFamily("x", "c").addMetric(1).build(), gauge("x_total"), "x_total"},
      // with a creation time: text 0.0.4 writes it as its own x_created family
      new Object[] {new CounterMetricFamily("x", "c").addMetric(List.of(), 1, 1.7e9, null).build(),
          gauge("x_created"), "x_created"},
      new Object[] {histogram("h"), gauge("h_bucket"), "h_bucket"},
      new Object[] {histogram("h"), gauge("h_count"), "h_count"},
      new Object[] {histogram("h"), gauge("h_sum"), "h_sum"},
      new Object[] {new InfoMetricFamily("i", "i").addMetric(Map.of("v", "1")).build(), gauge("i_info"), "i_info"},
      new Object[] {new SummaryMetricFamily("s", "s").addMetric(List.of(), 1, 2).build(), gauge("s_count"), "s_count"},
      new Object[] {gauge("g"), gauge("g"), "g"},
      // reversed order: the suffixed family first
      new Object[] {gauge("x_total"), new CounterMetricFamily("x", "c").addMetric(1).build(), "x_total"});

  private static MetricSnapshot<?> histogram(String name) {
    return new HistogramMetricFamily(name, "a histogram")
        .addMetric(List.of(), new double[] {1, Double.POSITIVE_INFINITY}, new double[] {1, 2}, 3).build();
  }

  private static CollectorRegistry clashing(Object[] clash) {
    CollectorRegistry registry = new CollectorRegistry();
    registry.register(collector("first", () -> List.of((MetricSnapshot<?>) clash[0])));
    registry.register(collector("second", () -> List.of((MetricSnapshot<?>) clash[1], gauge("unrelated"))));
    return registry;
  }

  @Test
  void theRegistryLeavesTheLaterFamilyOutAndCountsIt() throws Exception {
    for (Object[] clash : CLASHES) {
      MetricSnapshot<?> first = (MetricSnapshot<?>) clash[0];
      MetricSnapshot<?> second = (MetricSnapshot<?>) clash[1];
      CollectorRegistry registry = clashing(clash);
      List<MetricSnapshot<?>> scraped = registry.collect();
      assertThat(scraped).as("%s", clash[2]).contains(first).doesNotContain(second);
      assertThat(registry.getSampleValue("unrelated")).isEqualTo(7.0);
      assertThat(registry.getSampleValue("hearth_collector_errors_total", Map.of("collector", "second")))
          .as("%s", clash[2]).isEqualTo(3.0); // one per scrape: collect() and two getSampleValue
      for (ExpositionFormat f : ExpositionFormat.values()) {
        String text = Exposition.generateLatest(registry, f);
        assertThat(text.lines().filter(l -> l.startsWith("# TYPE " + clash[2] + " "))).as(text).hasSizeLessThan(2);
      }

      // TextFile (and so the exporters, which all write registry.collect()) gets the same list
      Path file = dir.resolve("clash.prom");
      TextFile.write(registry, file);
      String written = Files.readString(file);
      assertThat(written).contains("unrelated 7.0");
      assertThat(written.lines().filter(l -> l.startsWith("# TYPE " + clash[2] + " "))).hasSizeLessThan(2);
    }
  }

  @Test
  void promtoolAcceptsTheScrapes() throws Exception {
    Peers.requirePromtool();
    for (Object[] clash : CLASHES) {
      CollectorRegistry registry = clashing(clash);
      promtoolAccepts(Exposition.generateLatest(registry));
      Path file = dir.resolve("clash.prom");
      TextFile.write(registry, file);
      promtoolAccepts(Files.readString(file));
    }
    promtoolAccepts(Exposition.generateLatest(withInvalidCollectors()));
  }

  @Test
  void failOnCollectorErrorFailsTheScrapeNamingBothCollectors() throws Exception {
    CollectorRegistry strict = CollectorRegistry.builder().failOnCollectorError(true).build();
    Counter.builder("jobs").help("h").register(strict).inc();
    strict.register(collector("legacy-bridge", () -> List.of(gauge("jobs_total"))));
    assertThatThrownBy(strict::collect).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("legacy-bridge").hasMessageContaining("Counter 'jobs'")
        .hasMessageContaining("'jobs_total'");
    Path file = dir.resolve("strict.prom");
    assertThatThrownBy(() -> TextFile.write(strict, file)).hasMessageContaining("legacy-bridge");
    assertThat(file).doesNotExist();
  }

  @Test
  void theRegistrysOwnNamesAreReservedInEveryScrape() {
    CollectorRegistry registry = new CollectorRegistry();
    Counter c = Counter.builder("capped").labelNames("k").maxSeries(1).register(registry);
    c.labels("a").inc();
    c.labels("b").inc();
    registry.register(collector("impostor", () -> List.of(
        new CounterMetricFamily("hearth_cardinality_overflow_total", "fake").addMetric(99).build())));
    assertThat(registry.getSampleValue("hearth_cardinality_overflow_total", Map.of("metric", "capped")))
        .isEqualTo(1.0);
    assertThat(registry.getSampleValue("hearth_cardinality_overflow_total")).isNull();
    assertThat(registry.getSampleValue("hearth_collector_errors_total", Map.of("collector", "impostor")))
        .isPositive();
  }

  /**
   * Text 0.0.4 writes a counter's creation times as a separate {@code x_created} gauge family, and
   * Hearth parses Python's text so: a counter without them beside that gauge is no clash on the
   * wire and stays writable in both formats, as the registry's stricter check (Python's) is not
   * needed for a list handed to the writer.
   */
  @Test
  void aParsedTextCounterBesideItsCreatedGaugeIsWritable() {
    List<MetricSnapshot<?>> list = List.of(new CounterMetricFamily("x", "c").addMetric(1).build(),
        gauge("x_created"));
    for (ExpositionFormat f : ExpositionFormat.values()) {
      assertThat(writeToString(list, f)).contains("x_total 1.0").contains("x_created 7.0");
    }
  }

  private static String writeToString(List<MetricSnapshot<?>> list, ExpositionFormat f) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      Exposition.write(out, list, f);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void everyWriterRefusesDuplicateNamesInAListBeforeWritingAnything() {
    for (Object[] clash : CLASHES) {
      List<MetricSnapshot<?>> list = List.of(gauge("before"), (MetricSnapshot<?>) clash[0],
          (MetricSnapshot<?>) clash[1]);
      for (ExpositionFormat f : ExpositionFormat.values()) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MetricSnapshot<?> a = list.get(1);
        MetricSnapshot<?> b = list.get(2);
        assertThatThrownBy(() -> Exposition.write(out, list, f))
            .as("%s %s", clash[2], f).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'" + clash[2] + "'")
            .hasMessageContaining(a.type().openMetricsName() + " '" + a.name() + "'")
            .hasMessageContaining(b.type().openMetricsName() + " '" + b.name() + "'");
        assertThat(out.size()).isZero();
      }
    }
  }

  private static CollectorRegistry withInvalidCollectors() {
    CollectorRegistry registry = new CollectorRegistry();
    registry.register(new CollectorRegistryTest.DatabasePoolCollector());
    registry.register(collector("bad-labels", () -> List.of(new dev.hearth.model.GaugeSnapshot("g", "h", "",
        List.of(new dev.hearth.model.GaugeSnapshot.DataPoint(
            dev.hearth.model.Labels.of("bad-label", "v"), 1, dev.hearth.model.DataPoint.NO_TIMESTAMP))))));
    registry.register(collector("null-family", () -> java.util.Arrays.asList(gauge("ok_before_null"), null)));
    registry.register(collector("null-list", () -> null));
    return registry;
  }

  @Test
  void aCollectorWithInvalidOutputIsSkippedAndCounted() {
    CollectorRegistry registry = withInvalidCollectors();
    String text = Exposition.generateLatest(registry);
    assertThat(text).contains("db_pool_size 10.0").doesNotContain("bad-label=").doesNotContain("ok_before_null");
    for (String name : List.of("bad-labels", "null-family", "null-list")) {
      assertThat(registry.getSampleValue("hearth_collector_errors_total", Map.of("collector", name)))
          .as(name).isPositive();
    }
  }

  private static void promtoolAccepts(String text) throws Exception {
    Peers.Result r = Peers.run(List.of("promtool", "check", "metrics"),
        text.getBytes(StandardCharsets.UTF_8), null, 60);
    // exit 1: an invalid exposition; exit 3: only lint advice (e.g. a gauge named x_total)
    assertThat(r.exitCode).as("%s\n%s", r, text).isIn(0, 3);
    assertThat(r.stdout + r.stderr).as(text).doesNotContain("error");
  }
}
