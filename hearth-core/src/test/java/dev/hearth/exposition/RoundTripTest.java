package dev.hearth.exposition;

import static dev.hearth.exposition.ExpositionFormat.OPENMETRICS_1_0_0;
import static dev.hearth.exposition.ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.MetricSnapshot;
import dev.hearth.testing.RandomCases;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Random snapshots survive write → parse in both formats, as far as each format can carry them. */
class RoundTripTest {

  @Test
  void openMetricsRoundTrip() {
    RandomCases.check(300, r -> {
      List<MetricSnapshot<?>> families = Snapshots.exposition(r, Snapshots.Profile.ANY);
      String written = Snapshots.write(families, OPENMETRICS_1_0_0);
      List<MetricSnapshot<?>> parsed = ExpositionParser.parse(written, OPENMETRICS_1_0_0);
      assertThat(Snapshots.canonical(parsed)).as("parsing:%n%s", written)
          .isEqualTo(Snapshots.canonical(Snapshots.openMetricsView(families)));
      assertThat(Snapshots.write(parsed, OPENMETRICS_1_0_0)).isEqualTo(written);
    });
  }

  @Test
  void textRoundTrip() {
    RandomCases.check(300, r -> {
      List<MetricSnapshot<?>> families = Snapshots.exposition(r, Snapshots.Profile.ANY);
      String written = Snapshots.write(families, PROMETHEUS_TEXT_0_0_4);
      List<MetricSnapshot<?>> parsed = ExpositionParser.parse(written, PROMETHEUS_TEXT_0_0_4);
      assertThat(Snapshots.canonical(parsed)).as("parsing:%n%s", written)
          .isEqualTo(Snapshots.canonical(Snapshots.textView(families)));
      assertThat(Snapshots.write(parsed, PROMETHEUS_TEXT_0_0_4)).isEqualTo(written);
    });
  }
}
