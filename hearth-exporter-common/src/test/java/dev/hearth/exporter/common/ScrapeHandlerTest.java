package dev.hearth.exporter.common;

import dev.hearth.exposition.ContentNegotiation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.Collector;
import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.Histogram;
import dev.hearth.exposition.Exposition;
import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.exposition.ExpositionParser;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.testing.BlockingCollector;
import dev.hearth.testing.RandomCases;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ScrapeHandlerTest {
  private CollectorRegistry registry;
  private ScrapeHandler handler;

  @BeforeEach
  void setUp() {
    registry = new CollectorRegistry();
    Counter requests = Counter.builder("requests").help("Requests").labelNames("code")
        .register(registry);
    requests.labels("200").inc(3, Map.of("trace_id", "abc123"));
    Histogram.builder("latency_seconds").help("Latency").buckets(0.1, 1).register(registry)
        .observe(0.5);
    // with _created series, so that bodies equal Python's (generateLatest) in these tests
    handler = ScrapeHandler.builder().registry(registry).createdSeries(true).build();
  }

  @AfterEach
  void tearDown() {
    handler.close();
  }

  private static String text(ScrapeResponse r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  private static String gunzip(ScrapeResponse r) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void defaultIsText004() {
    ScrapeResponse r = handler.scrape(null, null, null, null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers()).containsEntry("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .containsEntry("Vary", "Accept, Accept-Encoding").doesNotContainKey("Content-Encoding");
    assertThat(text(r)).isEqualTo(Exposition.generateLatest(registry));
  }

  @Test
  void createdSeriesAreLeftOutByDefault() throws IOException {
    try (ScrapeHandler lean = ScrapeHandler.builder().registry(registry).build()) {
      for (ExpositionFormat format : ExpositionFormat.values()) {
        String accept = format == ExpositionFormat.OPENMETRICS_1_0_0
            ? "application/openmetrics-text;version=1.0.0" : null;
        String body = text(lean.scrape(null, accept, null, null));
        java.io.ByteArrayOutputStream want = new java.io.ByteArrayOutputStream();
        Exposition.write(want, registry.collect(), format, false);
        assertThat(body).as(format.toString()).doesNotContain("_created")
            .isEqualTo(want.toString(StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void openMetricsWhenAcceptedCarriesExemplars() {
    ScrapeResponse r = handler.scrape("", "application/openmetrics-text;version=1.0.0,"
        + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1", null, null);
    assertThat(r.headers()).containsEntry("Content-Type",
        "application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertThat(text(r)).contains("# {trace_id=\"abc123\"} 3.0").endsWith("# EOF\n");
    ScrapeResponse lower = handler.scrape("",
        "application/openmetrics-text;q=0.2,text/plain;q=0.9", null, null);
    assertThat(lower.headers().get("Content-Type")).startsWith("text/plain; version=0.0.4");
    ScrapeResponse unknown = handler.scrape("", "foo/bar", null, null);
    assertThat(unknown.status()).isEqualTo(200);
    assertThat(unknown.headers().get("Content-Type")).startsWith("text/plain; version=0.0.4");
  }

  @Test
  void gzipFollowsAcceptEncodingQValues() {
    String plain = text(handler.scrape(null, null, null, null));
    for (String yes : List.of("gzip", "deflate, gzip;q=0.5", "*", "x-gzip", "GZIP;q=1.0",
        "br;q=1, *;q=0.1")) {
      ScrapeResponse r = handler.scrape(null, null, yes, null);
      assertThat(r.headers()).as(yes).containsEntry("Content-Encoding", "gzip");
      assertThat(gunzip(r)).as(yes).isEqualTo(plain);
    }
    for (String no : List.of("", "identity", "gzip;q=0", "gzip;q=0.000", "*;q=0",
        "gzip;q=0, *", "gzip;q=2", "deflate", "gzip;q=abc")) {
      ScrapeResponse r = handler.scrape(null, null, no, null);
      assertThat(r.headers()).as(no).doesNotContainKey("Content-Encoding");
      assertThat(text(r)).as(no).isEqualTo(plain);
    }
  }

  @Test
  void nameFilterSelectsFamiliesLikePython() {
    String r = text(handler.scrape("name[]=requests_total", null, null, null));
    assertThat(r).contains("requests_total{code=\"200\"} 3.0").doesNotContain("latency");
    String both = text(handler.scrape("name%5B%5D=latency_seconds_bucket&x=1&name[]=requests_created",
        null, null, null));
    assertThat(both).contains("latency_seconds_bucket").contains("requests_created");
    assertThat(text(handler.scrape("name[]=nothing_here", null, null, null))).isEmpty();
  }

  @Test
  void badNameQueriesAre4xx() {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i <= ScrapeHandler.MAX_NAMES; i++) {
      many.append("name[]=m").append(i).append('&');
    }
    assertBad(many.toString(), 400, "more than 100 names");
    assertBad("name[]=" + "a".repeat(201), 400, "longer than 200");
    assertThat(handler.scrape("name[]=" + "a".repeat(200), null, null, null).status()).isEqualTo(200);
    assertBad("name[]=%zz", 400, "percent-encoding");
    assertBad("name[]=", 400, "not a valid metric name");
    assertBad("name[]=a%20b", 400, "\"a b\" is not a valid metric name");
    assertBad("name[]=%0a%00", 400, "\"??\" is not a valid metric name");
    assertBad("name[]=" + "x".repeat(ScrapeHandler.MAX_QUERY_LENGTH), 414, "query string longer");
    assertThat(handler.scrape("%zz=1", null, null, null).status()).isEqualTo(400);
    assertThat(handler.scrape("other=%zz", null, null, null).status()).isEqualTo(200);
  }

  private void assertBad(String query, int status, String message) {
    ScrapeResponse r = handler.scrape(query, null, null, null);
    assertThat(r.status()).as(query).isEqualTo(status);
    assertThat(r.headers()).containsEntry("Content-Type", "text/plain; charset=utf-8");
    assertThat(text(r)).as(query).contains(message).doesNotContain("Exception").endsWith("\n");
  }

  @Test
  void randomQueriesNeverThrowAndAnswer200Or4xx() {
    RandomCases.check(500, r -> {
      String q = RandomCases.unicodeString(r, 40).replace(' ', '&');
      ScrapeResponse resp = handler.scrape(r.nextBoolean() ? "name[]=" + q : q,
          RandomCases.unicodeString(r, 20), RandomCases.unicodeString(r, 20),
          RandomCases.unicodeString(r, 5));
      assertThat(resp.status()).isIn(200, 400, 414);
    });
  }

  @Test
  void acceptEncodingParser() {
    assertThat(ContentNegotiation.acceptsGzip(null)).isFalse();
    assertThat(ContentNegotiation.acceptsGzip("gzip ; q=0.001")).isTrue();
    assertThat(ContentNegotiation.acceptsGzip("gzip;q=0.5, gzip;q=0")).isTrue();
  }

  @Test
  void concurrentScrapesShareOneCollection() throws Exception {
    BlockingCollector slow = new BlockingCollector("slow");
    registry.register(slow);
    int n = 12;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<ScrapeResponse>> results = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        results.add(pool.submit(() -> handler.scrape(null, null, null, null)));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (handler.waiting.get() < n && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(handler.waiting.get()).isEqualTo(n);
      slow.release.countDown();
      List<String> bodies = new ArrayList<>();
      for (Future<ScrapeResponse> f : results) {
        ScrapeResponse r = f.get(10, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(200);
        bodies.add(text(r));
      }
      assertThat(slow.calls.get()).isEqualTo(1);
      assertThat(handler.collections.get()).isEqualTo(1);
      assertThat(bodies.stream().distinct().collect(Collectors.toList())).hasSize(1);
      assertThat(ExpositionParser.parse(bodies.get(0), ExpositionFormat.PROMETHEUS_TEXT_0_0_4))
          .extracting(MetricSnapshot::name).contains("slow", "requests");
      // the next scrape collects afresh
      handler.scrape(null, null, null, null);
      assertThat(slow.calls.get()).isEqualTo(2);
    } finally {
      slow.release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void slowCollectionAnswers503WithinTheScrapeTimeoutHeader() {
    BlockingCollector slow = new BlockingCollector("slow");
    registry.register(slow);
    try {
      long t0 = System.nanoTime();
      ScrapeResponse r = handler.scrape(null, null, null, "0.3");
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(r.status()).isEqualTo(503);
      assertThat(text(r)).isEqualTo("metrics collection did not finish within 0.3 s (scrape timeout)\n");
      assertThat(ms).isBetween(250L, 5000L);
      // an invalid header is ignored: the builder's timeout applies
      try (ScrapeHandler h = ScrapeHandler.builder().registry(registry)
          .scrapeTimeout(Duration.ofMillis(200)).build()) {
        assertThat(text(h.scrape(null, null, null, "soon"))).contains("within 0.2 s");
        assertThat(text(h.scrape(null, null, null, "60"))).contains("within 0.2 s");
      }
    } finally {
      slow.release.countDown();
    }
  }

  @Test
  void failingCollectionIs500WithoutStackTrace() {
    CollectorRegistry strict = CollectorRegistry.builder().failOnCollectorError(true).build();
    strict.register(() -> {
      throw new IllegalStateException("boom secret");
    });
    try (ScrapeHandler h = ScrapeHandler.builder().registry(strict).build()) {
      ScrapeResponse r = h.scrape(null, null, null, null);
      assertThat(r.status()).isEqualTo(500);
      assertThat(text(r)).isEqualTo("metrics collection failed; see the server log\n");
    }
  }

  @Test
  void closedHandlerAnswers503() {
    handler.close();
    ScrapeResponse r = handler.scrape(null, null, null, null);
    assertThat(r.status()).isEqualTo(503);
    handler.close(); // idempotent
  }
}
