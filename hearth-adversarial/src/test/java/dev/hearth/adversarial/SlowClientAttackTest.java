package dev.hearth.adversarial;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.Gauge;
import dev.hearth.exposition.Exposition;
import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.httpserver.HTTPServer;
import dev.hearth.httpserver.ProcessBaseline;
import dev.hearth.httpserver.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, "the HTTP server stays up": an {@link HTTPServer} with its default settings, under
 * 300 slowloris connections (one header byte per second each, reconnecting when cut) and 6 slow
 * readers of its 12.5 MB body held open, for 60 s, while a normal scraper scrapes every 100 ms
 * and a health check probes {@code /-/healthy} every 250 ms. The scraper asks for the
 * application's own family ({@code name[]=app_requests_total}): rendering the whole 12.5 MB body
 * alone takes about half a second on this machine, attack or not (the test prints the unattacked
 * time), so scraping it every 100 ms would measure rendering, not the server's availability.
 *
 * <p>Asserts at least 99% of the scrapes succeed with a p99 under 1 s, every health check
 * answers 200 within 5 s (they take milliseconds; the margin covers GC pauses and a loaded
 * machine, where single answers took up to 2 s), and the test JVM's threads and descriptors come
 * back to their baseline afterwards. Before the fix (4 handler threads, no header deadline) a
 * 20 s run answered none of its scrapes and health checks (each waited out its timeout). The duration can be shortened with
 * {@code -Dhearth.attackSeconds=N} while iterating; CI runs the full 60 s.
 */
class SlowClientAttackTest {
  static final int SLOWLORIS = 300;
  static final int SLOW_READERS = 6;
  static final long ATTACK_SECONDS = Long.getLong("hearth.attackSeconds", 60);
  static final long BODY_BYTES = 12_500_000;

  @Test
  void scrapesAndHealthChecksSurviveSlowlorisAndSlowReaders() throws Exception {
    ProcessBaseline baseline = ProcessBaseline.take();
    CollectorRegistry registry = bigRegistry();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> clients = new ArrayList<>();
    Latencies scrapes = new Latencies();
    Latencies health = new Latencies();
    AtomicLong slowlorisCut = new AtomicLong();
    AtomicLong slowReadersCut = new AtomicLong();
    AtomicLong slowReaderBytes = new AtomicLong();
    AtomicInteger peakServerThreads = new AtomicInteger();
    AtomicInteger peakFds = new AtomicInteger();
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    long scrapeBytes;
    double fullScrapeMillis;

    try (HTTPServer server = HTTPServer.builder().host("127.0.0.1").port(0).registry(registry)
        .buildAndStart()) {
      int port = server.getPort();
      Latencies fullScrape = new Latencies();
      try (RawHttp c = new RawHttp(port)) {
        scrapeBytes = 0;
        for (int i = 0; i < 3; i++) {
          long t0 = System.nanoTime();
          scrapeBytes = c.request("GET", "/metrics").body().length;
          fullScrape.add(System.nanoTime() - t0);
        }
      }
      fullScrapeMillis = fullScrape.percentileMillis(50);
      clients.add(start("slowloris", () -> slowloris(port, stop, slowlorisCut)));
      for (int i = 0; i < SLOW_READERS; i++) {
        clients.add(start("slow-reader-" + i, () -> slowReader(port, stop, slowReadersCut,
            slowReaderBytes)));
      }
      Thread.sleep(2000); // the attack is in place before measuring
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(ATTACK_SECONDS);
      clients.add(start("scraper", () -> scraper(port, end, scrapes, failures)));
      clients.add(start("health", () -> health(port, end, health, failures, peakServerThreads,
          peakFds)));
      for (Thread t : clients.subList(clients.size() - 2, clients.size())) {
        t.join(TimeUnit.SECONDS.toMillis(ATTACK_SECONDS + 30));
      }
      stop.set(true);
      for (Thread t : clients) {
        t.join(10_000);
      }
    } finally {
      stop.set(true);
    }
    System.out.printf("SlowClientAttackTest: %d slowloris + %d slow readers for %d s against "
            + "default settings (full %d-byte body: %.0f ms unattacked); scraper (every 100 ms): "
            + "%s; /-/healthy: %s; "
            + "slowloris connections cut by the server: %d; slow readers read %d bytes in all, "
            + "reconnected %d times; peak server threads %d, peak fds %d (baseline %d)%n",
        SLOWLORIS, SLOW_READERS, ATTACK_SECONDS, scrapeBytes, fullScrapeMillis, scrapes.summary(), health.summary(),
        slowlorisCut.get(), slowReaderBytes.get(), slowReadersCut.get(), peakServerThreads.get(),
        peakFds.get(), baseline.fds());
    failures.stream().limit(10).forEach(f -> System.out.println("  failure: " + f));

    assertThat(scrapeBytes).as("body size").isGreaterThan(BODY_BYTES * 9 / 10);
    assertThat(scrapes.count()).as("scrapes made").isGreaterThan((int) ATTACK_SECONDS * 2);
    assertThat(scrapes.successRatio()).as("scrape success ratio").isGreaterThanOrEqualTo(0.99);
    assertThat(scrapes.percentileMillis(99)).as("scrape p99 (ms)").isLessThan(1000);
    assertThat(health.failures.get()).as("failed health checks").isZero();
    assertThat(peakServerThreads.get()).as("the attack was on: server threads held")
        .isGreaterThan(SLOWLORIS / 2);
    baseline.assertRestored(60);
  }

