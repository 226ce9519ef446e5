package dev.hearth.multiprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.CollectorRegistry;
import dev.hearth.testing.Peers;
import dev.hearth.modulepathworker.ModulePathWorker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code PROMETHEUS_MULTIPROC_DIR} alone enables multi-process mode, as in Python: forked JVMs
 * ({@link EnvWorker}) that never call {@link MultiProcess} write the directory, core finding
 * {@link MultiProcessStorageProvider} through {@code META-INF/services} on the class path.
 */
class EnvironmentEnableTest {
  static final int N = 300;

  @Test
  void theVariableAloneIsEnough(@TempDir Path dir) throws Exception {
    Result r = worker(Map.of("PROMETHEUS_MULTIPROC_DIR", dir.toString()), String.valueOf(N));
    assertThat(r.exit).as(r.stderr).isZero();
    assertThat(r.stdout).startsWith("done");
    CollectorRegistry registry = new CollectorRegistry();
    registry.register(new MultiProcessCollector(dir));
    LiveInteropTest.assertTotals(registry, 1, N);
  }

  @Test
  void formatAndProcessIdComeFromTheEnvironmentToo(@TempDir Path dir) throws Exception {
    Result r = worker(Map.of("PROMETHEUS_MULTIPROC_DIR", dir.toString(),
        "HEARTH_MULTIPROC_FORMAT", "v1", "HEARTH_MULTIPROC_PROCESS_ID", "worker7"), "3");
    assertThat(r.exit).as(r.stderr).isZero();
    assertThat(dbFiles(dir)).contains("counter_worker7.db", "gauge_livesum_worker7.db",
        "gauge_all_worker7.db", "histogram_worker7.db", "summary_worker7.db");
    // continuing the files strictly as v1 (a v2 file would be refused) adds to the same entry
    try (MmapValueStorage v1 = MmapValueStorage.builder(dir).processId("worker7")
        .format(FormatVersion.V1).build()) {
      dev.hearth.Counter.builder("interop_requests_total").help("Requests.").labelNames("path")
          .storage(v1).build().labels("/a").inc();
      CollectorRegistry registry = new CollectorRegistry();
      registry.register(new MultiProcessCollector(dir));
      assertThat(registry.getSampleValue("interop_requests_total", Map.of("path", "/a")))
          .isEqualTo(4.0);
    }
  }

  @Test
  void anExplicitEnableWins(@TempDir Path dir, @TempDir Path explicit) throws Exception {
    Result r = worker(Map.of("PROMETHEUS_MULTIPROC_DIR", dir.toString()), "2",
        explicit.toString());
    assertThat(r.exit).as(r.stderr).isZero();
    assertThat(dbFiles(dir)).isEmpty();
    assertThat(dbFiles(explicit)).isNotEmpty();
  }

  @Test
  void aMissingDirectoryFailsTheFirstMetricNamingTheVariable(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("absent");
    Result r = worker(Map.of("PROMETHEUS_MULTIPROC_DIR", missing.toString()), "1");
    assertThat(r.exit).isNotZero();
    assertThat(r.stderr).contains("PROMETHEUS_MULTIPROC_DIR")
        .contains("Multiprocess directory " + missing + " does not exist");
  }

  @Test
  void twoVariableOnlyWorkersAndPythonAgreeWithPython(@TempDir Path dir) throws Exception {
    Peers.requirePython();
    // Python 0.16 reads format v1 only
    Map<String, String> env = Map.of("PROMETHEUS_MULTIPROC_DIR", dir.toString(),
        "HEARTH_MULTIPROC_FORMAT", "v1");
    Process w1 = start(env, String.valueOf(N));
    Process w2 = start(env, String.valueOf(N));
    ProcessBuilder py = new ProcessBuilder(Peers.python(), "-c", LiveInteropTest.PY_WRITER,
        String.valueOf(N));
    py.environment().put("PROMETHEUS_MULTIPROC_DIR", dir.toString());
    Process p = py.start();
    for (Process each : List.of(w1, w2, p)) {
      Result r = finish(each);
      assertThat(r.exit).as(r.stderr).isZero();
    }
    CollectorRegistry registry = new CollectorRegistry();
    registry.register(new MultiProcessCollector(dir));
    LiveInteropTest.assertTotals(registry, 3, N);
    LiveInteropTest.assertSameAsPython(dir);
  }

  @Test
  void onTheModulePathTheProvidesClauseIsFound(@TempDir Path dir) throws Exception {
    // core and multi-process as named modules: module-info's uses/provides, not META-INF/services
    String core = location(dev.hearth.Counter.class);
    String multiprocess = location(MultiProcess.class);
    String rest = Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(p -> !p.equals(core) && !p.equals(multiprocess))
        .collect(Collectors.joining(java.io.File.pathSeparator));
    Result r = finish(start(Map.of("PROMETHEUS_MULTIPROC_DIR", dir.toString()),
        List.of("--module-path", core + java.io.File.pathSeparator + multiprocess,
            "--add-modules", "dev.hearth.multiprocess"), rest, ModulePathWorker.class, "5"));
    assertThat(r.exit).as(r.stderr).isZero();
    CollectorRegistry registry = new CollectorRegistry();
    registry.register(new MultiProcessCollector(dir));
    assertThat(registry.getSampleValue("module_path_total")).isEqualTo(5.0);
  }

  private static String location(Class<?> c) throws Exception {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  static List<String> dbFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".db"))
          .collect(Collectors.toList());
    }
  }

  /** A forked JVM on this test's class path running {@link EnvWorker} with {@code env}. */
  static Process start(Map<String, String> env, String... args) throws IOException {
    return start(env, List.of(), System.getProperty("java.class.path"), EnvWorker.class, args);
  }

  /** A forked JVM with {@code jvmOptions} and class path {@code cp} running {@code main}. */
  static Process start(Map<String, String> env, List<String> jvmOptions, String cp,
      Class<?> main, String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", cp, main.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.equalsIgnoreCase("PROMETHEUS_MULTIPROC_DIR")
        || k.startsWith("HEARTH_MULTIPROC"));
    pb.environment().putAll(env);
    return pb.start();
  }

  static Result worker(Map<String, String> env, String... args) throws Exception {
    return finish(start(env, args));
  }

  static Result finish(Process p) throws Exception {
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("worker finished").isTrue();
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  static final class Result {
    final int exit;
    final String stdout;
    final String stderr;

    Result(int exit, String stdout, String stderr) {
      this.exit = exit;
      this.stdout = stdout;
      this.stderr = stderr;
    }
  }
}
