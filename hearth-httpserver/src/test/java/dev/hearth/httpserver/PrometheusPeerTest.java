package dev.hearth.httpserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.Gauge;
import dev.hearth.Histogram;
import dev.hearth.Summary;
import dev.hearth.model.Labels;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.Sample;
import dev.hearth.testing.Peers;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus 2.42 scrapes an {@link HTTPServer} on 127.0.0.1 (OpenMetrics, exemplar storage
 * on); its query API must return exactly the recorded values and the exemplar's trace ID. Also
 * promtool lints the served text 0.0.4.
 */
class PrometheusPeerTest {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  private static CollectorRegistry recordedRegistry() {
    CollectorRegistry registry = new CollectorRegistry();
    Counter requests = Counter.builder("peer_requests").help("Requests served")
        .labelNames("code").register(registry);
    requests.labels("200").inc(2.5);
    requests.labels("200").inc(4, Map.of("trace_id", TRACE_ID));
    requests.labels("500").inc();
    Gauge.builder("peer_temperature_celsius").help("Temperature").register(registry).set(-3.25);
    Histogram latency = Histogram.builder("peer_latency_seconds").help("Latency")
        .buckets(0.1, 0.5, 2).register(registry);
    for (double v : new double[] {0.05, 0.3, 0.3, 1.5, 7}) {
      latency.observe(v);
    }
    Summary payload = Summary.builder("peer_payload_bytes").help("Payload sizes").register(registry);
    payload.observe(100);
    payload.observe(250.5);
    return registry;
  }

  @Test
  void prometheusScrapesExactValuesAndExemplars(@TempDir Path dir) throws Exception {
    PeerTools.requirePrometheus();
    CollectorRegistry registry = recordedRegistry();
    try (HTTPServer server = HTTPServer.builder().host("127.0.0.1").port(0).registry(registry)
        .buildAndStart()) {
      int promPort = PeerTools.freePort();
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(config, String.join("\n",
          "global:",
          "  scrape_interval: 1s",
          "  scrape_timeout: 1s",
          "  evaluation_interval: 1s",
          "scrape_configs:",
          "  - job_name: hearth",
          "    metrics_path: /metrics",
          "    static_configs: [{targets: [\"127.0.0.1:" + server.getPort() + "\"]}]",
          ""));
      Path log = dir.resolve("prometheus.log");
      Process prom = new ProcessBuilder(PeerTools.prometheus(),
          "--config.file=" + config,
          "--web.listen-address=127.0.0.1:" + promPort,
          "--storage.tsdb.path=" + dir.resolve("data"),
          "--enable-feature=exemplar-storage")
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      String api = "http://127.0.0.1:" + promPort;
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        awaitTrue(deadline, prom, log, "Prometheus ready", () -> status(api + "/-/ready") == 200);
        awaitTrue(deadline, prom, log, "target health up", () -> {
          String targets = body(api + "/api/v1/targets?state=active");
          return targets.contains("\"health\":\"up\"");
        });
        Object first = awaitResult(deadline, prom, log, api, "peer_requests_total");
        assertThat(MiniJson.<List<Object>>at(first, "data", "result")).hasSize(2);

        // every recorded sample (but _created) comes back with its exact value
        Map<String, List<Object>> byName = new HashMap<>();
        int expected = 0;
        for (MetricSnapshot<?> family : registry.collect()) {
          for (Sample s : family.samples()) {
            if (s.name().endsWith("_created") || !s.name().startsWith("peer_")) {
              continue;
            }
            expected++;
            List<Object> series = byName.computeIfAbsent(s.name(), n -> {
              try {
                return MiniJson.at(query(api, n + "{job=\"hearth\"}"), "data", "result");
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            });
            assertThat(valueOf(series, s.labels())).as(s.toString())
                .isEqualTo(s.value());
          }
        }
        assertThat(expected).isEqualTo(2 + 1 + 4 + 2 + 2); // counters, gauge, buckets, count/sum, summary
        assertThat(byName.get("peer_latency_seconds_bucket")).hasSize(4);
        assertThat(valueOf(byName.get("peer_latency_seconds_bucket"), Labels.of("le", "0.5"))).isEqualTo(3.0);
        assertThat(valueOf(byName.get("peer_payload_bytes_sum"), Labels.EMPTY)).isEqualTo(350.5);

        // the exemplar recorded with the counter is stored and queryable
        String exemplars = body(api + "/api/v1/query_exemplars?query="
            + URLEncoder.encode("peer_requests_total", StandardCharsets.UTF_8));
        Object ex = MiniJson.parse(exemplars);
        assertThat(MiniJson.<String>at(ex, "status")).isEqualTo("success");
        assertThat(exemplars).contains("\"trace_id\":\"" + TRACE_ID + "\"");
        List<Object> data = MiniJson.at(ex, "data");
        assertThat(data).hasSize(1);
        assertThat(MiniJson.<String>at(data, 0, "seriesLabels", "code")).isEqualTo("200");
        assertThat(MiniJson.<String>at(data, 0, "exemplars", 0, "value")).isEqualTo("4");
      } finally {
        prom.destroy();
        if (!prom.waitFor(10, TimeUnit.SECONDS)) {
          prom.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  @Test
  void promtoolAcceptsTheServedText004(@TempDir Path dir) throws Exception {
    Peers.requirePromtool();
    CollectorRegistry registry = recordedRegistry();
    try (HTTPServer server = HTTPServer.builder().host("127.0.0.1").port(0).registry(registry)
        .buildAndStart()) {
      HttpResponse<byte[]> r = CLIENT.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + server.getPort() + "/metrics")).header("Accept", "text/plain").build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
      Peers.Result lint = Peers.run(List.of("promtool", "check", "metrics"), r.body(), dir, 60);
      assertThat(lint.exitCode).as(lint.toString()).isZero();
      assertThat(lint.stderr).isEmpty();
    }
  }

  private static Double valueOf(List<Object> series, Labels labels) {
    List<Double> found = new ArrayList<>();
    for (Object s : series) {
      Map<String, Object> metric = MiniJson.at(s, "metric");
      Map<String, String> own = new HashMap<>();
      metric.forEach((k, v) -> {
        if (!k.equals("__name__") && !k.equals("job") && !k.equals("instance")) {
          own.put(k, (String) v);
        }
      });
      if (own.equals(labels.toMap())) {
        found.add(Double.parseDouble(MiniJson.at(s, "value", 1)));
      }
    }
    assertThat(found).as("series with labels " + labels).hasSize(1);
    return found.get(0);
  }

  private static Object query(String api, String promql) throws Exception {
    String json = body(api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    Object parsed = MiniJson.parse(json);
    assertThat(MiniJson.<String>at(parsed, "status")).as(json).isEqualTo("success");
    return parsed;
  }

  private static Object awaitResult(long deadline, Process prom, Path log, String api, String promql)
      throws Exception {
    Object[] holder = new Object[1];
    awaitTrue(deadline, prom, log, "a result for " + promql, () -> {
      Object q = query(api, promql);
      holder[0] = q;
      return !MiniJson.<List<Object>>at(q, "data", "result").isEmpty();
    });
    return holder[0];
  }

  private static int status(String url) {
    try {
      return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  private static String body(String url) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  interface Check {
    boolean ok() throws Exception;
  }

  private static void awaitTrue(long deadline, Process prom, Path log, String what, Check check)
      throws Exception {
    while (true) {
      if (!prom.isAlive()) {
        throw new AssertionError("prometheus exited (" + prom.exitValue() + ") waiting for " + what
            + ":\n" + Files.readString(log));
      }
      try {
        if (check.ok()) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + "; log:\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
  }
}