  /** One gauge family of about 12.5 MB in text format, and a small counter. */
  static CollectorRegistry bigRegistry() throws IOException {
    CollectorRegistry registry = new CollectorRegistry();
    Counter.builder("app_requests").help("Requests").register(registry).inc(42);
    Gauge g = Gauge.builder("big_series").help("Many series").labelNames("id").unlimitedSeries()
        .register(registry);
    String pad = "x".repeat(300);
    for (int i = 0; i < 37_500; i++) {
      g.labels(pad + i).set(i);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Exposition.write(out, registry.collect(), ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
    assertThat(out.size()).isBetween((int) (BODY_BYTES * 0.95), (int) (BODY_BYTES * 1.05));
    return registry;
  }

  private static Thread start(String name, Task task) {
    Thread t = new Thread(() -> {
      try {
        task.run();
      } catch (Exception e) {
        throw new IllegalStateException(name + " failed", e);
      }
    }, "attack-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  interface Task {
    void run() throws Exception;
  }

  /** Holds {@link #SLOWLORIS} connections, each sending one more header byte per second. */
  private static void slowloris(int port, AtomicBoolean stop, AtomicLong cut) throws Exception {
    Socket[] sockets = new Socket[SLOWLORIS];
    byte[] head = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
        .getBytes(StandardCharsets.ISO_8859_1);
    try {
      while (!stop.get()) {
        long t0 = System.nanoTime();
        for (int i = 0; i < SLOWLORIS && !stop.get(); i++) {
          try {
            if (sockets[i] == null) {
              sockets[i] = connect(port);
              sockets[i].getOutputStream().write(head);
            } else {
              sockets[i].getOutputStream().write('a');
            }
          } catch (IOException e) {
            if (sockets[i] != null) {
              cut.incrementAndGet();
              sockets[i].close();
            }
            sockets[i] = null; // reconnect next round
          }
        }
        long left = TimeUnit.SECONDS.toNanos(1) - (System.nanoTime() - t0);
        if (left > 0) {
          TimeUnit.NANOSECONDS.sleep(left);
        }
      }
    } finally {
      for (Socket s : sockets) {
        if (s != null) {
          s.close();
        }
      }
    }
  }

  /**
   * Asks for the big body and reads it at about 16 KB/s, reconnecting when cut off. The server
   * frees its thread at the request timeout (60 s), but the kernel still delivers what its send
   * buffer holds, so the client rarely sees the cut within the test.
   */
  private static void slowReader(int port, AtomicBoolean stop, AtomicLong cut, AtomicLong read)
      throws Exception {
    byte[] buf = new byte[4096];
    while (!stop.get()) {
      try (Socket s = new Socket()) {
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(1000);
        s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = s.getInputStream();
        while (!stop.get()) {
          int n;
          try {
            n = in.read(buf);
          } catch (java.net.SocketTimeoutException e) {
            continue;
          }
          if (n < 0) {
            cut.incrementAndGet();
            break;
          }
          read.addAndGet(n);
          Thread.sleep(250);
        }
      } catch (IOException e) {
        cut.incrementAndGet();
      }
    }
  }

  /** A normal keep-alive scraper: one scrape every 100 ms (or right after a slower one). */
  private static void scraper(int port, long end, Latencies lat, List<String> failures)
      throws Exception {
    RawHttp c = null;
    try {
      while (System.nanoTime() < end) {
        long t0 = System.nanoTime();
        try {
          if (c == null) {
            c = client(port, 5000);
          }
          RawHttp.Response r = c.request("GET", "/metrics?name[]=app_requests_total");
          if (r.status() == 200 && r.text().contains("app_requests_total 42.0")) {
            lat.add(System.nanoTime() - t0);
          } else {
            lat.failures.incrementAndGet();
            failures.add("scrape: status " + r.status() + ", " + r.body().length + " bytes");
          }
          if ("close".equalsIgnoreCase(r.header("Connection"))) {
            c.close();
            c = null;
          }
        } catch (IOException e) {
          lat.failures.incrementAndGet();
          failures.add("scrape: " + e);
          if (c != null) {
            c.close();
            c = null;
          }
        }
        long left = TimeUnit.MILLISECONDS.toNanos(100) - (System.nanoTime() - t0);
        if (left > 0) {
          TimeUnit.NANOSECONDS.sleep(left);
        }
      }
    } finally {
      if (c != null) {
        c.close();
      }
    }
  }

  /** A fresh connection to /-/healthy every 250 ms, with a 5 s timeout; samples the peaks. */
  private static void health(int port, long end, Latencies lat, List<String> failures,
      AtomicInteger peakThreads, AtomicInteger peakFds) throws Exception {
    while (System.nanoTime() < end) {
      long t0 = System.nanoTime();
      try (RawHttp c = client(port, 5000)) {
        RawHttp.Response r = c.request("GET", "/-/healthy");
        if (r.status() == 200) {
          lat.add(System.nanoTime() - t0);
        } else {
          lat.failures.incrementAndGet();
          failures.add("healthy: status " + r.status());
        }
      } catch (IOException e) {
        lat.failures.incrementAndGet();
        failures.add("healthy: " + e);
      }
      peakThreads.accumulateAndGet(ProcessBaseline.serverThreads().size(), Math::max);
      peakFds.accumulateAndGet(ProcessBaseline.openFds(), Math::max);
      Thread.sleep(250);
    }
  }

  private static RawHttp client(int port, int timeoutMillis) throws IOException {
    RawHttp c = new RawHttp(port);
    c.socket.setSoTimeout(timeoutMillis);
    return c;
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    return s;
  }
}
