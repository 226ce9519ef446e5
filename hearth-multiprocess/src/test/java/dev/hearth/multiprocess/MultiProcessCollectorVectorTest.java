package dev.hearth.multiprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.exposition.ExpositionParser;
import dev.hearth.model.CounterSnapshot;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.Sample;
import dev.hearth.multiprocess.testing.Vectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The collector against what Python's MultiProcessCollector produced from the same files. */
class MultiProcessCollectorVectorTest {
  static final List<String> SCENARIOS = Vectors.SCENARIOS;

  /** Asserts the same families in the same order, each with the same type, help and samples. */
  static void assertSameFamilies(List<MetricSnapshot<?>> actual, List<MetricSnapshot<?>> expected) {
    assertThat(names(actual)).containsExactlyElementsOf(names(expected));
    for (int i = 0; i < expected.size(); i++) {
      MetricSnapshot<?> a = actual.get(i);
      MetricSnapshot<?> e = expected.get(i);
      assertThat(a.type()).as(e.name()).isEqualTo(e.type());
      assertThat(a.help()).as(e.name()).isEqualTo(e.help());
      assertThat(a.samples()).as(e.name()).containsExactlyInAnyOrderElementsOf(e.samples());
    }
  }

  static List<String> names(List<MetricSnapshot<?>> families) {
    return families.stream().map(MetricSnapshot::name).collect(Collectors.toList());
  }

  static List<MetricSnapshot<?>> expected(String scenario) {
    return ExpositionParser.parse(Vectors.text(scenario, "expected.txt"),
        ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
  }

  @ParameterizedTest
  @FieldSource("SCENARIOS")
  void sameAsPython(String scenario, @TempDir Path dir) throws Exception {
    Vectors.extract(scenario, dir);
    MultiProcessCollector collector = new MultiProcessCollector(dir);
    List<MetricSnapshot<?>> first = collector.collect();
    assertSameFamilies(first, expected(scenario));
    assertSameFamilies(collector.collect(), expected(scenario)); // from the cache
    assertThat(collector.readErrors()).isEmpty();
  }

  @ParameterizedTest
  @FieldSource("SCENARIOS")
  void sameAsPythonOpenMetrics(String scenario, @TempDir Path dir) throws Exception {
    Vectors.extract(scenario, dir);
    List<MetricSnapshot<?>> expected = ExpositionParser.parse(
        Vectors.text(scenario, "expected.openmetrics.txt"), ExpositionFormat.OPENMETRICS_1_0_0);
    assertSameFamilies(new MultiProcessCollector(dir).collect(), expected);
  }

  @Test
  void mixedV1AndV2DirectoryIsReadFileByFile(@TempDir Path dir) throws Exception {
    String v1 = "0.16.0/01-counters-histograms-summaries";
    String v2 = "0.25.0/01-counters-histograms-summaries";
    Vectors.extract(v1, dir);
    Vectors.extract(v2, dir);
    MultiProcessCollector collector = new MultiProcessCollector(dir);
    List<MetricSnapshot<?>> mixed = collector.collect();
    assertThat(collector.readErrors()).isEmpty();
    List<MetricSnapshot<?>> e1 = expected(v1);
    List<MetricSnapshot<?>> e2 = expected(v2);
    assertThat(names(mixed)).containsExactlyElementsOf(names(e1));
    int checked = 0;
    for (int i = 0; i < e1.size(); i++) {
      List<Sample> a = e1.get(i).samples();
      List<Sample> b = e2.get(i).samples();
      for (Sample s : mixed.get(i).samples()) {
        double want = value(a, s) + value(b, s);
        assertThat(s.value()).as(s.toString()).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-9 * Math.abs(want)));
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(50);
  }

  private static double value(List<Sample> samples, Sample like) {
    for (Sample s : samples) {
      if (s.name().equals(like.name()) && s.labels().equals(like.labels())) {
        return s.value();
      }
    }
    throw new AssertionError("no " + like.name() + like.labels());
  }

  @Test
  void badFilesAreSkippedAndCounted(@TempDir Path dir) throws Exception {
    String scenario = "0.25.0/01-counters-histograms-summaries";
    Vectors.extract(scenario, dir);
    byte[] good = Vectors.db(scenario, "counter_32449.db");
    Files.write(dir.resolve("counter_99991.db"), Arrays.copyOf(good, 300)); // truncated
    byte[] garbage = new byte[65536];
    new java.util.Random(1).nextBytes(garbage);
    Files.write(dir.resolve("gauge_all_99992.db"), garbage); // corrupted
    Files.write(dir.resolve("histogram_99993.db"), new byte[] {1, 2, 3}); // too short
    Files.write(dir.resolve("notes_about.db"), good); // foreign name
    byte[] flipped = good.clone();
    flipped[12] = '{'; // the first key no longer starts with '['
    Files.write(dir.resolve("summary_99994.db"), flipped);
    Files.write(dir.resolve("summary_99995.db"), new byte[0]); // being created: empty, no error
    MultiProcessCollector collector = new MultiProcessCollector(dir);
    for (int scrape = 1; scrape <= 2; scrape++) {
      List<MetricSnapshot<?>> all = collector.collect();
      List<MetricSnapshot<?>> served = new ArrayList<>(all);
      MetricSnapshot<?> errors = served.remove(served.size() - 1);
      assertSameFamilies(served, expected(scenario));
      assertThat(errors).isInstanceOf(CounterSnapshot.class);
      assertThat(errors.name()).isEqualTo("hearth_multiprocess_read_errors");
      List<String> files = new ArrayList<>();
      for (Sample s : errors.samples()) {
        files.add(s.labels().get("file"));
        assertThat(s.value()).isEqualTo(scrape);
      }
      assertThat(files).containsExactlyInAnyOrder("counter_99991.db", "gauge_all_99992.db",
          "histogram_99993.db", "notes_about.db", "summary_99994.db");
    }
  }
}
