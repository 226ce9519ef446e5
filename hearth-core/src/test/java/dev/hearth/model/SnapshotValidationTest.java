package dev.hearth.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Issue 11 item 5: snapshots from custom collectors are validated when built, with errors naming
 * the family and the offending label or value, so a collector cannot put a line on the wire that
 * makes Prometheus reject the whole scrape.
 */
class SnapshotValidationTest {
  private static final long NO_TS = DataPoint.NO_TIMESTAMP;

  private static GaugeSnapshot.DataPoint gauge(Labels l) {
    return new GaugeSnapshot.DataPoint(l, 1, NO_TS);
  }

  private static void rejected(Executable build, String... messageParts) {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, build);
    for (String part : messageParts) {
      assertThat(e.getMessage()).contains(part);
    }
  }

  @Test
  void namesAndLabelNames() {
    rejected(() -> new GaugeSnapshot("bad name", "h", "", List.of()), "gauge family 'bad name'", "invalid name");
    rejected(() -> new GaugeSnapshot("", "h", "", List.of()), "invalid name");
    rejected(() -> new GaugeSnapshot("g", "h", "", List.of(gauge(Labels.of("bad-label", "v")))),
        "gauge family 'g'", "'bad-label'");
    rejected(() -> new UnknownSnapshot("u", "h", "", List.of(
        new UnknownSnapshot.DataPoint(Labels.of("__name", "v"), 1, null, NO_TS))), "'__name'", "reserved");
    rejected(() -> new InfoSnapshot("i", "h", List.of(
        new InfoSnapshot.DataPoint(Labels.of("1a", "v"), NO_TS))), "info family 'i'", "'1a'");
    rejected(() -> new GaugeSnapshot("g_seconds", "h", "bytes", List.of()), "'_bytes'");
    rejected(() -> new GaugeSnapshot("g", "h", "bad-unit", List.of()), "invalid unit");
  }

  @Test
  void labelSetsAreDistinct() {
    // order does not matter: {a,b} equals {b,a}
    rejected(() -> new GaugeSnapshot("g", "h", "", List.of(gauge(Labels.of("a", "1", "b", "2")),
        gauge(Labels.of("b", "2", "a", "1")))), "gauge family 'g'", "two data points", "a=\"1\"");
    rejected(() -> new GaugeSnapshot("g", "h", "", List.of(gauge(Labels.EMPTY), gauge(Labels.EMPTY))),
        "two data points");
    List<GaugeSnapshot.DataPoint> withNull = new ArrayList<>();
    withNull.add(null);
    rejected(() -> new GaugeSnapshot("g", "h", "", withNull), "data point 0 is null");
  }

  @Test
  void typeRules() {
    for (double bad : new double[] {-1, Double.NaN}) {
      rejected(() -> new CounterSnapshot("c", "h", "", List.of(new CounterSnapshot.DataPoint(
          Labels.of("k", "v"), bad, null, NO_TS, NO_TS))), "counter family 'c'", String.valueOf(bad), "k=\"v\"");
    }
    double[] bounds = {1, 2, Double.POSITIVE_INFINITY};
    rejected(() -> histogram(Labels.EMPTY, bounds, new double[] {2, 1, 3}), "histogram family 'h'",
        "le=\"2.0\"", "1.0 after 2.0");
    rejected(() -> histogram(Labels.EMPTY, bounds, new double[] {0, 1, Double.NaN}), "le=\"+Inf\"");
    rejected(() -> histogram(Labels.EMPTY, bounds, new double[] {-1, 1, 1}), "-1.0");
    rejected(() -> histogram(Labels.of("le", "1"), bounds, new double[] {0, 0, 0}), "'le'", "reserved");
    rejected(() -> new SummarySnapshot("s", "h", "", List.of(new SummarySnapshot.DataPoint(
        Labels.of("quantile", "x"), 1, 1, new double[0], new double[0], NO_TS, NO_TS))), "'quantile'");
    rejected(() -> new SummarySnapshot("s", "h", "", List.of(new SummarySnapshot.DataPoint(
        Labels.EMPTY, -3, 1, new double[0], new double[0], NO_TS, NO_TS))), "summary family 's'", "-3.0");
    rejected(() -> new StateSetSnapshot("st", "h", List.of(new StateSetSnapshot.DataPoint(
        Labels.of("st", "x"), new String[] {"a"}, new boolean[] {true}, NO_TS))), "'st'", "reserved");
    rejected(() -> new StateSetSnapshot("st", "h", List.of(new StateSetSnapshot.DataPoint(
        Labels.EMPTY, new String[] {"a", "a"}, new boolean[] {true, false}, NO_TS))), "state 'a' appears twice");
  }

  @Test
  void validFamiliesAreBuiltAndTheirListIsCopied() {
    List<GaugeSnapshot.DataPoint> points = new ArrayList<>(List.of(gauge(Labels.of("a", "1"))));
    GaugeSnapshot g = new GaugeSnapshot("g_bytes", "h", "bytes", points);
    points.add(gauge(Labels.of("a", "1"))); // a later duplicate cannot sneak in
    assertThat(g.dataPoints()).hasSize(1);
    assertThat(histogram(Labels.of("k", "v"), new double[] {-1, Double.POSITIVE_INFINITY},
        new double[] {0, Double.POSITIVE_INFINITY}).dataPoints()).hasSize(1);
    assertThat(new CounterSnapshot("c", "h", "", List.of(new CounterSnapshot.DataPoint(
        Labels.EMPTY, 0, null, NO_TS, NO_TS))).dataPoints()).hasSize(1);
  }

  @Test
  void exemplarsAreValidatedWhereverTheyAreBuilt() {
    assertThatThrownBy(() -> Exemplar.of(Labels.of("trace-id", "1"), 1, NO_TS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'trace-id'");
    assertThatThrownBy(() -> Exemplar.of(Labels.of("__trace", "1"), 1, NO_TS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'__trace'");
    // 128 UTF-8 characters (code points), not UTF-16 units: 4 + 124 emoji is the limit
    String emoji = "\uD83D\uDE00".repeat(124);
    assertThat(Exemplar.of(Labels.of("span", emoji), 1, NO_TS).labels().get("span")).isEqualTo(emoji);
    assertThatThrownBy(() -> Exemplar.of(Labels.of("spans", emoji), 1, NO_TS))
        .hasMessageContaining("129");
  }

  private static HistogramSnapshot histogram(Labels l, double[] bounds, double[] counts) {
    return new HistogramSnapshot("h", "x", "", List.of(new HistogramSnapshot.DataPoint(
        l, bounds, counts, 1, null, NO_TS, NO_TS)));
  }
}
