package dev.hearth.pushgateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.Gauge;
import dev.hearth.Histogram;
import dev.hearth.Summary;
import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.exposition.ExpositionParser;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.Sample;
import dev.hearth.testing.Peers;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real Pushgateway 1.5 on 127.0.0.1 (memory only): what it stores is exactly what was pushed. */
class PushgatewayPeerTest {
  static final String NO_PUSHGATEWAY =
      "skipped: prometheus-pushgateway not installed (apt-get install prometheus-pushgateway)";
  static final String JOB = "hearth_e2e";

  @TempDir
  static Path dir;
  static Process gateway;
  static String address;

  /** Skips (or fails, with {@code hearth.requirePeers=true}) unless the Pushgateway runs. */
  static void requirePushgateway() {
    Peers.require(Peers.succeeds(List.of(binary(), "--version")), NO_PUSHGATEWAY);
  }

  static String binary() {
    return new java.io.File("/usr/bin/prometheus-pushgateway").canExecute()
        ? "/usr/bin/prometheus-pushgateway" : "prometheus-pushgateway";
  }

  @BeforeAll
  static void startGateway() throws Exception {
    requirePushgateway();
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path log = dir.resolve("pushgateway.log");
    gateway = new ProcessBuilder(binary(), "--web.listen-address=127.0.0.1:" + port,
        "--persistence.file=").redirectErrorStream(true).redirectOutput(log.toFile()).start();
    address = "127.0.0.1:" + port;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      if (!gateway.isAlive()) {
        throw new AssertionError("pushgateway exited: " + Files.readString(log));
      }
      try {
        if (get("/-/ready").startsWith("OK")) {
          break;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("pushgateway not ready within 15 s: " + Files.readString(log));
      }
      Thread.sleep(20);
    }
  }

