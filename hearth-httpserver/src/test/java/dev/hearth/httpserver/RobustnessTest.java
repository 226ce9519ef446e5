package dev.hearth.httpserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.Gauge;
import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.exposition.ExpositionParser;
import dev.hearth.model.MetricSnapshot;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bad requests, slow clients, and what close() releases; raw sockets to 127.0.0.1 throughout. */
class RobustnessTest {
  private CollectorRegistry registry;
  private HTTPServer server;

  @BeforeEach
  void setUp() throws IOException {
    registry = new CollectorRegistry();
    Counter.builder("events").help("Events").register(registry).inc(7);
    server = HTTPServer.builder().host("127.0.0.1").port(0).registry(registry).threads(2)
        .scrapeTimeout(Duration.ofSeconds(1)).requestTimeout(Duration.ofSeconds(2)).buildAndStart();
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private void assertStillServing() throws IOException {
    try (RawHttp c = new RawHttp(server.getPort())) {
      RawHttp.Response r = c.request("GET", "/metrics");
      assertThat(r.status()).isEqualTo(200);
      assertThat(ExpositionParser.parse(r.text(), ExpositionFormat.PROMETHEUS_TEXT_0_0_4))
          .extracting(MetricSnapshot::name).contains("events");
    }
  }

  /** Sends raw bytes on a fresh connection; the status of the answer, or -1 when the server just closed. */
  private int rawStatus(byte[] request) throws IOException {
    try (RawHttp c = new RawHttp(server.getPort())) {
      try {
        c.send(request);
        return c.read(false).status();
      } catch (IOException e) {
        return -1; // the server dropped the connection without answering
      }
    }
  }

  @Test
  void garbageRequestLinesGet4xxOrAreDroppedAndTheServerKeepsServing() throws Exception {
    List<String> garbage = List.of(
        "\r\n\r\n",
        "GARBAGE\r\n\r\n",
        "GET\r\n\r\n",
        "GET /metrics\r\n\r\n",
        "\u0000\u0001\u0002\u00ff binary\r\n\r\n",
        "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /metrics?name[]=%zz HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET http://[::1 HTTP/1.1\r\nHost: x\r\n\r\n");
    for (String g : garbage) {
      int status = rawStatus(g.getBytes(StandardCharsets.ISO_8859_1));
      assertThat(status == -1 || (status >= 400 && status <= 499))
          .as("answer to %s was %d", g, status).isTrue();
      assertStillServing();
    }
    // odd but parseable: whatever the answer, never a 5xx, and the server keeps serving
    List<String> odd = List.of(
        "GET /metrics HTTP/9.9\r\n\r\n",
        "GET  HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /metrics HTTP/1.1\r\nno colon header\r\n\r\n",
        "BREW /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n");
    for (String g : odd) {
      int status = rawStatus(g.getBytes(StandardCharsets.ISO_8859_1));
      assertThat(status).as(g).isLessThan(500);
      assertStillServing();
    }
  }

  @Test
  void hugeHeadersAndLongQueriesAreRefusedAndTheServerKeepsServing() throws Exception {
    String big = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(1 << 20) + "\r\n\r\n";
    int s1 = rawStatus(big.getBytes(StandardCharsets.ISO_8859_1));
    assertThat(s1).isIn(200, 400, 413, 431, -1);
    assertStillServing();
    StringBuilder many = new StringBuilder("GET /metrics HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 5000; i++) {
      many.append("X-H").append(i).append(": v\r\n");
    }
    many.append("\r\n");
    int s2 = rawStatus(many.toString().getBytes(StandardCharsets.ISO_8859_1));
    assertThat(s2).isIn(200, 400, 413, 431, -1);
    assertStillServing();
    String longQuery = "GET /metrics?name[]=" + "b".repeat(70_000) + " HTTP/1.1\r\nHost: x\r\n\r\n";
    assertThat(rawStatus(longQuery.getBytes(StandardCharsets.ISO_8859_1))).isIn(400, 414, -1);
    String hugeAccept = "GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: " + "text/plain;q=0.5,".repeat(3000)
        + "\r\n\r\n";
    assertThat(rawStatus(hugeAccept.getBytes(StandardCharsets.ISO_8859_1))).isIn(200, 400, 431, -1);
    assertStillServing();
  }

  @Test
  void stalledClientsAreDisconnectedAndCannotBlockScrapes() throws Exception {
    // more stalled clients than handler threads: each sends half a request and then nothing
    List<RawHttp> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        RawHttp c = new RawHttp(server.getPort());
        c.send("GET /metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
        stalled.add(c);
      }
      long t0 = System.nanoTime();
      try (RawHttp c = new RawHttp(server.getPort())) {
        RawHttp.Response r = c.request("GET", "/metrics");
        assertThat(r.status()).isEqualTo(200);
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(ms).as("a scrape behind stalled clients completes within the request timeout")
          .isLessThan(8000);
      for (RawHttp c : stalled) {
        assertThat(c.closedByPeer()).isTrue();
      }
    } finally {
      for (RawHttp c : stalled) {
        c.close();
      }
    }
    // the pool is healthy again: a burst of scrapes all succeed promptly
    for (int i = 0; i < 20; i++) {
      assertStillServing();
    }
  }

  @Test
  void aClientThatNeverReadsALargeResponseIsDisconnected() throws Exception {
    server.close();
    CollectorRegistry big = new CollectorRegistry();
    Gauge g = Gauge.builder("big_series").help("Many series").labelNames("id").unlimitedSeries()
        .register(big);
    String pad = "x".repeat(300);
    for (int i = 0; i < 80_000; i++) {
      g.labels(pad + i).set(i);
    }
    try (HTTPServer s = HTTPServer.builder().host("127.0.0.1").port(0).registry(big).threads(1)
        .scrapeTimeout(Duration.ofSeconds(3)).requestTimeout(Duration.ofSeconds(4)).buildAndStart();
        Socket stalled = new Socket()) {
      stalled.setReceiveBufferSize(4096);
      stalled.connect(new InetSocketAddress("127.0.0.1", s.getPort()), 5000);
      // asks for ~26 MB and never reads: the only handler thread blocks writing
      stalled.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
          .getBytes(StandardCharsets.ISO_8859_1));
      Thread.sleep(500);
      long t0 = System.nanoTime();
      try (RawHttp c = new RawHttp(s.getPort())) {
        assertThat(c.request("GET", "/-/healthy").status()).isEqualTo(200);
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(ms).as("served once the stalled writer hit the request timeout").isLessThan(10_000);
    }
  }

  @Test
  void closeReleasesThePortThreadsAndFileDescriptors() throws Exception {
    server.close();
    waitFor(() -> serverThreads().isEmpty(), "server threads of the setUp server to end");
    Set<Thread> threadsBefore = new HashSet<>(Thread.getAllStackTraces().keySet());
    int fdsBefore = openFds();

    HTTPServer s = HTTPServer.builder().host("127.0.0.1").port(0).registry(registry).threads(3)
        .buildAndStart();
    int port = s.getPort();
    for (int i = 0; i < 30; i++) {
      try (RawHttp c = new RawHttp(port)) {
        assertThat(c.request("GET", "/metrics", "Accept-Encoding: gzip").status()).isEqualTo(200);
        assertThat(c.request("GET", "/metrics?name[]=events_total").status()).isEqualTo(200);
      }
    }
    RawHttp open = new RawHttp(port); // a keep-alive connection still open at close()
    assertThat(open.request("GET", "/-/healthy").status()).isEqualTo(200);
    assertThat(serverThreads()).isNotEmpty();
    s.close();
    assertThat(open.closedByPeer()).isTrue();
    open.close();

    waitFor(() -> serverThreads().isEmpty(), "server threads to end after close()");
    waitFor(() -> {
      Set<Thread> now = new HashSet<>(Thread.getAllStackTraces().keySet());
      now.removeAll(threadsBefore);
      now.removeIf(t -> !t.isAlive());
      return now.isEmpty();
    }, "no threads beyond those before the server");
    waitFor(() -> openFds() <= fdsBefore, "open file descriptors back to " + fdsBefore);

    // the port can be bound again, by a new server on exactly that port
    try (HTTPServer again = HTTPServer.builder().host("127.0.0.1").port(port).registry(registry)
        .buildAndStart(); RawHttp c = new RawHttp(port)) {
      assertThat(again.getPort()).isEqualTo(port);
      assertThat(c.request("GET", "/metrics").text()).contains("events_total 7.0");
    }
  }

  static List<Thread> serverThreads() {
    List<Thread> out = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String n = t.getName();
      if (t.isAlive() && (n.startsWith("hearth-http") || n.startsWith("hearth-collect")
          || n.equals("HTTP-Dispatcher"))) {
        out.add(t);
      }
    }
    return out;
  }

  static int openFds() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length;
  }

  interface Condition {
    boolean holds() throws Exception;
  }

  static void waitFor(Condition c, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!c.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after 10 s waiting for " + what
            + "; server threads: " + serverThreads() + ", fds: " + openFds());
      }
      Thread.sleep(20);
    }
  }
}
