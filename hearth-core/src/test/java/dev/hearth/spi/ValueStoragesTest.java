package dev.hearth.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.testing.Peers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ValueStorages} and the environment. hearth-multiprocess is not on core's test class
 * path, so these are the "variable set, module missing" and "variable not set" cases; the
 * provider being found is tested in hearth-multiprocess ({@code EnvironmentEnableTest}).
 */
class ValueStoragesTest {
  static final String WARNING = "PROMETHEUS_MULTIPROC_DIR=/run/metrics is set, but"
      + " dev.hearth:hearth-multiprocess is not on the class or module path: metric values"
      + " stay in this process's memory and are NOT written to /run/metrics, so no"
      + " multi-process collector will see them. Add the dependency"
      + " dev.hearth:hearth-multiprocess, or unset PROMETHEUS_MULTIPROC_DIR.";

  private final List<String> warnings = new ArrayList<>();

  @AfterEach
  void reset() {
    ValueStorages.uninstall();
  }

  /** Undecided again, as in a fresh JVM. */
  private static void fresh() {
    ValueStorages.forgetDecision();
  }

  private void resolve(Map<String, String> env) {
    ValueStorages.resolve(env, getClass().getClassLoader(), warnings::add);
  }

  @Test
  void aJvmWithTheVariableButNotTheModuleWarnsOnceAndKeepsTheHeap() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // Peers.run takes no environment: set it through env(1)
    Peers.Result r = Peers.run(List.of("env", "-u", "prometheus_multiproc_dir",
        "PROMETHEUS_MULTIPROC_DIR=/run/metrics", java, "-cp", System.getProperty("java.class.path"),
        HeapWorker.class.getName()), null, null, 60);
    assertThat(r.exitCode).as(r.toString()).isZero();
    assertThat(r.stdout.trim()).isEqualTo("storage=null a=2.0 b=3.0");
    assertThat(r.stderr.split("is set, but", -1)).as(r.stderr).hasSize(2);
    assertThat(r.stderr).contains(WARNING);
  }

  @Test
  void theVariableWithoutTheModuleWarnsOnce() {
    fresh();
    Map<String, String> env = Map.of("PROMETHEUS_MULTIPROC_DIR", "/run/metrics");
    resolve(env);
    resolve(env);
    assertThat(ValueStorages.installed()).isNull();
    assertThat(warnings).containsExactly(WARNING);
  }

  @Test
  void theLegacyVariableCountsTooAndNoVariableMeansNoWarning() {
    fresh();
    resolve(Map.of());
    assertThat(warnings).isEmpty();
    fresh();
    resolve(Map.of("prometheus_multiproc_dir", "/tmp/m"));
    assertThat(warnings).singleElement().asString()
        .startsWith("prometheus_multiproc_dir=/tmp/m is set");
  }

  @Test
  void anExplicitChoiceIsNeverOverriddenByTheEnvironment() {
    fresh();
    ValueStorages.uninstall(); // explicit: heap
    resolve(Map.of("PROMETHEUS_MULTIPROC_DIR", "/x"));
    assertThat(warnings).isEmpty();
    assertThat(ValueStorages.current()).isNull();
  }
}
