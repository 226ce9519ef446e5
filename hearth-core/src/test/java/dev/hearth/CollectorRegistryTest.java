package dev.hearth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.model.MetricSnapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollectorRegistryTest {
  private final CollectorRegistry registry = new CollectorRegistry();

  @Test
  void conflictingNamesAreRejectedNamingBoth() {
    Counter.builder("x").help("h").register(registry);
    assertThatThrownBy(() -> Gauge.builder("x_total").help("h").register(registry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Gauge 'x_total'").hasMessageContaining("Counter 'x'")
        .hasMessageContaining("'x_total'");
    assertThatThrownBy(() -> Gauge.builder("x_created").register(registry))
        .hasMessageContaining("'x_created'");
    Histogram.builder("h").register(registry);
    assertThatThrownBy(() -> Gauge.builder("h_bucket").register(registry)).hasMessageContaining("'h_bucket'");
    assertThatThrownBy(() -> Counter.builder("h_count").register(registry)).hasMessageContaining("'h_count'");
    assertThatThrownBy(() -> Gauge.builder("h").register(registry)).hasMessageContaining("'h'");
  }

  @Test
  void selfMetricNamesAreReserved() {
    assertThatThrownBy(() -> Gauge.builder("hearth_metric_series").register(registry))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("self-metrics");
    assertThatThrownBy(() -> Counter.builder("hearth_cardinality_overflow_total").register(registry))
        .hasMessageContaining("self-metrics");
    registry.clear();
    assertThatThrownBy(() -> Counter.builder("hearth_collector_errors").register(registry))
        .hasMessageContaining("self-metrics");
  }

  @Test
  void unregisterFreesNames() {
    Counter c = Counter.builder("x").register(registry);
    assertThatThrownBy(() -> registry.register(c)).hasMessageContaining("already registered");
    registry.unregister(c);
    Gauge.builder("x_total").register(registry);
    assertThat(registry.getSampleValue("x_total")).isZero();
  }

  @Test
  void getSampleValueReturnsNullWhenAbsent() {
    assertThat(registry.getSampleValue("nothing")).isNull();
    Counter.builder("c").labelNames("a").register(registry).labels("1").inc();
    assertThat(registry.getSampleValue("c_total")).isNull();
    assertThat(registry.getSampleValue("c_total", Map.of("a", "1"))).isEqualTo(1.0);
  }

  /** The seed example from the issue: pool size and checked-out connections. */
  static final class DatabasePoolCollector implements Collector {
    int size = 10;
    int checkedOut = 4;

    @Override
    public List<MetricSnapshot<?>> collect() {
      return List.of(
          new GaugeMetricFamily("db_pool_size", "Connections in the pool").addMetric(size).build(),
          new GaugeMetricFamily("db_pool_checked_out", "Connections in use").addMetric(checkedOut).build());
    }

    @Override
    public List<MetricSnapshot<?>> describe() {
      return collect();
    }
  }

  @Test
  void customCollectorIsScrapedEachTimeAndChecked() {
    DatabasePoolCollector pool = new DatabasePoolCollector();
    registry.register(pool);
    assertThat(registry.getSampleValue("db_pool_checked_out")).isEqualTo(4.0);
    pool.checkedOut = 7;
    assertThat(registry.getSampleValue("db_pool_checked_out")).isEqualTo(7.0);
    assertThatThrownBy(() -> Gauge.builder("db_pool_size").register(registry))
        .hasMessageContaining(DatabasePoolCollector.class.getName());
  }

  @Test
  void failingCollectorIsSkippedAndCounted() {
    Counter ok = Counter.builder("ok").register(registry);
    ok.inc();
    registry.register(new Collector() {
      @Override
      public List<MetricSnapshot<?>> collect() {
        throw new IllegalStateException("boom");
      }

      @Override
      public String collectorName() {
        return "flaky";
      }
    });
    assertThat(registry.getSampleValue("ok_total")).isEqualTo(1.0);
    assertThat(registry.getSampleValue("hearth_collector_errors_total", Map.of("collector", "flaky")))
        .isEqualTo(2.0); // each getSampleValue scrapes once
  }

  @Test
  void failingCollectorCanFailTheScrape() {
    CollectorRegistry strict = CollectorRegistry.builder().failOnCollectorError(true).build();
    strict.register(() -> {
      throw new IllegalStateException("boom");
    });
    assertThatThrownBy(strict::collect).isInstanceOf(IllegalStateException.class).hasMessage("boom");
  }

  @Test
  void metricFamiliesValidate() {
    assertThatThrownBy(() -> new GaugeMetricFamily("g", "h", List.of("a")).addMetric(List.of(), 1))
        .hasMessageContaining("'g'").hasMessageContaining("[a]");
    assertThatThrownBy(() -> new GaugeMetricFamily("g", "h", List.of("a"))
        .addMetric(List.of("x"), 1).addMetric(List.of("x"), 2))
        .hasMessageContaining("already has a series");
    assertThatThrownBy(() -> new CounterMetricFamily("c", "h").addMetric(-1))
        .hasMessageContaining("-1.0");
    assertThat(new CounterMetricFamily("c_total", "h").addMetric(3).build().name()).isEqualTo("c");
    assertThatThrownBy(() -> new HistogramMetricFamily("h", "h", List.of("le")))
        .hasMessageContaining("reserved");
  }

  @Test
  void everyFamilyTypeIsReadableThroughGetSampleValue() {
    registry.register(() -> List.of(
        new CounterMetricFamily("c", "h").addMetric(1).build(),
        new UnknownMetricFamily("u", "h").addMetric(2).build(),
        new InfoMetricFamily("i", "h").addMetric(Map.of("v", "1")).build(),
        new StateSetMetricFamily("s", "h").addMetric(Map.of("on", true)).build(),
        new HistogramMetricFamily("hi", "h").addMetric(List.of(), new double[] {1, Double.POSITIVE_INFINITY},
            new double[] {1, 3}, 4.5).build(),
        new SummaryMetricFamily("su", "h").addMetric(List.of(), 2, 3).build()));
    assertThat(registry.getSampleValue("c_total")).isEqualTo(1.0);
    assertThat(registry.getSampleValue("u")).isEqualTo(2.0);
    assertThat(registry.getSampleValue("i_info", Map.of("v", "1"))).isEqualTo(1.0);
    assertThat(registry.getSampleValue("s", Map.of("s", "on"))).isEqualTo(1.0);
    assertThat(registry.getSampleValue("hi_count")).isEqualTo(3.0);
    assertThat(registry.getSampleValue("hi_bucket", Map.of("le", "1.0"))).isEqualTo(1.0);
    assertThat(registry.getSampleValue("su_sum")).isEqualTo(3.0);
  }

  @Test
  void defaultRegistryIsShared() {
    assertThat(CollectorRegistry.defaultRegistry()).isSameAs(CollectorRegistry.defaultRegistry());
    // what makes it shared: register() without an argument registers there
    Counter c = Counter.builder("hearth_test_default_registry").register();
    try {
      assertThat(CollectorRegistry.defaultRegistry().collectors()).containsOnlyOnce(c);
    } finally {
      CollectorRegistry.defaultRegistry().unregister(c);
    }
  }
}
