package dev.hearth.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.Collector;
import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.Gauge;
import dev.hearth.exposition.Exposition;
import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.exposition.ExpositionParser;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.testing.BlockingCollector;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The servlet in a real embedded Jetty 12 (ee10) on 127.0.0.1:0. */
class MetricsServletTest {
  static final String TEXT = "text/plain; version=0.0.4; charset=utf-8";
  static final String OM = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private CollectorRegistry registry;
  private Server jetty;
  private int port;

  @BeforeEach
  void start() throws Exception {
    registry = new CollectorRegistry();
    Counter.builder("servlet_requests").help("Requests").labelNames("code").register(registry)
        .labels("200").inc(5, Map.of("trace_id", "feedbeef"));
    Gauge.builder("servlet_queue_items").help("Queue").register(registry).set(3);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(new MetricsServlet(registry)), "/metrics");
    jetty = startJetty(context);
    port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
  }

  /** A started Jetty serving {@code context} on 127.0.0.1, an ephemeral port. */
  static Server startJetty(ServletContextHandler context) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(context);
    server.start();
    return server;
  }

  @AfterEach
  void stop() throws Exception {
    jetty.stop();
  }

  record Response(int status, String contentType, String contentEncoding, String allow, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  Response request(String method, String pathAndQuery, String... headers) throws IOException {
    // java.net.URL, unlike URI, lets malformed query strings through to the server
    HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + pathAndQuery)
        .openConnection();
    try {
      c.setRequestMethod(method);
      c.setConnectTimeout(5000);
      c.setReadTimeout(15000);
      for (int i = 0; i < headers.length; i += 2) {
        c.setRequestProperty(headers[i], headers[i + 1]);
      }
      if (method.equals("POST") || method.equals("PUT")) {
        c.setDoOutput(true);
        try (OutputStream out = c.getOutputStream()) {
          out.write('x');
        }
      }
      int status = c.getResponseCode();
      InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
      byte[] body = in == null ? new byte[0] : in.readAllBytes();
      return new Response(status, c.getContentType(), c.getContentEncoding(),
          c.getHeaderField("Allow"), body);
    } finally {
      c.disconnect();
    }
  }

  @Test
  void text004ByDefaultOpenMetricsWhenAccepted() throws Exception {
    Response text = request("GET", "/metrics");
    assertThat(text.status()).isEqualTo(200);
    assertThat(text.contentType()).isEqualTo(TEXT);
    // Python's text without the _created series, which HTTP endpoints leave out by default
    java.io.ByteArrayOutputStream want = new java.io.ByteArrayOutputStream();
    Exposition.write(want, registry.collect(),
        dev.hearth.exposition.ExpositionFormat.PROMETHEUS_TEXT_0_0_4, false);
    assertThat(text.text()).isEqualTo(want.toString(java.nio.charset.StandardCharsets.UTF_8))
        .doesNotContain("_created");
    Response om = request("GET", "/metrics", "Accept",
        "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");
    assertThat(om.contentType()).isEqualTo(OM);
    assertThat(om.text()).contains("# {trace_id=\"feedbeef\"} 5.0").endsWith("# EOF\n");
    assertThat(ExpositionParser.parse(om.text(), ExpositionFormat.OPENMETRICS_1_0_0))
        .extracting(MetricSnapshot::name).contains("servlet_requests", "servlet_queue_items");
    Response lowQ = request("GET", "/metrics", "Accept", "application/openmetrics-text;q=0.1,text/plain");
    assertThat(lowQ.contentType()).isEqualTo(TEXT);
  }

  @Test
  void gzipAndNameFilter() throws Exception {
    Response gz = request("GET", "/metrics?name[]=servlet_queue_items", "Accept-Encoding", "gzip");
    assertThat(gz.contentEncoding()).isEqualTo("gzip");
    String body;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz.body()))) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(ExpositionParser.parse(body, ExpositionFormat.PROMETHEUS_TEXT_0_0_4))
        .extracting(MetricSnapshot::name).containsExactly("servlet_queue_items");
    Response noGzip = request("GET", "/metrics", "Accept-Encoding", "gzip;q=0");
    assertThat(noGzip.contentEncoding()).isNull();
    Response bad = request("GET", "/metrics?name[]=" + "a".repeat(201));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.text()).isEqualTo("bad name[] parameter: a name longer than 200 characters\n");
    assertThat(request("GET", "/metrics?name%5B%5D=%zz").status()).isEqualTo(400);
  }

  @Test
  void headAndOtherMethods() throws Exception {
    Response head = request("HEAD", "/metrics");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.contentType()).isEqualTo(TEXT);
    assertThat(head.body()).isEmpty();
    for (String m : List.of("POST", "PUT", "DELETE", "OPTIONS")) {
      Response r = request(m, "/metrics");
      assertThat(r.status()).as(m).isEqualTo(405);
      assertThat(r.allow()).isEqualTo("GET, HEAD");
      assertThat(r.text()).isEqualTo("method not allowed; use GET or HEAD\n");
    }
  }

  @Test
  void scrapeTimeoutAndSingleFlight() throws Exception {
    BlockingCollector slow = new BlockingCollector("servlet_slow");
    registry.register(slow);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      Response timedOut = request("GET", "/metrics", "X-Prometheus-Scrape-Timeout-Seconds", "0.3");
      assertThat(timedOut.status()).isEqualTo(503);
      assertThat(timedOut.text()).contains("did not finish within 0.3 s");
      List<Future<Response>> joined = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        joined.add(pool.submit(() -> request("GET", "/metrics")));
      }
      Thread.sleep(500);
      slow.release.countDown();
      for (Future<Response> f : joined) {
        Response r = f.get(10, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).contains("servlet_slow 1.0");
      }
      assertThat(slow.calls.get()).isEqualTo(1);
    } finally {
      slow.release.countDown();
      pool.shutdownNow();
    }
  }
}
