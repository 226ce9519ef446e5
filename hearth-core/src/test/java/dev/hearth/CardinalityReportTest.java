package dev.hearth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CardinalityReportTest {
  @Test
  void ranksMetricsAndLabelsAndClassifiesAgainstBackends() {
    CollectorRegistry registry = new CollectorRegistry();
    Counter requests = Counter.builder("requests").help("h").labelNames("method", "user")
        .maxSeries(20_000).register(registry);
    for (int i = 0; i < 12_000; i++) {
      requests.labels(i % 3 == 0 ? "POST" : "GET", "user-" + i).inc();
    }
    Gauge.builder("temp").help("h").labelNames("room").register(registry).labels("kitchen").set(1);
    Counter.builder("plain").help("h").register(registry);

    CardinalityReport report = registry.cardinality();
    assertThat(report.metrics()).extracting(CardinalityReport.MetricReport::name)
        .containsExactly("requests", "plain", "temp");
    CardinalityReport.MetricReport top = report.metrics().get(0);
    assertThat(top.series()).isEqualTo(12_000);
    assertThat(top.limit()).isEqualTo(20_000);
    assertThat(top.backendFit()).isEqualTo(CardinalityReport.BackendFit.THANOS_SCALE);
    assertThat(top.labels()).extracting(CardinalityReport.LabelReport::name).containsExactly("user", "method");
    assertThat(top.labels().get(1).distinctValues()).isEqualTo(2);
    assertThat(top.labels().get(1).topValues().get(0)).isEqualTo(Map.entry("GET", 8000));
    assertThat(top.labels().get(0).topValues()).hasSize(CardinalityReport.TOP_VALUES);
    assertThat(report.metrics().get(2).backendFit()).isEqualTo(CardinalityReport.BackendFit.SINGLE_PROMETHEUS);

    assertThat(report.toJson()).startsWith("{\"metrics\":[{\"name\":\"requests\",\"type\":\"counter\",\"series\":12000,\"limit\":20000,\"policy\":\"OVERFLOW\",\"overflow\":0,\"backendFit\":\"THANOS_SCALE\",\"labels\":[{\"name\":\"user\",\"distinctValues\":12000");
    assertThat(report.toTable()).contains("requests").contains("user=12000, method=2");
    assertThat(CardinalityReport.BackendFit.of(2_000_000)).isEqualTo(CardinalityReport.BackendFit.TOO_MANY);
    assertThat(CardinalityReport.BackendFit.of(500_000)).isEqualTo(CardinalityReport.BackendFit.VICTORIAMETRICS_SCALE);
  }

  @Test
  void jsonEscapesLabelValues() {
    CollectorRegistry registry = new CollectorRegistry();
    Counter.builder("c").labelNames("k").register(registry).labels("a\"b\\c\nd").inc();
    assertThat(registry.cardinality().toJson()).contains("\"value\":\"a\\\"b\\\\c\\u000ad\"");
  }
}
