package dev.hearth.exposition;

import static dev.hearth.exposition.ExpositionFormat.OPENMETRICS_1_0_0;
import static dev.hearth.exposition.ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
import static org.assertj.core.api.Assertions.assertThat;

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
import dev.hearth.testing.Peers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peer test: Hearth reads what Python prometheus_client 0.16 writes. The fixture in
 * {@code src/test/resources/exposition/python/} was produced by {@code generate_fixture.py} next to
 * it; the live test re-runs the script when Python is installed and checks it still matches.
 */
class PythonInteropTest {
  private static final long CREATED = 1_700_000_000_123L;

  private static String fixtureText() {
    return ExpositionWriterTest.resource("python/python-0.0.4.txt");
  }

  private static String fixtureOpenMetrics() {
    return ExpositionWriterTest.resource("python/python-openmetrics.txt");
  }

  @Test
  void readsPythonText() {
    List<MetricSnapshot<?>> f = ExpositionParser.parse(fixtureText(), PROMETHEUS_TEXT_0_0_4);
    // the _created gauges Python writes after a counter, histogram or summary are its creation times
    assertThat(f).extracting(MetricSnapshot::name).containsExactly("http_requests",
        "job_duration_seconds", "temperature", "request_latency_seconds", "response_size_bytes",
        "build_info", "task_state");
    assertThat(f).extracting(MetricSnapshot::type).containsExactly(MetricType.COUNTER,
        MetricType.COUNTER, MetricType.GAUGE, MetricType.HISTOGRAM, MetricType.SUMMARY,
        MetricType.GAUGE, MetricType.GAUGE);
    CounterSnapshot requests = (CounterSnapshot) f.get(0);
    assertThat(requests.help()).isEqualTo("Requests handled.\nSecond line: back\\slash \"quoted\"");
    assertThat(requests.dataPoints()).extracting(dp -> dp.labels().get("path"))
        .containsExactly("/", "/api/v1/\"items\"\\", "line\nbreak, ünïcödé ✓ 😀");
    assertThat(requests.dataPoints()).extracting(CounterSnapshot.DataPoint::createdMillis)
        .containsOnly(CREATED);
    GaugeSnapshot temperature = (GaugeSnapshot) f.get(2);
    assertThat(temperature.dataPoints()).extracting(GaugeSnapshot.DataPoint::value)
        .containsExactly(21.5, -18.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.NaN, 1e-05, 12345678.9, 1e6);
    HistogramSnapshot latency = (HistogramSnapshot) f.get(3);
    assertThat(latency.dataPoints().get(1).createdMillis()).isEqualTo(CREATED);
    assertThat(Snapshots.bounds(latency.dataPoints().get(0)))
        .containsExactly(0.005, 0.1, 1, 2.5, 1e7, Double.POSITIVE_INFINITY);
    assertThat(Snapshots.counts(latency.dataPoints().get(0))).containsExactly(0, 1, 2, 2, 2, 2);
    assertThat(latency.dataPoints().get(0).sum()).isEqualTo(0.75);
    SummarySnapshot size = (SummarySnapshot) f.get(4);
    assertThat(size.dataPoints().get(0).createdMillis()).isEqualTo(CREATED);
    assertThat(size.dataPoints().get(0).count()).isEqualTo(2);
    assertThat(size.dataPoints().get(0).sum()).isEqualTo(1536);
    assertThat(f.get(5).dataPoints().get(0).labels())
        .isEqualTo(Labels.of("version", "1.2.3", "revision", "a\"b\\c"));
    assertThat(f.get(6).samples()).extracting(s -> s.labels().get("task_state") + "=" + s.value())
        .containsExactly("starting=0.0", "running=1.0", "stopped=0.0");
  }

  /** Python's text output, parsed and written again by Hearth, is the same bytes. */
  @Test
  void rewritesPythonTextIdentically() {
    String python = fixtureText();
    List<MetricSnapshot<?>> parsed = ExpositionParser.parse(python, PROMETHEUS_TEXT_0_0_4);
    assertThat(Snapshots.write(parsed, PROMETHEUS_TEXT_0_0_4)).isEqualTo(python);
  }

  @Test
  void readsPythonOpenMetrics() {
    List<MetricSnapshot<?>> f = ExpositionParser.parse(fixtureOpenMetrics(), OPENMETRICS_1_0_0);
    assertThat(f).extracting(MetricSnapshot::name).containsExactly("http_requests",
        "job_duration_seconds", "temperature", "request_latency_seconds", "response_size_bytes",
        "build", "task_state");
    CounterSnapshot requests = (CounterSnapshot) f.get(0);
    assertThat(requests.dataPoints()).extracting(CounterSnapshot.DataPoint::createdMillis)
        .containsOnly(CREATED);
    assertThat(requests.dataPoints().get(2).exemplar())
        .isEqualTo(Exemplar.of(Labels.of("trace_id", "abc123"), 1.0, CREATED));
    assertThat(requests.help()).isEqualTo("Requests handled.\nSecond line: back\\slash \"quoted\"");
    assertThat(f.get(1).unit()).isEqualTo("seconds");
    HistogramSnapshot latency = (HistogramSnapshot) f.get(3);
    assertThat(latency.dataPoints().get(0).exemplar(2))
        .isEqualTo(Exemplar.of(Labels.of("trace_id", "def456"), 0.7, CREATED));
    assertThat(latency.dataPoints().get(1).createdMillis()).isEqualTo(CREATED);
    assertThat(f.get(4).dataPoints().get(0).createdMillis()).isEqualTo(CREATED);
    assertThat(f.get(5)).isInstanceOf(InfoSnapshot.class);
    StateSetSnapshot state = (StateSetSnapshot) f.get(6);
    assertThat(state.dataPoints().get(0).labels()).isEqualTo(Labels.of("task", "backup"));
    assertThat(state.dataPoints().get(0).enabled(1)).isTrue();
    // and Hearth's own OpenMetrics output of it reads back the same
    String again = Snapshots.write(f, OPENMETRICS_1_0_0);
    assertThat(Snapshots.canonical(ExpositionParser.parse(again, OPENMETRICS_1_0_0)))
        .isEqualTo(Snapshots.canonical(f));
  }

  /** Re-runs generate_fixture.py: the committed fixture must be what Python writes today. */
  @Test
  void fixtureMatchesLivePython(@TempDir Path dir) throws Exception {
    Peers.requirePython();
    Path script = dir.resolve("generate_fixture.py");
    Files.writeString(script, ExpositionWriterTest.resource("python/generate_fixture.py"));
    Peers.Result r = Peers.run(List.of(Peers.python(), script.toString(), dir.toString()), null,
        null, 60);
    assertThat(r.exitCode).as("%s", r).isZero();
    String text = Files.readString(dir.resolve("python-0.0.4.txt"), StandardCharsets.UTF_8);
    String openMetrics = Files.readString(dir.resolve("python-openmetrics.txt"),
        StandardCharsets.UTF_8);
    assertThat(text).isEqualTo(fixtureText());
    assertThat(openMetrics).isEqualTo(fixtureOpenMetrics());
    assertThat(Snapshots.write(ExpositionParser.parse(text, PROMETHEUS_TEXT_0_0_4),
        PROMETHEUS_TEXT_0_0_4)).isEqualTo(text);
    ExpositionParser.parse(openMetrics, OPENMETRICS_1_0_0);
  }
}