  @AfterAll
  static void stopGateway() throws InterruptedException {
    if (gateway != null) {
      gateway.destroy();
      if (!gateway.waitFor(10, TimeUnit.SECONDS)) {
        gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  static String get(String path) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create("http://" + address + path).toURL().openConnection();
    c.setConnectTimeout(2000);
    c.setReadTimeout(5000);
    try (InputStream in = c.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } finally {
      c.disconnect();
    }
  }

  /** The gateway's pg_* series of {@code job} as "name{labels} value" (not its push_* gauges). */
  static Set<String> stored(String job) throws IOException {
    Set<String> out = new TreeSet<>();
    for (MetricSnapshot<?> family : ExpositionParser.parse(get("/metrics"), ExpositionFormat.PROMETHEUS_TEXT_0_0_4)) {
      for (Sample s : family.samples()) {
        if (job.equals(s.labels().get("job")) && s.name().startsWith("pg_")) {
          out.add(series(s.name(), s.labels().toMap(), s.value()));
        }
      }
    }
    return out;
  }

  /** The registry's series as the gateway should store them: with the grouping labels added. */
  static Set<String> expected(CollectorRegistry registry, Map<String, String> group) {
    Set<String> out = new TreeSet<>();
    for (MetricSnapshot<?> family : registry.collect()) {
      for (Sample s : family.samples()) {
        if (!s.name().startsWith("pg_")) {
          continue; // only the test's own metrics
        }
        Map<String, String> l = new TreeMap<>(s.labels().toMap());
        l.putAll(group);
        out.add(series(s.name(), l, s.value()));
      }
    }
    return out;
  }

  /** {@code name{k="v",...} value} with labels sorted and empty-valued labels dropped (as Prometheus does). */
  static String series(String name, Map<String, String> labels, double value) {
    StringBuilder sb = new StringBuilder(name).append('{');
    new TreeMap<>(labels).forEach((k, v) -> {
      if ((k.equals("le") || k.equals("quantile")) && !v.equals("+Inf")) {
        v = Double.toString(Double.parseDouble(v)); // the gateway writes le="5" for le="5.0"
      }
      if (!v.isEmpty()) {
        sb.append(k).append("=\"").append(v).append("\",");
      }
    });
    return sb.append("} ").append(value).toString();
  }

  @Test
  void pushPushAddAndDeleteRoundTrip() throws Exception {
    CollectorRegistry first = new CollectorRegistry();
    Counter.builder("pg_jobs_processed").help("Jobs processed").labelNames("queue").register(first)
        .labels("a").inc(10);
    Gauge.builder("pg_last_run_duration_seconds").help("Last run").register(first).set(1.5);
    Histogram h = Histogram.builder("pg_item_seconds").help("Per item").buckets(0.5, 5).register(first);
    h.observe(0.25);
    h.observe(3);
    Summary.builder("pg_batch_bytes").help("Batch sizes").register(first).observe(1024);

    Map<String, String> key = Map.of("instance", "host1", "path", "/var/tmp");
    Map<String, String> shown = Map.of("job", JOB, "instance", "host1", "path", "/var/tmp");
    PushGateway pg = PushGateway.builder().address(address).job(JOB).build();
    pg.push(first, JOB, key);
    assertThat(stored(JOB)).isEqualTo(expected(first, shown));
    assertThat(get("/metrics")).contains("path=\"/var/tmp\""); // sent as path@base64

    CollectorRegistry second = new CollectorRegistry();
    Gauge.builder("pg_extra").help("Extra").register(second).set(7);
    pg.pushAdd(second, JOB, key);
    Set<String> both = expected(first, shown);
    both.addAll(expected(second, shown));
    assertThat(stored(JOB)).isEqualTo(both);

    pg.push(second, JOB, key); // PUT replaces the whole group
    assertThat(stored(JOB)).isEqualTo(expected(second, shown));

    pg.delete(JOB, key);
    assertThat(stored(JOB)).isEmpty();
    assertThat(get("/metrics")).doesNotContain("job=\"" + JOB + "\"");
  }

  @Test
  void builderJobAndDelete() throws Exception {
    CollectorRegistry r = new CollectorRegistry();
    Gauge.builder("pg_simple").help("Simple").register(r).set(3);
    PushGateway pg = PushGateway.builder().address("http://" + address + "/").job("hearth_simple").build();
    pg.push(r);
    assertThat(stored("hearth_simple")).containsExactly("pg_simple{job=\"hearth_simple\",} 3.0");
    pg.delete();
    assertThat(stored("hearth_simple")).isEmpty();
    // an empty grouping value goes as instance@base64/= and deletes by the same key
    pg.push(r, "hearth_simple", Map.of("instance", ""));
    assertThat(stored("hearth_simple")).containsExactly("pg_simple{job=\"hearth_simple\",} 3.0");
    pg.delete("hearth_simple", Map.of("instance", ""));
    assertThat(stored("hearth_simple")).isEmpty();
  }

  @Test
  void rejectedPushSurfacesTheGatewaysMessage() throws Exception {
    PushGateway pg = PushGateway.builder().address(address).build();
    CollectorRegistry asGauge = new CollectorRegistry();
    Gauge.builder("pg_conflict").help("Conflict").register(asGauge).set(1);
    pg.push(asGauge, "hearth_conflict", Map.of("instance", "a"));
    CollectorRegistry asSummary = new CollectorRegistry();
    Summary.builder("pg_conflict").help("Conflict").register(asSummary).observe(1);
    try {
      assertThatThrownBy(() -> pg.push(asSummary, "hearth_conflict", Map.of("instance", "b")))
          .isInstanceOf(IOException.class)
          .hasMessageStartingWith("Pushgateway answered 400 to PUT http://" + address
              + "/metrics/job/hearth_conflict/instance/b: pushed metrics are invalid or inconsistent");
      assertThat(stored("hearth_conflict")).containsExactly(
          "pg_conflict{instance=\"a\",job=\"hearth_conflict\",} 1.0");
    } finally {
      pg.delete("hearth_conflict", Map.of("instance", "a"));
    }
  }
}
