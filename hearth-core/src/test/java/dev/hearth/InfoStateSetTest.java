package dev.hearth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InfoStateSetTest {
  private final CollectorRegistry registry = new CollectorRegistry();

  @Test
  void infoExposesLabelsWithValueOne() {
    Info i = Info.builder("build").help("Build information").register(registry);
    i.info(Map.of("version", "1.2.3"));
    assertThat(registry.getSampleValue("build_info", Map.of("version", "1.2.3"))).isEqualTo(1.0);
    i.info(Map.of("version", "1.2.4"));
    assertThat(registry.getSampleValue("build_info", Map.of("version", "1.2.3"))).isNull();
    assertThat(Info.builder("x_info").build().name()).isEqualTo("x");
  }

  @Test
  void infoWithLabelsAndBadKeys() {
    Info i = Info.builder("lib").help("h").labelNames("name").register(registry);
    i.labels("netty").info(Map.of("version", "4"));
    assertThat(registry.getSampleValue("lib_info", Map.of("name", "netty", "version", "4"))).isEqualTo(1.0);
    assertThatThrownBy(() -> i.labels("x").info(Map.of("name", "y")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clashes");
    assertThatThrownBy(() -> i.labels("x").info(Map.of("bad-key", "y")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bad-key'");
  }

  @Test
  void stateSetHasExactlyOneState() {
    StateSet s = StateSet.builder("task_state").help("h").states("starting", "running", "stopped")
        .register(registry);
    assertThat(registry.getSampleValue("task_state", Map.of("task_state", "starting"))).isEqualTo(1.0);
    s.state("running");
    assertThat(registry.getSampleValue("task_state", Map.of("task_state", "starting"))).isZero();
    assertThat(registry.getSampleValue("task_state", Map.of("task_state", "running"))).isEqualTo(1.0);
    assertThatThrownBy(() -> s.state("flying"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'flying'")
        .hasMessageContaining("task_state");
  }

  @Test
  void stateSetValidation() {
    assertThatThrownBy(() -> StateSet.builder("s").build()).hasMessageContaining("no states");
    assertThatThrownBy(() -> StateSet.builder("s").states("a", "a").build())
        .hasMessageContaining("not distinct");
    assertThatThrownBy(() -> StateSet.builder("s").labelNames("s").states("a").build())
        .hasMessageContaining("reserved");
  }
}
