package dev.hearth.exposition;

import static dev.hearth.exposition.ExpositionFormat.OPENMETRICS_1_0_0;
import static dev.hearth.exposition.ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.MetricSnapshot;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Random snapshots survive write → parse in both formats, as far as each format can carry them. */
class RoundTripTest {

  @Property(tries = 300)
  void openMetricsRoundTrip(@ForAll("expositions") List<MetricSnapshot<?>> families) {
    String written = Snapshots.write(families, OPENMETRICS_1_0_0);
    List<MetricSnapshot<?>> parsed = ExpositionParser.parse(written, OPENMETRICS_1_0_0);
    assertThat(Snapshots.canonical(parsed))
        .isEqualTo(Snapshots.canonical(Snapshots.openMetricsView(families)));
    assertThat(Snapshots.write(parsed, OPENMETRICS_1_0_0)).isEqualTo(written);
  }

  @Property(tries = 300)
  void textRoundTrip(@ForAll("expositions") List<MetricSnapshot<?>> families) {
    String written = Snapshots.write(families, PROMETHEUS_TEXT_0_0_4);
    List<MetricSnapshot<?>> parsed = ExpositionParser.parse(written, PROMETHEUS_TEXT_0_0_4);
    assertThat(Snapshots.canonical(parsed))
        .isEqualTo(Snapshots.canonical(Snapshots.textView(families)));
    assertThat(Snapshots.write(parsed, PROMETHEUS_TEXT_0_0_4)).isEqualTo(written);
  }

  @Provide
  Arbitrary<List<MetricSnapshot<?>>> expositions() {
    return Snapshots.expositions(Snapshots.Profile.ANY);
  }
}
