package dev.hearth.exposition;

import static dev.hearth.exposition.ExpositionFormat.OPENMETRICS_1_0_0;
import static dev.hearth.exposition.ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.internal.Doubles;
import dev.hearth.model.Exemplar;
import dev.hearth.model.Labels;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.Sample;
import dev.hearth.testing.Peers;
import dev.hearth.testing.RandomCases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Peer test: Python prometheus_client's parsers read what Hearth writes, in both formats, with
 * identical sample names, labels (any Unicode), values, timestamps and exemplars. Each try writes
 * a batch of 25 expositions and runs one python3 process for all of them. Skipped when Python
 * prometheus_client is missing, unless peers are required (then it fails); see {@link Peers}.
 */
class PythonInteropPropertyTest {
  static final int BATCH = 25;

  @Test
  void pythonParsesWhatHearthWrites() {
    Peers.requirePython();
    RandomCases.check(8, r -> {
      List<List<MetricSnapshot<?>>> batch = RandomCases.list(r, BATCH,
          x -> Snapshots.exposition(x, Snapshots.Profile.PYTHON));
      try {
        pythonParses(batch);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    });
  }

  /** Writes {@code batch} in both formats, has Python parse it and compares the samples. */
  private static void pythonParses(List<List<MetricSnapshot<?>>> batch)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("hearth-python-interop");
    try {
      Path cases = Files.createDirectory(dir.resolve("cases"));
      StringBuilder expected = new StringBuilder();
      for (int i = 0; i < batch.size(); i++) {
        // files are listed in name order: case-000.om before case-000.txt
        String name = String.format("case-%03d", i);
        Files.writeString(cases.resolve(name + ".om"),
            Snapshots.write(batch.get(i), OPENMETRICS_1_0_0), StandardCharsets.UTF_8);
        Files.writeString(cases.resolve(name + ".txt"),
            Snapshots.write(batch.get(i), PROMETHEUS_TEXT_0_0_4), StandardCharsets.UTF_8);
        expected.append(expectedLines(name + ".om", Snapshots.openMetricsView(batch.get(i))));
        expected.append(expectedLines(name + ".txt", Snapshots.pythonTextView(batch.get(i))));
      }
      Path script = dir.resolve("parse_cases.py");
      Files.writeString(script, ExpositionWriterTest.resource("python/parse_cases.py"));
      Peers.Result r = Peers.run(List.of(Peers.python(), script.toString(), cases.toString()),
          null, null, 60);
      assertThat(r.exitCode).as("%s", r).isZero();
      Map<String, String> actual = blocks(normalizeValues(r.stdout));
      Map<String, String> want = blocks(expected.toString());
      assertThat(actual.keySet()).isEqualTo(want.keySet());
      for (String file : want.keySet()) {
        assertThat(actual.get(file)).as("Python's reading of %s:%n%s", file,
            Files.readString(cases.resolve(file))).isEqualTo(want.get(file));
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The output of parse_cases.py by file name ("!! ..." lines are errors). */
  private static Map<String, String> blocks(String output) {
    Map<String, String> out = new TreeMap<>();
    String file = null;
    StringBuilder sb = new StringBuilder();
    for (String line : output.split("\n", -1)) {
      if (line.startsWith("== ") || line.startsWith("!! ") || line.isEmpty()) {
        if (file != null) {
          out.put(file, sb.toString());
        }
        sb.setLength(0);
        file = line.isEmpty() ? null : line.substring(3).split(" ", 2)[0];
        if (line.startsWith("!! ")) {
          sb.append(line).append('\n');
        }
      } else {
        sb.append(line).append('\n');
      }
    }
    return out;
  }

  /**
   * Re-formats the values Python printed with Hearth's formatter, so that the comparison is of
   * the doubles parsed, not of two float formatters (which disagree on rare values on JDK 17).
   */
  private static String normalizeValues(String output) {
    StringBuilder sb = new StringBuilder();
    for (String line : output.split("\n", -1)) {
      String[] f = line.split("\t", -1);
      if (f.length == 5) {
        f[2] = reformat(f[2]);
        if (!f[4].equals("-")) {
          String[] ex = f[4].split(";", -1);
          ex[1] = reformat(ex[1]);
          f[4] = String.join(";", ex);
        }
        line = String.join("\t", f);
      }
      sb.append(line).append('\n');
    }
    sb.setLength(sb.length() - 1);
    return sb.toString();
  }

  private static String reformat(String number) {
    return Doubles.format(Numbers.parse(number, 0, number.length()));
  }

  /** The lines parse_cases.py prints for a file holding {@code families}. */
  static String expectedLines(String file, List<MetricSnapshot<?>> families) {
    StringBuilder sb = new StringBuilder("== ").append(file).append('\n');
    for (MetricSnapshot<?> f : families) {
      for (Sample s : f.samples()) {
        sb.append(s.name()).append('\t').append(hexLabels(s.labels())).append('\t')
            .append(Doubles.format(s.value())).append('\t')
            .append(millis(s.timestampMillis())).append('\t');
        Exemplar e = s.exemplar();
        if (e == null) {
          sb.append('-');
        } else {
          sb.append(hexLabels(e.labels())).append(';').append(Doubles.format(e.value()))
              .append(';').append(millis(e.timestampMillis()));
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  private static String millis(long ms) {
    return ms == Snapshots.NO_TS ? "-" : Long.toString(ms);
  }

  private static String hexLabels(Labels labels) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(labels.toMap()).entrySet()) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(e.getKey()).append('=');
      for (byte b : e.getValue().getBytes(StandardCharsets.UTF_8)) {
        sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
      }
    }
    return sb.toString();
  }
}
