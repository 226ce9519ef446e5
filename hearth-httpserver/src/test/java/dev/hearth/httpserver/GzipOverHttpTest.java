package dev.hearth.httpserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.Histogram;
import dev.hearth.exposition.Exposition;
import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.testing.RandomCases;
import dev.hearth.testing.SwappableCollector;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Gzip over real HTTP: the body gunzips to exactly the uncompressed exposition. */
class GzipOverHttpTest {
  static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1).build();
  static final String OPENMETRICS = SwappableCollector.PROMETHEUS_ACCEPT;

  private final SwappableCollector current = new SwappableCollector();
  private final CollectorRegistry served = new CollectorRegistry();
  private HTTPServer server;
  private HTTPServer withoutCreated;

  @BeforeEach
  void start() throws IOException {
    served.register(current);
    server = HTTPServer.builder().host("127.0.0.1").port(0).registry(served)
        .createdSeries(true).buildAndStart();
    withoutCreated = HTTPServer.builder().host("127.0.0.1").port(0).registry(served)
        .buildAndStart(); // the default: no _created series
  }

  @AfterEach
  void stop() {
    server.close();
    withoutCreated.close();
  }

  /** One counter of {@code series} series with random Unicode labels, and a small histogram. */
  private static CollectorRegistry registry(Random r, int series) {
    CollectorRegistry reg = new CollectorRegistry();
    Counter c = Counter.builder("http_requests").help("Requests.").labelNames("path", "user")
        .unlimitedSeries().register(reg);
    for (int j = 0; j < series; j++) {
      c.labels("/p/" + j, RandomCases.unicodeString(r, 6)).inc(1 + r.nextInt(100));
    }
    Histogram.builder("http_latency_seconds").help("Latency.").register(reg).observe(0.2);
    return reg;
  }

  private String expected(ExpositionFormat format, Set<String> names, boolean created) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      Exposition.write(out, names == null ? served.collect() : served.collect(names::contains),
          format, created);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String scrape(HTTPServer s, String query, String accept, boolean gzip) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.getPort()
        + "/metrics" + (query == null ? "" : "?" + query))).timeout(Duration.ofSeconds(30));
    if (accept != null) {
      b.header("Accept", accept);
    }
    if (gzip) {
      b.header("Accept-Encoding", "gzip");
    }
    try {
      HttpResponse<byte[]> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Encoding")).isEqualTo(
          gzip ? java.util.Optional.of("gzip") : java.util.Optional.empty());
      byte[] body = r.body();
      if (gzip) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
          body = in.readAllBytes();
        }
      }
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void gzipBodiesOfManySizesBothFormatsAndFilters() {
    RandomCases.check(14, r -> {
      current.set(registry(r, RandomCases.pick(r, 0, 1, 300, 2500, 9000)));
      boolean om = r.nextBoolean();
      ExpositionFormat format = om ? ExpositionFormat.OPENMETRICS_1_0_0
          : ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
      Set<String> names = null;
      String query = null;
      if (r.nextBoolean()) {
        names = new TreeSet<>(List.of(r.nextBoolean() ? "http_requests" : "http_latency_seconds"));
        query = "name[]=" + names.iterator().next() + "&name[]=other";
        names.add("other");
      }
      String accept = om ? OPENMETRICS : null;
      boolean created = r.nextBoolean();
      HTTPServer s = created ? server : withoutCreated;
      String want = expected(format, names, created);
      assertThat(scrape(s, query, accept, true)).isEqualTo(want);
      assertThat(scrape(s, query, accept, false)).isEqualTo(want);
    });
  }

  @Test
  void concurrentGzipScrapesAreAllComplete() throws Exception {
    current.set(registry(new Random(9), 8000)); // a body of several compression chunks
    String om = expected(ExpositionFormat.OPENMETRICS_1_0_0, null, true);
    String text = expected(ExpositionFormat.PROMETHEUS_TEXT_0_0_4, null, true);
    assertThat(om.length()).isGreaterThan(512 * 1024);
    List<CompletableFuture<Void>> clients = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      boolean useOm = t % 2 == 0;
      clients.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 5; i++) {
          assertThat(scrape(server, null, useOm ? OPENMETRICS : null, true))
              .isEqualTo(useOm ? om : text);
        }
      }));
    }
    CompletableFuture.allOf(clients.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
  }
}
