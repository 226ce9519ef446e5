package dev.hearth.httpserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.Gauge;
import dev.hearth.Histogram;
import dev.hearth.Summary;
import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.exposition.ExpositionParser;
import dev.hearth.model.MetricSnapshot;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * 200 concurrent scrapers (keep-alive connections, mixed formats and encodings) for about 10 s
 * while writer threads record; every response must be complete and parse.
 */
class LoadTest {
  static final int SCRAPERS = 200;
  static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(10);

  @Test
  void concurrentScrapesWhileWritersRecord() throws Exception {
    CollectorRegistry registry = new CollectorRegistry();
    Counter requests = Counter.builder("load_requests").help("Requests").labelNames("route", "code")
        .register(registry);
    Histogram latency = Histogram.builder("load_latency_seconds").help("Latency").labelNames("route")
        .register(registry);
    Summary sizes = Summary.builder("load_size_bytes").help("Sizes").register(registry);
    Gauge inFlight = Gauge.builder("load_in_flight").help("In flight").register(registry);
    AtomicLong collections = new AtomicLong();
    registry.register(() -> {
      collections.incrementAndGet();
      return List.of();
    });

    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong recorded = new AtomicLong();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      int seed = w;
      Thread t = new Thread(() -> {
        Random r = new Random(seed);
        while (!stop.get()) {
          String route = "/r" + r.nextInt(10);
          requests.labels(route, r.nextInt(20) == 0 ? "500" : "200").inc();
          if (r.nextInt(50) == 0) {
            latency.labels(route).observe(r.nextDouble(), Map.of("trace_id", Long.toHexString(r.nextLong())));
          } else {
            latency.labels(route).observe(r.nextDouble());
          }
          sizes.observe(r.nextInt(5000));
          inFlight.set(r.nextInt(100));
          recorded.incrementAndGet();
          if ((recorded.get() & 1023) == 0) {
            Thread.yield();
          }
        }
      }, "writer-" + w);
      t.setDaemon(true);
      writers.add(t);
      t.start();
    }

    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicLong scrapes = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    AtomicLong reconnects = new AtomicLong();
    try (HTTPServer server = HTTPServer.builder().host("127.0.0.1").port(0).registry(registry)
        .buildAndStart()) {
      CountDownLatch done = new CountDownLatch(SCRAPERS);
      long deadline = System.nanoTime() + RUN_NANOS;
      long t0 = System.nanoTime();
      for (int i = 0; i < SCRAPERS; i++) {
        int kind = i % 4;
        Thread t = new Thread(() -> {
          RawHttp c = null;
          try {
            c = new RawHttp(server.getPort());
            while (System.nanoTime() < deadline && failures.isEmpty()) {
              boolean om = kind == 1 || kind == 3;
              boolean gzip = kind >= 2;
              List<String> headers = new ArrayList<>();
              if (om) {
                headers.add("Accept: application/openmetrics-text;version=1.0.0,text/plain;q=0.5");
              }
              if (gzip) {
                headers.add("Accept-Encoding: gzip");
              }
              RawHttp.Response r;
              try {
                r = c.request("GET", "/metrics", headers.toArray(new String[0]));
              } catch (java.io.EOFException idleClosed) {
                // the server may close idle keep-alive connections (JDK maxIdleConnections): reconnect
                if (!idleClosed.getMessage().equals("connection closed after \"\"")) {
                  throw idleClosed;
                }
                c.close();
                c = new RawHttp(server.getPort());
                reconnects.incrementAndGet();
                continue;
              }
              if (r.status() != 200) {
                failures.add("status " + r.status() + ": " + r.text());
                return;
              }
              byte[] body = r.body();
              bytes.addAndGet(body.length);
              if (gzip) {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                  body = in.readAllBytes();
                }
              }
              String text = new String(body, StandardCharsets.UTF_8);
              List<MetricSnapshot<?>> parsed = ExpositionParser.parse(text,
                  om ? ExpositionFormat.OPENMETRICS_1_0_0 : ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
              if (parsed.isEmpty()) {
                failures.add("empty exposition");
              }
              scrapes.incrementAndGet();
            }
          } catch (Exception | AssertionError e) {
            failures.add(e.toString());
          } finally {
            if (c != null) {
              try {
                c.close();
              } catch (java.io.IOException ignored) {
                // closing
              }
            }
            done.countDown();
          }
        }, "scraper-" + i);
        t.setDaemon(true);
        t.start();
      }
      assertThat(done.await(RUN_NANOS / 1_000_000_000L + 30, TimeUnit.SECONDS)).isTrue();
      double seconds = (System.nanoTime() - t0) / 1e9;
      stop.set(true);
      for (Thread w : writers) {
        w.join(5000);
      }
      System.out.printf("LoadTest: %d scrapers, %d scrapes in %.1f s (%.0f scrapes/s, %.1f MB), "
          + "%d recordings meanwhile, %d reconnects, %d collections%n", SCRAPERS, scrapes.get(), seconds, scrapes.get() / seconds,
          bytes.get() / 1e6, recorded.get(), reconnects.get(), collections.get());
      assertThat(failures).isEmpty();
      assertThat(scrapes.get()).isGreaterThanOrEqualTo(SCRAPERS);
      assertThat(collections.get()).as("concurrent scrapes share collections").isLessThan(scrapes.get());
      assertThat(recorded.get()).isPositive();
    } finally {
      stop.set(true);
    }
  }
}
