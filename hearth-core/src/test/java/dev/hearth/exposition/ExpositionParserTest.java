package dev.hearth.exposition;

import static dev.hearth.exposition.ExpositionFormat.OPENMETRICS_1_0_0;
import static dev.hearth.exposition.ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hearth.model.CounterSnapshot;
import dev.hearth.model.Exemplar;
import dev.hearth.model.GaugeSnapshot;
import dev.hearth.model.HistogramSnapshot;
import dev.hearth.model.InfoSnapshot;
import dev.hearth.model.Labels;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.MetricType;
import dev.hearth.model.StateSetSnapshot;
import dev.hearth.model.SummarySnapshot;
import dev.hearth.model.UnknownSnapshot;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpositionParserTest {

  private static List<MetricSnapshot<?>> text(String s) {
    return ExpositionParser.parse(s, PROMETHEUS_TEXT_0_0_4);
  }

  private static List<MetricSnapshot<?>> om(String s) {
    return ExpositionParser.parse(s, OPENMETRICS_1_0_0);
  }

  @Test
  void goldenFilesParseBackToTheirSnapshots() {
    List<MetricSnapshot<?>> all = Snapshots.allTypes();
    assertThat(Snapshots.canonical(text(ExpositionWriterTest.resource("golden/all-types.txt"))))
        .isEqualTo(Snapshots.canonical(Snapshots.textView(all)));
    assertThat(Snapshots.canonical(om(ExpositionWriterTest.resource("golden/all-types.om.txt"))))
        .isEqualTo(Snapshots.canonical(Snapshots.openMetricsView(all)));
  }

  @Test
  void inputStreamIsDecodedAsUtf8() throws IOException {
    String golden = ExpositionWriterTest.resource("golden/all-types.om.txt");
    InputStream in = new ByteArrayInputStream(golden.getBytes(StandardCharsets.UTF_8));
    assertThat(Snapshots.canonical(ExpositionParser.parse(in, OPENMETRICS_1_0_0)))
        .isEqualTo(Snapshots.canonical(om(golden)));
  }

  @Test
  void invalidUtf8NamesItsLine() {
    byte[] bytes = "a 1\nb{x=\"\u00ff\"} 2\n".getBytes(StandardCharsets.ISO_8859_1);
    ParseException e = catchThrowableOfType(ParseException.class,
        () -> ExpositionParser.parse(new ByteArrayInputStream(bytes), PROMETHEUS_TEXT_0_0_4));
    assertThat(e.lineNumber()).isEqualTo(2);
    assertThat(e).hasMessage("line 2: invalid UTF-8 at byte offset 9");
  }

  // ---------------------------------------------------------------- text 0.0.4 conventions

  @Test
  void counterFamilyNameDropsTotalAndTakesItsCreationTimesFromTheCreatedGauge() {
    List<MetricSnapshot<?>> f = text("# HELP x_total Things.\n# TYPE x_total counter\n"
        + "x_total{a=\"1\"} 3.0\nx_total{a=\"2\"} 4.0\n"
        + "# HELP x_created Things.\n# TYPE x_created gauge\nx_created{a=\"1\"} 1.7e+09\n");
    assertThat(f).hasSize(1);
    CounterSnapshot c = (CounterSnapshot) f.get(0);
    assertThat(c.name()).isEqualTo("x");
    assertThat(c.help()).isEqualTo("Things.");
    assertThat(c.dataPoints().get(0).value()).isEqualTo(3.0);
    assertThat(c.dataPoints().get(0).createdMillis()).isEqualTo(1_700_000_000_000L);
    assertThat(c.dataPoints().get(1).hasCreated()).isFalse();
    // untyped _created samples right after a histogram or summary are taken the same way
    HistogramSnapshot h = (HistogramSnapshot) text("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\n"
        + "h_count 1\nh_sum 2\nh_created 1.5\n").get(0);
    assertThat(h.dataPoints().get(0).createdMillis()).isEqualTo(1500);
  }

  /** Hearth's text output of a counter with creation times parses back to the same counter. */
  @Test
  void createdTimesSurviveText() {
    CounterSnapshot c = new CounterSnapshot("x", "h", "", List.of(
        new CounterSnapshot.DataPoint(Labels.of("a", "1"), 3, null, Snapshots.T0, Snapshots.NO_TS)));
    String written = Snapshots.write(List.of(c), PROMETHEUS_TEXT_0_0_4);
    assertThat(written).contains("# TYPE x_created gauge\n");
    assertThat(Snapshots.canonical(text(written))).isEqualTo(Snapshots.canonical(List.of(c)));
    // and so can be written as OpenMetrics, where x_created is the counter's own sample
    assertThat(Snapshots.canonical(om(Snapshots.write(text(written), OPENMETRICS_1_0_0))))
        .isEqualTo(Snapshots.canonical(List.of(c)));
  }

  /**
   * Issue 11: the lines of a metric family must be consecutive (text format: "all lines for a
   * given metric must be provided as one single group"); a family that appears again is rejected
   * with its line, so that writing what was parsed never gives output the parser rejects.
   */
  @ParameterizedTest(name = "[{index}] text: {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      a 1\\nb 1\\na 2                         | 3 | duplicate sample 'a' for labels {}
      # TYPE a gauge\\na 1\\nb 1\\na 2        | 4 | metric family 'a' appears again (first at line 1): all lines of a metric family must be consecutive
      a 1\\nb 1\\n# TYPE a gauge\\na 2        | 3 | metric family 'a' appears again (first at line 1): all lines of a metric family must be consecutive
      # HELP a x\\nb 1\\n# HELP a y           | 3 | metric family 'a' appears again (first at line 1): all lines of a metric family must be consecutive
      # TYPE h histogram\\nh_bucket{le="+Inf"} 1\\nh 1 | 3 | metric family 'h' appears again (first at line 1): all lines of a metric family must be consecutive
      # TYPE h histogram\\nh_bucket{le="+Inf"} 1\\nh_count 1\\nb 1\\nh_count 2 | 5 | metric family 'h_count' clashes with family 'h' (line 1), which exposes 'h_count'
      # TYPE c_total counter\\nc_total 1\\nb 1\\nc_total 2 | 4 | metric family 'c_total' appears again (first at line 1): all lines of a metric family must be consecutive
      # TYPE c counter\\nc 1\\n# TYPE c_total gauge\\nc_total 2 | 3 | metric family 'c_total' clashes with family 'c' (line 1), which exposes 'c_total'
      # TYPE c_total counter\\nc_total{a="1"} 1\\nc_created{a="2"} 2 | 3 | 'c_created' {a="2"} has no series in counter 'c' to give a creation time to
      # TYPE c_total counter\\nc_total 1\\nc_created 1e300 | 3 | invalid creation time 1.0E300 of 'c_created'
      """)
  void familiesAppearOnce(String input, int line, String message) {
    assertError(input.replace("\\n", "\n"), PROMETHEUS_TEXT_0_0_4, line, message);
  }

  /**
   * A created gauge that does not come right after its counter (the Pushgateway sorts families by
   * name, so x_created comes before x_total) stays a gauge of its own, as Python reads it.
   */
  @Test
  void createdGaugeNotRightAfterItsFamilyStaysAGauge() {
    List<MetricSnapshot<?>> f = text("# TYPE x_created gauge\nx_created 1.7e9\n"
        + "# TYPE x_total counter\nx_total 3\n");
    assertThat(f).extracting(MetricSnapshot::type).containsExactly(MetricType.GAUGE,
        MetricType.COUNTER);
    assertThat(f).extracting(MetricSnapshot::name).containsExactly("x_created", "x");
  }

  /**
   * Families without HELP or TYPE whose samples come in several groups are merged, as Prometheus
   * reads them (its own metrics without metadata interleave a summary's samples this way).
   */
  @Test
  void samplesWithoutMetadataInSeveralGroupsAreOneFamily() {
    List<MetricSnapshot<?>> f = text("a{x=\"1\"} 1\na_sum 2\na{x=\"2\"} 3\n");
    assertThat(f).extracting(MetricSnapshot::name).containsExactly("a", "a_sum");
    assertThat(f.get(0).dataPoints()).hasSize(2);
    assertThat(Snapshots.canonical(text(Snapshots.write(f, PROMETHEUS_TEXT_0_0_4))))
        .isEqualTo(Snapshots.canonical(f));
    assertError("a{x=\"1\"} 1\nb 2\nc 3\na{x=\"1\"} 3\n", PROMETHEUS_TEXT_0_0_4, 4,
        "duplicate sample 'a' for labels {x=\"1\"}");
  }

  /** Issue 11: a backslash in one HELP line is looked for in that line only. */
  @Test
  void helpUnescapingStaysWithinItsLine() {
    List<MetricSnapshot<?>> f = text("# HELP a plain\na 1\n# HELP b x\\\\y\nb 1\n");
    assertThat(f.get(0).help()).isEqualTo("plain");
    assertThat(f.get(1).help()).isEqualTo("x\\y");
  }

  @Test
  void counterWithoutTotalSuffix() {
    List<MetricSnapshot<?>> f = text("# TYPE x counter\nx 3\n");
    assertThat(f.get(0)).isInstanceOf(CounterSnapshot.class);
    assertThat(f.get(0).name()).isEqualTo("x");
    assertThat(f.get(0).samples().get(0).name()).isEqualTo("x_total");
  }

  @Test
  void samplesWithoutMetadataAreUntypedAndGroupedByName() {
    List<MetricSnapshot<?>> f = text("a 1\na{x=\"y\"} 2\nb 3\n# TYPE c gauge\nc 4\nc_other 5\n");
    assertThat(f).extracting(MetricSnapshot::name).containsExactly("a", "b", "c", "c_other");
    assertThat(f).extracting(MetricSnapshot::type).containsExactly(MetricType.UNKNOWN,
        MetricType.UNKNOWN, MetricType.GAUGE, MetricType.UNKNOWN);
    assertThat(f.get(0).dataPoints()).hasSize(2);
  }

  @Test
  void infoAndStateSetAreGaugesInText() {
    List<MetricSnapshot<?>> f = text("# TYPE build_info gauge\nbuild_info{v=\"1\"} 1.0\n");
    assertThat(f.get(0)).isInstanceOf(GaugeSnapshot.class);
    assertThat(f.get(0).name()).isEqualTo("build_info");
  }

  @Test
  void lenientTextSyntax() {
    List<MetricSnapshot<?>> f = text("\n  # a comment\n#TYPE x  histogram\t\r\n"
        + "x_bucket { le = \"1\" , a=\"b\", } 1 1700000000000\r\n"
        + "x_bucket{a=\"b\",le=\"0.5\"}\t0  1700000000001  \n"
        + "x_count{a=\"b\"} 7\n"
        + "x_sum{a=\"b\"} 2.5\n"
        + "# HELP y a\\\\b\\nc\\td\n"
        + "y{v=\"\\q\\\\\"} +inf\n");
    HistogramSnapshot h = (HistogramSnapshot) f.get(0);
    HistogramSnapshot.DataPoint dp = h.dataPoints().get(0);
    assertThat(dp.labels()).isEqualTo(Labels.of("a", "b"));
    assertThat(Snapshots.bounds(dp)).containsExactly(0.5, 1, Double.POSITIVE_INFINITY);
    assertThat(Snapshots.counts(dp)).containsExactly(0, 1, 7); // +Inf taken from _count
    assertThat(dp.sum()).isEqualTo(2.5);
    assertThat(dp.timestampMillis()).isEqualTo(1700000000000L); // first sample of the point
    UnknownSnapshot u = (UnknownSnapshot) f.get(1);
    assertThat(u.help()).isEqualTo("a\\b\nc\\td");
    assertThat(u.dataPoints().get(0).labels().get("v")).isEqualTo("\\q\\");
    assertThat(u.dataPoints().get(0).value()).isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void summaryWithoutSumGetsNaN() {
    SummarySnapshot s = (SummarySnapshot) text(
        "# TYPE s summary\ns{quantile=\"0.5\"} 1\ns{quantile=\"0.9\"} 2\ns_count 3\n").get(0);
    SummarySnapshot.DataPoint dp = s.dataPoints().get(0);
    assertThat(dp.count()).isEqualTo(3);
    assertThat(dp.sum()).isNaN();
    assertThat(Snapshots.quantiles(dp)).containsExactly(0.5, 0.9);
  }

  // ---------------------------------------------------------------- OpenMetrics

  @Test
  void openMetricsTypesExemplarsAndTimestamps() {
    List<MetricSnapshot<?>> f = om("# TYPE c counter\n# HELP c A \\\"counter\\\".\n"
        + "c_total{a=\"1\"} 5 1700000000.5 # {trace_id=\"x y}\"} 1.5 1700000000.25\n"
        + "c_created{a=\"1\"} 1699999999.999\n"
        + "# TYPE i info\ni_info{version=\"2\"} 1\n"
        + "# TYPE s stateset\ns{s=\"a\"} 1\ns{s=\"b\"} 0\n"
        + "# TYPE u unknown\nu -1e3\n"
        + "# EOF");
    CounterSnapshot c = (CounterSnapshot) f.get(0);
    CounterSnapshot.DataPoint dp = c.dataPoints().get(0);
    assertThat(c.help()).isEqualTo("A \"counter\".");
    assertThat(dp.value()).isEqualTo(5);
    assertThat(dp.timestampMillis()).isEqualTo(1700000000500L);
    assertThat(dp.createdMillis()).isEqualTo(1699999999999L);
    assertThat(dp.exemplar())
        .isEqualTo(Exemplar.of(Labels.of("trace_id", "x y}"), 1.5, 1700000000250L));
    InfoSnapshot i = (InfoSnapshot) f.get(1);
    assertThat(i.name()).isEqualTo("i");
    assertThat(i.dataPoints().get(0).labels()).isEqualTo(Labels.of("version", "2"));
    StateSetSnapshot s = (StateSetSnapshot) f.get(2);
    assertThat(s.dataPoints().get(0).size()).isEqualTo(2);
    assertThat(s.dataPoints().get(0).enabled(0)).isTrue();
    assertThat(((UnknownSnapshot) f.get(3)).dataPoints().get(0).value()).isEqualTo(-1000);
  }

  @Test
  void openMetricsHistogramWithNegativeBucketsHasNoSum() {
    HistogramSnapshot h = (HistogramSnapshot) om("# TYPE h histogram\n"
        + "h_bucket{le=\"-1\"} 1\nh_bucket{le=\"+Inf\"} 2\n# EOF\n").get(0);
    assertThat(h.dataPoints().get(0).count()).isEqualTo(2);
    assertThat(h.dataPoints().get(0).sum()).isNaN();
  }

  @Test
  void openMetricsUnitAndMetadataInAnyOrder() {
    MetricSnapshot<?> g = om("# HELP g_bytes Help.\n# UNIT g_bytes bytes\n# TYPE g_bytes gauge\n"
        + "g_bytes 1\n# EOF\n").get(0);
    assertThat(g.unit()).isEqualTo("bytes");
    assertThat(g.help()).isEqualTo("Help.");
    assertThat(g.type()).isEqualTo(MetricType.GAUGE);
  }

  // ---------------------------------------------------------------- errors

  @Test
  void errorMessageNamesLineAndToken() {
    assertThatThrownBy(() -> text("# TYPE a gauge\na 1\na{b=\"c\"x} 2\n"))
        .isInstanceOf(ParseException.class)
        .hasMessage("line 3: expected '}' or ',' after label value, got 'x'")
        .extracting(e -> ((ParseException) e).lineNumber()).isEqualTo(3);
  }

  @ParameterizedTest(name = "[{index}] text: {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      a{b="c} 1                    | 1 | expected '"' to end the label value, got end of input
      a{b=c} 1                     | 1 | expected '"' to start the label value, got 'c'
      a{b="1",b="2"} 1             | 1 | duplicate label name 'b'
      a{1b="c"} 1                  | 1 | expected a label name, got '1'
      a                            | 1 | expected a value, got end of input
      a 1 2 3                      | 1 | expected end of line after the sample, got '3'
      a one                        | 1 | invalid value 'one'
      a 0x10                       | 1 | invalid value '0x10'
      a 1_000                      | 1 | invalid value '1_000'
      a 1 12a                      | 1 | invalid timestamp '12a'
      1a 1                         | 1 | expected a metric name, got '1'
      a 1\\nb}                      | 2 | invalid value '}'
      a 1\\nb                       | 2 | expected a value, got end of input
      # TYPE a nonsense            | 1 | unknown metric type 'nonsense', expected counter, gauge, histogram, summary or untyped
      # TYPE a gauge\\n# TYPE a gauge | 2 | second TYPE line for metric 'a'
      a 1\\n# TYPE a gauge         | 2 | TYPE line for metric 'a' after its samples
      # HELP a x\\n# HELP a y      | 2 | second HELP line for metric 'a'
      # TYPE h histogram\\nh_bucket 1 | 2 | histogram bucket 'h_bucket' has no 'le' label
      # TYPE h histogram\\nh_bucket{le="x"} 1 | 2 | invalid 'le' label value 'x'
      # TYPE h histogram\\nh_bucket{le="1"} 1 | 2 | histogram 'h' {} has neither a +Inf bucket nor a _count
      # TYPE h histogram\\nh_bucket{le="1"} 1\\nh_bucket{le="1.0"} 1\\nh_count 1 | 2 | histogram 'h' {} has two buckets with le=1.0
      # TYPE h histogram\\nh_count{le="1"} 1 | 2 | 'h_count' cannot have an 'le' label
      # TYPE s summary\\ns 1       | 2 | summary sample 's' has no 'quantile' label
      # TYPE s summary\\ns{quantile="2"} 1 | 2 | invalid 'quantile' label value '2'
      # TYPE g gauge\\ng 1\\ng 2   | 3 | duplicate sample 'g' for labels {}
      """)
  void textErrors(String input, int line, String message) {
    assertError(input.replace("\\n", "\n"), PROMETHEUS_TEXT_0_0_4, line, message);
  }

  @ParameterizedTest(name = "[{index}] openmetrics: {0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      a 1                          | 1 | missing newline at end of line (and '# EOF')
      a 1\\n                       | 1 | missing '# EOF' at end of input
      a 1\\n\\n# EOF               | 2 | empty line (not allowed in OpenMetrics)
      # EOF\\na 1                  | 2 | unexpected content after '# EOF'
      # EOF\\n\\n                  | 2 | unexpected content after '# EOF'
      a  1\\n# EOF                 | 1 | expected a value, got ' '
      a 1 \\n# EOF                 | 1 | expected a timestamp or exemplar after ' ', got end of line
      a{b="c",} 1\\n# EOF          | 1 | expected a label name, got '}'
      a{b="c"}1\\n# EOF            | 1 | expected ' ' after labels, got '1'
      a{b="\\q"} 1\\n# EOF         | 1 | expected '\\\\', '"' or 'n' after a backslash, got 'q'
      a\t1\\n# EOF                 | 1 | expected ' ' after metric name, got U+0009
      # FOO a b\\n# EOF            | 1 | expected 'HELP', 'TYPE', 'UNIT' or 'EOF' after '# ', got 'F'
      # TYPE a untyped\\n# EOF     | 1 | unknown metric type 'untyped', expected counter, gauge, histogram, summary, info, stateset or unknown
      # TYPE a gaugehistogram\\n# EOF | 1 | metric type 'gaugehistogram' is not supported
      # TYPE a gauge\\na 1\\n# HELP a x\\n# EOF | 3 | HELP line for metric 'a' after its samples
      # UNIT a_s s\\n# UNIT a_s s\\n# EOF | 2 | second UNIT line for metric 'a_s'
      # TYPE a gauge\\n# UNIT a s\\n# EOF | 1 | metric name 'a' does not end with its unit '_s'
      # TYPE a_s info\\n# UNIT a_s s\\n# EOF | 1 | metric 'a_s' of type info cannot have a unit
      # TYPE a gauge\\na 1 # {t="1"} 1\\n# EOF | 2 | only counter _total and histogram _bucket samples can have exemplars, not 'a'
      # TYPE c counter\\nc_total 1 #\\n# EOF | 2 | expected ' ' after '#', got end of line
      # TYPE c counter\\nc_total 1 # {t="1"}\\n# EOF | 2 | expected ' ' after exemplar labels, got end of line
      # TYPE c counter\\nc_total 1 # {t="1"} 1 2 3\\n# EOF | 2 | expected end of line after the exemplar, got ' '
      # TYPE c counter\\nc_total 1 # {__t="1"} 1\\n# EOF | 2 | invalid exemplar: Exemplar label name '__t' is reserved: names starting with __ are for Prometheus' internal use
      # TYPE c counter\\nc_created 1\\n# EOF | 2 | counter 'c' has 'c_created' but no 'c_total' for labels {}
      # TYPE c counter\\nc 1\\n# EOF | 2 | metric family 'c' appears again (first at line 1): all lines of a metric family must be consecutive
      # TYPE c counter\\nc_total 1\\n# TYPE c_created gauge\\n# EOF | 3 | metric family 'c_created' clashes with family 'c' (line 1), which exposes 'c_created'
      # TYPE h histogram\\nh_bucket{le="1"} 1\\n# EOF | 2 | histogram 'h' {} has no +Inf bucket
      # TYPE h histogram\\nh_bucket{le="2"} 1\\nh_bucket{le="1"} 1\\n# EOF | 3 | histogram buckets of 'h' are out of order at le="1"
      # TYPE h histogram\\nh_bucket{le="inf"} 1\\n# EOF | 2 | the 'le' label of the +Inf bucket must be '+Inf', not 'inf'
      # TYPE h histogram\\nh_bucket{le="+Inf"} 1\\nh_count 2\\nh_sum 1\\n# EOF | 2 | histogram 'h' {} has _count 2.0 but +Inf bucket 1.0
      # TYPE h histogram\\nh_bucket{le="+Inf"} 1\\nh_count 1\\n# EOF | 2 | histogram 'h' {} has _count without _sum
      # TYPE h histogram\\nh_bucket{le="-1"} 1\\nh_bucket{le="+Inf"} 1\\nh_count 1\\nh_sum 1\\n# EOF | 2 | histogram 'h' {} has negative buckets and a _sum
      # TYPE i info\\ni_info 2\\n# EOF | 2 | info sample 'i_info' must have value 1, not 2.0
      # TYPE s stateset\\ns 1\\n# EOF | 2 | state set sample 's' has no 's' label
      # TYPE s stateset\\ns{s="a"} 0.5\\n# EOF | 2 | state set sample 's' must have value 0 or 1, not 0.5
      a 1 NaN\\n# EOF              | 1 | invalid timestamp 'NaN'
      """)
  void openMetricsErrors(String input, int line, String message) {
    assertError(input.replace("\\n", "\n"), OPENMETRICS_1_0_0, line, message);
  }

  @Test
  void exemplarLabelsAreLimitedTo128Characters() {
    String value = "x".repeat(128);
    assertError("# TYPE c counter\nc_total 1 # {t=\"" + value + "\"} 1\n# EOF\n",
        OPENMETRICS_1_0_0, 2, "exemplar labels are longer than 128 characters");
  }

  private static void assertError(String input, ExpositionFormat format, int line, String message) {
    ParseException e = catchThrowableOfType(ParseException.class,
        () -> ExpositionParser.parse(input, format));
    assertThat(e).as("ParseException for %s", Snapshots.quote(input)).isNotNull();
    assertThat(e.getMessage()).isEqualTo("line " + line + ": " + message);
    assertThat(e.lineNumber()).isEqualTo(line);
  }
}
