package dev.hearth.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.Summary;
import dev.hearth.exporter.common.ScrapeHandler;
import dev.hearth.exposition.Exposition;
import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.testing.RandomCases;
import dev.hearth.testing.SwappableCollector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Gzip through the servlet in a real Jetty: bodies gunzip to exactly the exposition. */
class MetricsServletGzipTest {
  static final String OPENMETRICS = SwappableCollector.PROMETHEUS_ACCEPT;

  private final SwappableCollector current = new SwappableCollector();
  private final CollectorRegistry served = new CollectorRegistry();
  private Server jetty;
  private int port;

  @BeforeEach
  void start() throws Exception {
    served.register(current);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(new MetricsServlet(
        ScrapeHandler.builder().registry(served).createdSeries(true))), "/metrics");
    context.addServlet(new ServletHolder(new MetricsServlet(
        served)), "/lean"); // the default: no _created series
    jetty = MetricsServletTest.startJetty(context);
    port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
  }

  @AfterEach
  void stop() throws Exception {
    jetty.stop();
  }

  /** Summaries of {@code series} series with random Unicode labels, and one counter. */
  private static CollectorRegistry registry(Random r, int series) {
    CollectorRegistry reg = new CollectorRegistry();
    Summary s = Summary.builder("rpc_size_bytes").help("Sizes \"quoted\".").labelNames("method")
        .unlimitedSeries().register(reg);
    for (int j = 0; j < series; j++) {
      s.labels(RandomCases.unicodeString(r, 8) + j).observe(r.nextInt(5000));
    }
    Counter.builder("rpc_calls").help("Calls.").register(reg).inc(7);
    return reg;
  }

  private String expected(ExpositionFormat format, Predicate<String> filter, boolean created) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      Exposition.write(out, served.collect(filter), format, created);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private String scrape(String path, String accept, boolean gzip) {
    try {
      HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path)
          .openConnection();
      try {
        c.setConnectTimeout(5000);
        c.setReadTimeout(30000);
        if (accept != null) {
          c.setRequestProperty("Accept", accept);
        }
        if (gzip) {
          c.setRequestProperty("Accept-Encoding", "gzip");
        }
        assertThat(c.getResponseCode()).isEqualTo(200);
        assertThat(c.getContentEncoding()).isEqualTo(gzip ? "gzip" : null);
        byte[] body;
        try (InputStream in = gzip ? new GZIPInputStream(c.getInputStream()) : c.getInputStream()) {
          body = in.readAllBytes();
        }
        return new String(body, StandardCharsets.UTF_8);
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void gzipBodiesOfManySizesBothFormatsAndFilters() {
    RandomCases.check(12, r -> {
      current.set(registry(r, RandomCases.pick(r, 0, 1, 200, 1500, 5000)));
      boolean om = r.nextBoolean();
      ExpositionFormat format = om ? ExpositionFormat.OPENMETRICS_1_0_0
          : ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
      boolean created = r.nextBoolean();
      boolean filtered = r.nextBoolean();
      String path = (created ? "/metrics" : "/lean") + (filtered ? "?name[]=rpc_size_bytes" : "");
      String want = expected(format, filtered ? "rpc_size_bytes"::equals : name -> true, created);
      assertThat(scrape(path, om ? OPENMETRICS : null, true)).isEqualTo(want);
      assertThat(scrape(path, om ? OPENMETRICS : null, false)).isEqualTo(want);
    });
  }

  @Test
  void concurrentGzipScrapesAreAllComplete() throws Exception {
    current.set(registry(new Random(4), 4000)); // a body of several compression chunks
    String want = expected(ExpositionFormat.OPENMETRICS_1_0_0, name -> true, true);
    assertThat(want.length()).isGreaterThan(512 * 1024);
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<String>> bodies = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        bodies.add(pool.submit(() -> scrape("/metrics", OPENMETRICS, true)));
      }
      for (Future<String> f : bodies) {
        assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(want);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
