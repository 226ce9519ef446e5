package dev.hearth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SummaryTest {
  private final CollectorRegistry registry = new CollectorRegistry();

  @Test
  void countAndSumWithoutQuantiles() {
    Summary s = Summary.builder("payload_bytes").help("h").register(registry);
    s.observe(10);
    s.observe(5.5);
    assertThat(registry.getSampleValue("payload_bytes_count")).isEqualTo(2.0);
    assertThat(registry.getSampleValue("payload_bytes_sum")).isEqualTo(15.5);
    assertThat(registry.getSampleValue("payload_bytes_created")).isPositive();
    assertThat(registry.getSampleValue("payload_bytes", Map.of("quantile", "0.5"))).isNull();
  }

  @Test
  void quantilesOverTheWindow() {
    Summary s = Summary.builder("latency").help("h").labelNames("path")
        .quantile(0.5, 0.01).quantile(0.99, 0.001).maxAge(Duration.ofMinutes(1)).ageBuckets(3)
        .register(registry);
    for (int i = 1; i <= 10_000; i++) {
      s.labels("/a").observe(i);
    }
    assertThat(registry.getSampleValue("latency", Map.of("path", "/a", "quantile", "0.5")))
        .isCloseTo(5000, within(100.0));
    assertThat(registry.getSampleValue("latency", Map.of("path", "/a", "quantile", "0.99")))
        .isCloseTo(9900, within(10.0));
    assertThat(registry.getSampleValue("latency_count", Map.of("path", "/a"))).isEqualTo(10_000.0);
  }

  /** Issue 11 item 6: NaN is ignored (count, sum and quantiles unchanged) and counted. */
  @Test
  void nanIsIgnoredAndCounted() {
    Summary s = Summary.builder("nan").help("h").quantile(0.5, 0.05).register(registry);
    s.observe(2);
    s.observe(Double.NaN);
    assertThat(registry.getSampleValue("nan_count")).isEqualTo(1.0);
    assertThat(registry.getSampleValue("nan_sum")).isEqualTo(2.0);
    assertThat(registry.getSampleValue("nan", Map.of("quantile", "0.5"))).isEqualTo(2.0);
    assertThat(s.ignoredNaNObservations()).isEqualTo(1);
    assertThat(registry.getSampleValue("hearth_ignored_nan_observations_total", Map.of("metric", "nan")))
        .isEqualTo(1.0);
  }

  @Test
  void emptyWindowGivesNaN() {
    Summary s = Summary.builder("s").help("h").quantile(0.5, 0.05).register(registry);
    assertThat(registry.getSampleValue("s", Map.of("quantile", "0.5"))).isNaN();
    assertThat(s.snapshot().dataPoints().get(0).count()).isZero();
  }

  @Test
  void timer() throws Exception {
    Summary s = Summary.builder("t").help("h").register(registry);
    try (Timer t = s.startTimer()) {
      Thread.sleep(5);
    }
    assertThat(s.time(() -> "x")).isEqualTo("x");
    assertThat(registry.getSampleValue("t_count")).isEqualTo(2.0);
  }

  @Test
  void validation() {
    assertThatThrownBy(() -> Summary.builder("s").quantile(1.5, 0.01))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5").hasMessageContaining("'s'");
    assertThatThrownBy(() -> Summary.builder("s").quantile(0.5, 0))
        .hasMessageContaining("error 0.0");
    assertThatThrownBy(() -> Summary.builder("s").quantile(0.5, 0.1).quantile(0.5, 0.2))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> Summary.builder("s").maxAge(Duration.ZERO)).hasMessageContaining("maxAge");
    assertThatThrownBy(() -> Summary.builder("s").ageBuckets(0)).hasMessageContaining("ageBuckets");
    assertThatThrownBy(() -> Summary.builder("s").labelNames("quantile").build())
        .hasMessageContaining("'quantile'").hasMessageContaining("reserved");
  }
}
