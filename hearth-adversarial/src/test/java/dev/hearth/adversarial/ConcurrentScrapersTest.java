package dev.hearth.adversarial;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.Gauge;
import dev.hearth.Histogram;
import dev.hearth.Summary;
import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.exposition.ExpositionParser;
import dev.hearth.httpserver.HTTPServer;
import dev.hearth.httpserver.ProcessBaseline;
import dev.hearth.httpserver.RawHttp;
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
 * Issue 11's load figures: 500 concurrent scrapers (keep-alive connections, mixed formats and
 * encodings) for 20 s against an {@link HTTPServer} with default settings while writer threads
 * record. Every response must be a complete 200 that parses (0 errors); the test prints the
 * scrape count and the latency percentiles, and checks that the test JVM's threads and
 * descriptors return to their baseline after {@code close()}.
 *
 * <p>A keep-alive connection the server closed between two requests (the JDK keeps at most 200
 * idle connections per server and closes the others after their response) is reopened and the
 * scrape retried once, as HTTP clients do for idempotent requests; those are counted as
 * reconnects, not errors. A failure on a fresh connection is an error.
 */
class ConcurrentScrapersTest {
  static final int SCRAPERS = 500;
  static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(20);

  @Test
  void fiveHundredConcurrentScrapersWhileWritersRecord() throws Exception {
    ProcessBaseline baseline = ProcessBaseline.take();
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
    AtomicLong parsedBodies = new AtomicLong();
    Latencies latencies = new Latencies();
    int peakThreads = 0;
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
              long start = System.nanoTime();
              RawHttp.Response r;
              try {
                r = c.request("GET", "/metrics", headers.toArray(new String[0]));
              } catch (java.io.IOException staleKeepAlive) {
                // the server closed this keep-alive connection after its last response: reopen
                // and retry once; a failure on the fresh connection is an error
                c.close();
                c = new RawHttp(server.getPort());
                reconnects.incrementAndGet();
                start = System.nanoTime();
                r = c.request("GET", "/metrics", headers.toArray(new String[0]));
              }
              latencies.add(System.nanoTime() - start);
              if (r.status() != 200) {
                latencies.failures.incrementAndGet();
                failures.add("status " + r.status() + ": " + r.text());
                return;
              }
              byte[] body = r.body();
              bytes.addAndGet(body.length);
              // RawHttp already checked the length; parsing every 10th body keeps the test's own
              // CPU use (500 client threads on the same cores) from dominating the latencies
              if (scrapes.get() % 10 == 0) {
                if (gzip) {
                  try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                    body = in.readAllBytes();
                  }
                }
                List<MetricSnapshot<?>> parsed = ExpositionParser.parse(
                    new String(body, StandardCharsets.UTF_8),
                    om ? ExpositionFormat.OPENMETRICS_1_0_0 : ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
                if (parsed.isEmpty()) {
                  failures.add("empty exposition");
                }
                parsedBodies.incrementAndGet();
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
      while (!done.await(1, TimeUnit.SECONDS)) {
        peakThreads = Math.max(peakThreads, ProcessBaseline.serverThreads().size());
        assertThat(System.nanoTime() - t0).as("scrapers end in time")
            .isLessThan(RUN_NANOS + TimeUnit.SECONDS.toNanos(60));
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      stop.set(true);
      for (Thread w : writers) {
        w.join(5000);
      }
      System.out.printf("ConcurrentScrapersTest: %d scrapers, %d scrapes in %.1f s (%.0f scrapes/s, "
          + "%.1f MB), latency %s, %d errors, %d bodies parsed, %d reconnects, %d collections, "
          + "%d recordings meanwhile, peak server threads %d%n", SCRAPERS, scrapes.get(), seconds,
          scrapes.get() / seconds, bytes.get() / 1e6, latencies.summary(), failures.size(),
          parsedBodies.get(), reconnects.get(), collections.get(), recorded.get(), peakThreads);
      assertThat(failures).isEmpty();
      assertThat(scrapes.get()).isGreaterThanOrEqualTo(SCRAPERS);
      assertThat(parsedBodies.get()).isGreaterThanOrEqualTo(SCRAPERS / 10);
      assertThat(collections.get()).as("concurrent scrapes share collections").isLessThan(scrapes.get());
      assertThat(recorded.get()).isPositive();
    } finally {
      stop.set(true);
    }
    baseline.assertRestored(60);
  }
}
