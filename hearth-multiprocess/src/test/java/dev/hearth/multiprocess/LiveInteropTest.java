package dev.hearth.multiprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.Gauge;
import dev.hearth.Histogram;
import dev.hearth.Metric;
import dev.hearth.MultiprocessMode;
import dev.hearth.Summary;
import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.exposition.ExpositionParser;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.spi.ValueStorage;
import dev.hearth.testing.Peers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python prometheus_client processes, this JVM and a forked JVM write one directory; Python's
 * MultiProcessCollector and Hearth's then agree exactly. The Debian package is 0.16, so v1.
 */
class LiveInteropTest {
  static final int N = 500;

  /** Python's side of {@link #record}. */
  static final String PY_WRITER = String.join("\n",
      "import sys",
      "from prometheus_client import Counter, Gauge, Histogram, Summary",
      "c = Counter('interop_requests_total', 'Requests.', ['path'])",
      "g = Gauge('interop_inflight', 'In flight.', multiprocess_mode='livesum')",
      "a = Gauge('interop_pid_value', 'Per process.', multiprocess_mode='all')",
      "h = Histogram('interop_latency_seconds', 'Latency.', buckets=(0.5, 1.0))",
      "s = Summary('interop_size_bytes', 'Sizes.')",
      "for i in range(int(sys.argv[1])):",
      "    c.labels('/a').inc()",
      "    c.labels('/b').inc(0.5)",
      "    h.observe(0.25)",
      "    h.observe(0.75)",
      "    s.observe(10)",
      "g.inc(2)",
      "a.set(1)",
      "");

  static final String PY_COLLECTOR = String.join("\n",
      "import sys",
      "from prometheus_client import CollectorRegistry, generate_latest",
      "from prometheus_client.multiprocess import MultiProcessCollector",
      "r = CollectorRegistry()",
      "MultiProcessCollector(r)",
      "sys.stdout.write(generate_latest(r).decode('utf-8'))",
      "");

  /** Records the metrics of {@link #PY_WRITER} into {@code s}, or the default storage if null. */
  static void record(ValueStorage s, int n) {
    Counter c = in(s, Counter.builder("interop_requests_total").help("Requests.")
        .labelNames("path")).build();
    Gauge g = in(s, Gauge.builder("interop_inflight").help("In flight.")
        .multiprocessMode(MultiprocessMode.LIVESUM)).build();
    Gauge a = in(s, Gauge.builder("interop_pid_value").help("Per process.")).build();
    Histogram h = in(s, Histogram.builder("interop_latency_seconds").help("Latency.")
        .buckets(0.5, 1.0)).build();
    Summary sm = in(s, Summary.builder("interop_size_bytes").help("Sizes.")).build();
    for (int i = 0; i < n; i++) {
      c.labels("/a").inc();
      c.labels("/b").inc(0.5);
      h.observe(0.25);
      h.observe(0.75);
      sm.observe(10);
    }
    g.inc(2);
    a.set(1);
  }

  private static <B extends Metric.Builder<B, ?>> B in(ValueStorage s, B builder) {
    return s == null ? builder : builder.storage(s);
  }

  private static Process python(Path dir, String script, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Peers.python(), "-c", script));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
    pb.environment().put("PROMETHEUS_MULTIPROC_DIR", dir.toString());
    return pb.start();
  }

  private static String finish(Process p, String what) throws Exception {
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(what + " finished").isTrue();
    assertThat(p.exitValue()).as(what + ": " + new String(err, StandardCharsets.UTF_8)).isZero();
    return new String(out, StandardCharsets.UTF_8);
  }

  static Process forkJvm(Path dir, String id, String format, int n, boolean hold) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        ForkedWriter.class.getName(), dir.toString(), id, format, String.valueOf(n)));
    if (hold) {
      cmd.add("hold");
    }
    return new ProcessBuilder(cmd).start();
  }

  @Test
  void pythonAndHearthAgree(@TempDir Path dir) throws Exception {
    Peers.requirePython();
    Process py1 = python(dir, PY_WRITER, String.valueOf(N));
    Process py2 = python(dir, PY_WRITER, String.valueOf(N));
    Process jvm = forkJvm(dir, "forked", "v1", N, false);
    try (MmapValueStorage mine = MmapValueStorage.builder(dir).processId("injvm")
        .format(FormatVersion.V1).build()) {
      record(mine, N);
      long py1Pid = py1.pid();
      finish(py1, "python writer 1");
      finish(py2, "python writer 2");
      assertThat(finish(jvm, "forked JVM")).contains("done");

      int writers = 4;
      CollectorRegistry registry = new CollectorRegistry();
      registry.register(new MultiProcessCollector(dir));
      assertTotals(registry, writers, N);
      assertThat(registry.getSampleValue("interop_pid_value", Map.of("pid", "injvm"))).isEqualTo(1.0);
      assertThat(registry.getSampleValue("interop_pid_value", Map.of("pid", "forked"))).isEqualTo(1.0);
      assertSameAsPython(dir);

      MultiProcess.markProcessDead(dir, py1Pid);
      assertThat(registry.getSampleValue("interop_inflight")).isEqualTo((writers - 1) * 2.0);
      assertSameAsPython(dir);
    }
  }

  /** The merged totals of {@code writers} processes that each ran {@link #record} {@code n} times. */
  static void assertTotals(CollectorRegistry registry, int writers, int n) {
    assertThat(registry.getSampleValue("interop_requests_total", Map.of("path", "/a")))
        .isEqualTo(writers * n * 1.0);
    assertThat(registry.getSampleValue("interop_requests_total", Map.of("path", "/b")))
        .isEqualTo(writers * n * 0.5);
    assertThat(registry.getSampleValue("interop_latency_seconds_bucket", Map.of("le", "0.5")))
        .isEqualTo(writers * n * 1.0);
    assertThat(registry.getSampleValue("interop_latency_seconds_count"))
        .isEqualTo(writers * n * 2.0);
    assertThat(registry.getSampleValue("interop_latency_seconds_sum"))
        .isEqualTo(writers * n * 1.0);
    assertThat(registry.getSampleValue("interop_size_bytes_sum")).isEqualTo(writers * n * 10.0);
    assertThat(registry.getSampleValue("interop_inflight")).isEqualTo(writers * 2.0);
  }

  static void assertSameAsPython(Path dir) throws Exception {
    String text = finish(python(dir, PY_COLLECTOR), "python collector");
    List<MetricSnapshot<?>> expected =
        new ArrayList<>(ExpositionParser.parse(text, ExpositionFormat.PROMETHEUS_TEXT_0_0_4));
    List<MetricSnapshot<?>> actual = new MultiProcessCollector(dir).collect();
    // Python's glob order is not sorted: compare families by name
    expected.sort((x, y) -> x.name().compareTo(y.name()));
    List<MetricSnapshot<?>> sorted = new ArrayList<>(actual);
    sorted.sort((x, y) -> x.name().compareTo(y.name()));
    MultiProcessCollectorVectorTest.assertSameFamilies(sorted, expected);
  }
}
