package dev.hearth.exposition;

import static dev.hearth.exposition.ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.MetricSnapshot;
import dev.hearth.testing.Peers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Peer test: {@code promtool check metrics} accepts Hearth's text 0.0.4 output. */
class PromtoolTest {

  private static Peers.Result check(String exposition) throws Exception {
    return Peers.run(List.of("promtool", "check", "metrics"),
        exposition.getBytes(StandardCharsets.UTF_8), null, 60);
  }

  @Test
  void acceptsEveryType() throws Exception {
    Peers.requirePromtool();
    List<MetricSnapshot<?>> families = Snapshots.allTypes().stream()
        .filter(f -> !f.help().isEmpty()) // promtool lints a missing help text
        .collect(Collectors.toList());
    assertThat(families).extracting(MetricSnapshot::type).containsAll(
        List.of(dev.hearth.model.MetricType.values()));
    Peers.Result r = check(Snapshots.write(families, PROMETHEUS_TEXT_0_0_4));
    assertThat(r.exitCode).as("%s", r).isZero();
    assertThat(r.stdout + r.stderr).isEmpty();
  }

  @Test
  void reportsWhatItLints() throws Exception {
    Peers.requirePromtool();
    Peers.Result r = check(Snapshots.write(Snapshots.allTypes(), PROMETHEUS_TEXT_0_0_4));
    assertThat(r.exitCode).as("%s", r).isNotZero();
    assertThat(r.stdout + r.stderr).contains("no_help no help text");
  }
}
