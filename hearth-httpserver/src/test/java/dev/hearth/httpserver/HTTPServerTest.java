package dev.hearth.httpserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.hearth.Collector;
import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.Gauge;
import dev.hearth.Histogram;
import dev.hearth.exposition.Exposition;
import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.exposition.ExpositionParser;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.testing.BlockingCollector;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HTTPServerTest {
  static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
  static final String OM = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private CollectorRegistry registry;
  private HTTPServer server;

  @BeforeEach
  void setUp() throws IOException {
    registry = new CollectorRegistry();
    Counter.builder("requests").help("Requests").labelNames("code").register(registry)
        .labels("200").inc(3, Map.of("trace_id", "abc123"));
    Gauge.builder("temperature_celsius").help("Temperature").register(registry).set(21.5);
    Histogram.builder("latency_seconds").help("Latency").buckets(0.1, 1).register(registry)
        .observe(0.5);
    server = HTTPServer.builder().host("127.0.0.1").port(0).registry(registry).buildAndStart();
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + server.getPort() + pathAndQuery);
  }

  HttpResponse<byte[]> get(String pathAndQuery, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void servesTheCardinalityReportAsJson() throws Exception {
    HttpResponse<byte[]> r = get("/cardinality");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    assertThat(text(r)).isEqualTo(registry.cardinality().toJson())
        .contains("{\"name\":\"requests\",\"type\":\"counter\",\"series\":1,\"limit\":10000,"
            + "\"policy\":\"OVERFLOW\",\"overflow\":0,\"backendFit\":\"SINGLE_PROMETHEUS\","
            + "\"labels\":[{\"name\":\"code\",\"distinctValues\":1,\"topValues\":[{\"value\":\"200\",\"series\":1}]}]}");
    assertThat(get("/cardinality", "Accept", "application/json").statusCode()).isEqualTo(200);
  }

  @Test
  void servesText004ByDefaultWithExactContentType() throws Exception {
    assertThat(server.getPort()).isPositive();
    HttpResponse<byte[]> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue(TEXT);
    assertThat(r.headers().firstValue("Content-Length")).hasValue(Integer.toString(r.body().length));
    assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
    // Python's text without the _created series, which HTTP endpoints leave out by default
    java.io.ByteArrayOutputStream want = new java.io.ByteArrayOutputStream();
    Exposition.write(want, registry.collect(),
        dev.hearth.exposition.ExpositionFormat.PROMETHEUS_TEXT_0_0_4, false);
    assertThat(text(r)).isEqualTo(want.toString(java.nio.charset.StandardCharsets.UTF_8))
        .doesNotContain("_created");
  }

  @Test
  void negotiatesOpenMetricsWithExemplarsAndHonoursQValues() throws Exception {
    String prometheusAccept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
        + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    HttpResponse<byte[]> om = get("/metrics", "Accept", prometheusAccept);
    assertThat(om.headers().firstValue("Content-Type")).hasValue(OM);
    assertThat(text(om)).contains("requests_total{code=\"200\"} 3.0 # {trace_id=\"abc123\"} 3.0")
        .endsWith("# EOF\n");
    assertThat(ExpositionParser.parse(text(om), ExpositionFormat.OPENMETRICS_1_0_0))
        .extracting(MetricSnapshot::name).contains("requests", "temperature_celsius", "latency_seconds");
    HttpResponse<byte[]> lowQ = get("/metrics", "Accept",
        "application/openmetrics-text;q=0.3, text/plain;q=0.7");
    assertThat(lowQ.headers().firstValue("Content-Type")).hasValue(TEXT);
    HttpResponse<byte[]> unknown = get("/metrics", "Accept", "image/png");
    assertThat(unknown.statusCode()).isEqualTo(200);
    assertThat(unknown.headers().firstValue("Content-Type")).hasValue(TEXT);
  }

  @Test
  void gzipWhenAcceptEncodingAllows() throws Exception {
    String plain = text(get("/metrics"));
    HttpResponse<byte[]> gz = get("/metrics", "Accept-Encoding", "gzip, deflate");
    assertThat(gz.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(gz.headers().firstValue("Vary")).hasValue("Accept, Accept-Encoding");
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(plain);
    }
    HttpResponse<byte[]> refused = get("/metrics", "Accept-Encoding", "gzip;q=0, identity");
    assertThat(refused.headers().firstValue("Content-Encoding")).isEmpty();
    assertThat(text(refused)).isEqualTo(plain);
  }

  @Test
  void nameFilterSelectsFamilies() throws Exception {
    String body = text(get("/metrics?name[]=temperature_celsius&name%5B%5D=requests_total"));
    List<MetricSnapshot<?>> families = ExpositionParser.parse(body, ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
    assertThat(families).extracting(MetricSnapshot::name)
        .containsExactlyInAnyOrder("requests", "temperature_celsius"); // created: in requests
    HttpResponse<byte[]> bad = get("/metrics?name[]=" + "a".repeat(201));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(text(bad)).isEqualTo("bad name[] parameter: a name longer than 200 characters\n");
    StringBuilder many = new StringBuilder("/metrics?");
    for (int i = 0; i < 101; i++) {
      many.append("name[]=n").append(i).append('&');
    }
    assertThat(get(many.toString()).statusCode()).isEqualTo(400);
    assertThat(get("/metrics?name[]=%ff%fe").statusCode()).isEqualTo(400);
    assertThat(get("/metrics").statusCode()).isEqualTo(200); // still serving
  }

  @Test
  void headHealthyNotFoundAndMethodNotAllowed() throws Exception {
    HttpResponse<byte[]> head = CLIENT.send(HttpRequest.newBuilder(uri("/metrics"))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Type")).hasValue(TEXT);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Length"))
        .hasValue(Integer.toString(get("/metrics").body().length));

    HttpResponse<byte[]> healthy = get("/-/healthy");
    assertThat(healthy.statusCode()).isEqualTo(200);
    assertThat(text(healthy)).isEqualTo("OK\n");

    for (String path : List.of("/", "/metricsx", "/metrics/", "/favicon.ico", "/-/ready")) {
      HttpResponse<byte[]> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(text(r)).isEqualTo("not found; metrics are at /metrics\n");
    }
    for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS", "PATCH")) {
      HttpResponse<byte[]> r = CLIENT.send(HttpRequest.newBuilder(uri("/metrics"))
          .method(method, HttpRequest.BodyPublishers.ofString("x")).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).as(method).isEqualTo(405);
      assertThat(r.headers().firstValue("Allow")).hasValue("GET, HEAD");
      assertThat(text(r)).doesNotContain("Exception").doesNotContain("\tat ");
    }
  }

  @Test
  void failingCollectorGives500WithoutStackTrace() throws Exception {
    CollectorRegistry strict = CollectorRegistry.builder().failOnCollectorError(true).build();
    strict.register(() -> {
      throw new IllegalStateException("secret detail");
    });
    try (HTTPServer s = HTTPServer.builder().host("127.0.0.1").port(0).registry(strict).buildAndStart()) {
      HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + s.getPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(500);
      assertThat(r.body()).isEqualTo("metrics collection failed; see the server log\n");
    }
  }

  @Test
  void scrapeTimeoutHeaderGives503AndConcurrentScrapesShareOneCollection() throws Exception {
    BlockingCollector slow = new BlockingCollector("slow_value");
    registry.register(slow);
    try {
      long t0 = System.nanoTime();
      HttpResponse<byte[]> r = get("/metrics", "X-Prometheus-Scrape-Timeout-Seconds", "0.5");
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(text(r)).isEqualTo("metrics collection did not finish within 0.5 s (scrape timeout)\n");
      assertThat(ms).isBetween(400L, 5000L);
      assertThat(get("/-/healthy").statusCode()).isEqualTo(200); // the server is not blocked

      // the collection above is still in flight: these four scrapes join it
      List<CompletableFuture<HttpResponse<byte[]>>> pending = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        pending.add(CLIENT.sendAsync(HttpRequest.newBuilder(uri("/metrics")).build(),
            HttpResponse.BodyHandlers.ofByteArray()));
      }
      Thread.sleep(500);
      slow.release.countDown();
      List<String> bodies = new ArrayList<>();
      for (CompletableFuture<HttpResponse<byte[]>> f : pending) {
        HttpResponse<byte[]> resp = f.get(10, TimeUnit.SECONDS);
        assertThat(resp.statusCode()).isEqualTo(200);
        bodies.add(text(resp));
      }
      assertThat(slow.calls.get()).isEqualTo(1);
      assertThat(bodies.stream().distinct().collect(Collectors.toList())).hasSize(1);
      assertThat(bodies.get(0)).contains("slow_value 1.0");
    } finally {
      slow.release.countDown();
    }
  }

  @Test
  void existingServerGetsContextsAndStaysTheCallersToStop() throws Exception {
    HttpServer own = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    own.createContext("/app", ex -> {
      ex.sendResponseHeaders(204, -1);
      ex.close();
    });
    own.start();
    try {
      HTTPServer metrics = HTTPServer.builder().httpServer(own).registry(registry).buildAndStart();
      assertThat(metrics.getPort()).isEqualTo(own.getAddress().getPort());
      HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + metrics.getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).contains("temperature_celsius 21.5");
      metrics.close();
      HttpResponse<String> after = CLIENT.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + metrics.getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(after.statusCode()).isEqualTo(404);
      HttpResponse<String> app = CLIENT.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + metrics.getPort() + "/app")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(app.statusCode()).isEqualTo(204);
    } finally {
      own.stop(0);
    }
  }

  @Test
  void builderRejectsBadConfigurationWithClearMessages() {
    assertThatThrownBy(() -> HTTPServer.builder().buildAndStart())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("port not set");
    assertThatThrownBy(() -> HTTPServer.builder().port(70000))
        .hasMessageContaining("port must be in [0, 65535], got 70000");
    assertThatThrownBy(() -> HTTPServer.builder().basicAuth("a", "b").bearerToken("t"))
        .hasMessageContaining("only one of basicAuth and bearerToken");
    assertThatThrownBy(() -> HTTPServer.builder().basicAuth("a:b", "c"))
        .hasMessageContaining("must not contain ':'");
    assertThatThrownBy(() -> HTTPServer.builder().port(0).scrapeTimeout(Duration.ofSeconds(90))
        .buildAndStart()).hasMessageContaining("must exceed scrapeTimeout");
    assertThatThrownBy(() -> HTTPServer.builder().port(server.getPort()).host("127.0.0.1")
        .buildAndStart()).hasMessageContaining("cannot listen on 127.0.0.1:" + server.getPort());
  }

  @Test
  void moduleDescriptor() throws Exception {
    Path classes = Path.of(HTTPServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ModuleDescriptor d;
    try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
      d = ModuleDescriptor.read(in);
    }
    assertThat(d.name()).isEqualTo("dev.hearth.httpserver");
    assertThat(d.exports()).extracting(ModuleDescriptor.Exports::source)
        .containsExactly("dev.hearth.httpserver");
    assertThat(d.requires()).extracting(ModuleDescriptor.Requires::name)
        .contains("jdk.httpserver", "dev.hearth.core", "dev.hearth.exporter.common");
  }
}
