package dev.hearth.httpserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.Gauge;
import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.exposition.ExpositionParser;
import dev.hearth.model.MetricSnapshot;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
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

/**
 * Slow clients against the request timeout, the pool growing past stalled clients, and what
 * close() releases; raw sockets to 127.0.0.1 throughout. The bad-request list and the attack
 * figures are in hearth-adversarial.
 */
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

  /**
   * Issue 11's reproduction: clients sending one header byte per second held all 4 threads of
   * the old fixed pool, and scrapes timed out for a minute. With default settings the pool grows
   * past them: the scrape and the health check are answered while every slow client is still
   * connected (no deadline had to free a thread first).
   */
  @Test
  void slowHeaderClientsDoNotHoldUpScrapesWithDefaultSettings() throws Exception {
    server.close();
    List<RawHttp> slow = new ArrayList<>();
    try (HTTPServer s = HTTPServer.builder().host("127.0.0.1").port(0).registry(registry)
        .buildAndStart()) {
      for (int i = 0; i < 12; i++) {
        RawHttp c = new RawHttp(s.getPort());
        c.send("GET /metrics HTTP/1.1\r\nX: ".getBytes(StandardCharsets.ISO_8859_1));
        slow.add(c);
      }
      for (int round = 0; round < 2; round++) {
        for (RawHttp c : slow) {
          c.send(new byte[] {'a'});
        }
        try (RawHttp c = new RawHttp(s.getPort())) {
          assertThat(c.request("GET", "/metrics").text()).contains("events_total 7.0");
          assertThat(c.request("GET", "/-/healthy").status()).isEqualTo(200);
        }
      }
      for (RawHttp c : slow) {
        c.socket.setSoTimeout(50); // still connected: a read times out instead of seeing EOF
        assertThatThrownBy(() -> c.socket.getInputStream().read())
            .isInstanceOf(SocketTimeoutException.class);
      }
    } finally {
      for (RawHttp c : slow) {
        c.close();
      }
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
    return ProcessBaseline.serverThreads();
  }

  static int openFds() {
    return ProcessBaseline.openFds();
  }

  static void waitFor(ProcessBaseline.Condition c, String what) throws Exception {
    if (!ProcessBaseline.waitUntil(c, 10)) {
      throw new AssertionError("timed out after 10 s waiting for " + what
          + "; server threads: " + serverThreads() + ", fds: " + openFds());
    }
  }
}
