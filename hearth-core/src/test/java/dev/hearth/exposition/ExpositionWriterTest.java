package dev.hearth.exposition;

import static dev.hearth.exposition.ExpositionFormat.OPENMETRICS_1_0_0;
import static dev.hearth.exposition.ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
import static dev.hearth.exposition.Snapshots.NO_TS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.CollectorRegistry;
import dev.hearth.internal.Doubles;
import dev.hearth.model.CounterSnapshot;
import dev.hearth.model.GaugeSnapshot;
import dev.hearth.model.Labels;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.testing.RandomCases;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExpositionWriterTest {

  /** Reads a test resource as UTF-8. */
  static String resource(String path) {
    try (InputStream in = ExpositionWriterTest.class.getResourceAsStream("/exposition/" + path)) {
      assertThat(in).as("resource /exposition/" + path).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Compares with a golden file. To regenerate after an intended change, run with
   * {@code -Dhearth.updateGolden=/path/to/hearth-core/src/test/resources} and review the diff.
   */
  static void assertGolden(String actual, String path) throws IOException {
    String update = System.getProperty("hearth.updateGolden");
    if (update != null) {
      Files.writeString(Path.of(update, "exposition", path), actual, StandardCharsets.UTF_8);
    }
    assertThat(actual).isEqualTo(resource(path));
  }

  @Test
  void textFormatGolden() throws IOException {
    assertGolden(Snapshots.write(Snapshots.allTypes(), PROMETHEUS_TEXT_0_0_4),
        "golden/all-types.txt");
  }

  @Test
  void openMetricsGolden() throws IOException {
    assertGolden(Snapshots.write(Snapshots.allTypes(), OPENMETRICS_1_0_0),
        "golden/all-types.om.txt");
  }

  @Test
  void generateLatestCollectsTheRegistry() throws IOException {
    CollectorRegistry registry = new CollectorRegistry();
    registry.register(Snapshots::allTypes);
    assertThat(Exposition.generateLatest(registry)).isEqualTo(resource("golden/all-types.txt"));
    assertThat(Exposition.generateLatest(registry, OPENMETRICS_1_0_0))
        .isEqualTo(resource("golden/all-types.om.txt"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Exposition.write(out, registry, OPENMETRICS_1_0_0);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(resource("golden/all-types.om.txt"));
  }

  @Test
  void emptyExpositions() {
    assertThat(Snapshots.write(List.of(), PROMETHEUS_TEXT_0_0_4)).isEmpty();
    assertThat(Snapshots.write(List.of(), OPENMETRICS_1_0_0)).isEqualTo("# EOF\n");
  }

  @Test
  void labelsAreSortedByNameAndTheCachedOrderFollowsTheNames() {
    List<MetricSnapshot<?>> families = List.of(new GaugeSnapshot("g", "h", "", List.of(
        new GaugeSnapshot.DataPoint(Labels.of("b", "1", "a", "2"), 1, NO_TS),
        new GaugeSnapshot.DataPoint(Labels.of("a", "3", "b", "4"), 2, NO_TS),
        new GaugeSnapshot.DataPoint(Labels.of("z", "5", "le", "6", "c", "7"), 3, NO_TS))));
    assertThat(Snapshots.write(families, PROMETHEUS_TEXT_0_0_4)).isEqualTo("# HELP g h\n"
        + "# TYPE g gauge\n"
        + "g{a=\"2\",b=\"1\"} 1.0\n"
        + "g{a=\"3\",b=\"4\"} 2.0\n"
        + "g{c=\"7\",le=\"6\",z=\"5\"} 3.0\n");
  }

  @Test
  void escapingAndUtf8() {
    String value = "a\\b\"c\nd\re\tf ü € 😀 \u0000 \u2028";
    List<MetricSnapshot<?>> families = List.of(new GaugeSnapshot("g", "x\\y\"z\nw", "", List.of(
        new GaugeSnapshot.DataPoint(Labels.of("v", value), 1, NO_TS))));
    String line = "g{v=\"a\\\\b\\\"c\\nd\re\tf ü € 😀 \u0000 \u2028\"} 1.0\n";
    assertThat(Snapshots.write(families, PROMETHEUS_TEXT_0_0_4))
        .isEqualTo("# HELP g x\\\\y\"z\\nw\n# TYPE g gauge\n" + line);
    assertThat(Snapshots.write(families, OPENMETRICS_1_0_0))
        .isEqualTo("# TYPE g gauge\n# HELP g x\\\\y\\\"z\\nw\n" + line + "# EOF\n");
  }

  @Test
  void valuesLargerThanTheBufferRoundTrip() {
    String big = "a\\\"ü😀\n,}".repeat(20_000);
    List<MetricSnapshot<?>> families = List.of(new GaugeSnapshot("g", big, "", List.of(
        new GaugeSnapshot.DataPoint(Labels.of("v", big, "w", "x"), 1, NO_TS))));
    for (ExpositionFormat format : ExpositionFormat.values()) {
      String written = Snapshots.write(families, format);
      assertThat(Snapshots.canonical(ExpositionParser.parse(written, format)))
          .isEqualTo(Snapshots.canonical(families));
    }
  }

  @Test
  void unpairedSurrogatesBecomeQuestionMarks() {
    List<MetricSnapshot<?>> families = List.of(new GaugeSnapshot("g", "", "", List.of(
        new GaugeSnapshot.DataPoint(Labels.of("v", "a\ud800b\udc00"), 1, NO_TS))));
    assertThat(Snapshots.write(families, OPENMETRICS_1_0_0))
        .contains("g{v=\"a?b?\"} 1.0\n");
  }

  @Test
  void timestamps() {
    List<MetricSnapshot<?>> families = List.of(new CounterSnapshot("c", "", "", List.of(
        new CounterSnapshot.DataPoint(Labels.of("t", "pos"), 1, null, 5, 1_700_000_000_001L),
        new CounterSnapshot.DataPoint(Labels.of("t", "neg"), 1, null, -1, -1_500))));
    assertThat(Snapshots.write(families, OPENMETRICS_1_0_0)).isEqualTo("# TYPE c counter\n"
        + "c_total{t=\"pos\"} 1.0 1700000000.001\n"
        + "c_created{t=\"pos\"} 0.005 1700000000.001\n"
        + "c_total{t=\"neg\"} 1.0 -1.500\n"
        + "c_created{t=\"neg\"} -0.001 -1.500\n"
        + "# EOF\n");
    assertThat(Snapshots.write(families, PROMETHEUS_TEXT_0_0_4)).isEqualTo("# HELP c_total \n"
        + "# TYPE c_total counter\n"
        + "c_total{t=\"pos\"} 1.0 1700000000001\n"
        + "c_total{t=\"neg\"} 1.0 -1500\n"
        + "# HELP c_created \n"
        + "# TYPE c_created gauge\n"
        + "c_created{t=\"pos\"} 0.005 1700000000001\n"
        + "c_created{t=\"neg\"} -0.001 -1500\n");
  }

  /** The allocation-free number path must write exactly what {@link Doubles#format} does. */
  @Test
  void numbersAreFormattedAsDoublesFormat() {
    RandomCases.check(2000, r -> {
      double d = number(r);
      List<MetricSnapshot<?>> families = List.of(new GaugeSnapshot("g", "", "", List.of(
          new GaugeSnapshot.DataPoint(Labels.EMPTY, d, NO_TS))));
      assertThat(Snapshots.write(families, OPENMETRICS_1_0_0))
          .as("writing %s (bits %x)", d, Double.doubleToRawLongBits(d))
          .isEqualTo("# TYPE g gauge\ng " + Doubles.format(d) + "\n# EOF\n");
    });
  }

  /** Sample values, integers around 2^53, powers of ten and of two (plus one), format boundaries. */
  private static double number(Random r) {
    switch (r.nextInt(6)) {
      case 0:
        return Snapshots.value(r, Snapshots.Profile.ANY);
      case 1:
        return RandomCases.between(r, -(1L << 54), 1L << 54);
      case 2:
        return Math.pow(10, RandomCases.between(r, 0, 40));
      case 3:
        return -Math.pow(10, RandomCases.between(r, 0, 40));
      case 4:
        return Math.scalb(1.0, RandomCases.between(r, 0, 60)) + 1;
      default:
        return RandomCases.pick(r, 999_999.0, 1_000_000.0, 1_000_001.0, 9007199254740991.0,
            9007199254740992.0, -9007199254740991.0, 1e15 + 1, 123456789.0, 100000000000000.0);
    }
  }

  @Test
  void streamsThroughABoundedBuffer() throws IOException {
    List<CounterSnapshot.DataPoint> dps = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      dps.add(new CounterSnapshot.DataPoint(Labels.of("path", "/api/" + i, "method", "GET"), i,
          null, NO_TS, NO_TS));
    }
    List<MetricSnapshot<?>> families = List.of(new CounterSnapshot("requests", "R.", "", dps));
    RecordingStream out = new RecordingStream();
    Exposition.write(out, families, PROMETHEUS_TEXT_0_0_4);
    assertThat(out.writes).isGreaterThan(10);
    assertThat(out.largestWrite).isLessThanOrEqualTo(64 * 1024);
    assertThat(out.flushes).isEqualTo(1);
    String text = out.bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).startsWith("# HELP requests_total R.\n# TYPE requests_total counter\n"
        + "requests_total{method=\"GET\",path=\"/api/0\"} 0.0\n");
    assertThat(text).endsWith("requests_total{method=\"GET\",path=\"/api/99999\"} 99999.0\n");
    assertThat(text.lines()).hasSize(100_002);
  }

  private static final class RecordingStream extends OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int writes;
    int largestWrite;
    int flushes;

    @Override
    public void write(int b) {
      writes++;
      bytes.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      writes++;
      largestWrite = Math.max(largestWrite, len);
      bytes.write(b, off, len);
    }

    @Override
    public void flush() {
      flushes++;
    }
  }
}
