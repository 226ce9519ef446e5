package dev.hearth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.exposition.Exposition;
import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.testing.Peers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Peer tests on a registry holding every metric type: promtool accepts its text 0.0.4 output and
 * Python prometheus_client's OpenMetrics parser reads its OpenMetrics output, exemplars included.
 */
class RegistryPeerTest {
  private final CollectorRegistry registry = new CollectorRegistry();

  @BeforeEach
  void fill() {
    Counter requests = Counter.builder("http_requests_total").help("Total HTTP requests")
        .labelNames("method", "status").register(registry);
    requests.labels("GET", "200").inc(3);
    requests.labels("POST", "500").inc(1, Map.of("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"));
    Gauge.builder("active_connections").help("Open connections").register(registry).set(3);
    Histogram latency = Histogram.builder("db_query_duration_seconds").help("Database query latency")
        .buckets(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0).register(registry);
    latency.observe(0.25, Map.of("trace_id", "abc123"));
    latency.observe(0.003);
    Summary payload = Summary.builder("payload_bytes").help("Payload sizes")
        .quantile(0.5, 0.01).quantile(0.99, 0.001).register(registry);
    payload.observe(512);
    payload.observe(1024);
    Summary.builder("job_duration_seconds").unit("seconds").help("No quantiles").register(registry)
        .observe(1.5);
    Info.builder("build").help("Build information").register(registry).info(Map.of("version", "1.2.3"));
    StateSet.builder("task_state").help("Task state").states("starting", "running", "stopped")
        .register(registry).state("running");
    registry.register(new CollectorRegistryTest.DatabasePoolCollector());
  }

  @Test
  void promtoolAcceptsTextOutput() throws Exception {
    Peers.requirePromtool();
    String text = Exposition.generateLatest(registry);
    Peers.Result r = Peers.run(List.of("promtool", "check", "metrics"),
        text.getBytes(StandardCharsets.UTF_8), null, 60);
    assertThat(r.exitCode).as("%s\n%s", r, text).isZero();
    assertThat(r.stdout + r.stderr).isEmpty();
  }

  @Test
  void pythonReadsOpenMetricsOutputWithExemplars() throws Exception {
    Peers.requirePython();
    String om = Exposition.generateLatest(registry, ExpositionFormat.OPENMETRICS_1_0_0);
    String script = "import sys\n"
        + "from prometheus_client.openmetrics.parser import text_string_to_metric_families\n"
        + "for f in text_string_to_metric_families(sys.stdin.read()):\n"
        + "    for s in f.samples:\n"
        + "        ex = s.exemplar.labels.get('trace_id') if s.exemplar else ''\n"
        + "        print(f.type, s.name, sorted(s.labels.items()), s.value, ex)\n";
    Peers.Result r = Peers.run(List.of(Peers.python(), "-c", script),
        om.getBytes(StandardCharsets.UTF_8), null, 60);
    assertThat(r.exitCode).as("%s\n%s", r, om).isZero();
    assertThat(r.stdout)
        .contains("counter http_requests_total [('method', 'POST'), ('status', '500')] 1.0 4bf92f3577b34da6a3ce929d0e0e4736")
        .contains("histogram db_query_duration_seconds_bucket [('le', '0.25')] 2.0 abc123")
        .contains("gauge active_connections [] 3.0")
        .contains("summary payload_bytes_count [] 2.0")
        .contains("info build_info [('version', '1.2.3')] 1.0")
        .contains("stateset task_state [('task_state', 'running')] 1.0")
        .contains("gauge db_pool_size [] 10.0");
  }
}
