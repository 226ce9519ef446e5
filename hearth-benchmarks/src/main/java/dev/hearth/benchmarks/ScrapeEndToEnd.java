package dev.hearth.benchmarks;

import dev.hearth.CollectorRegistry;
import dev.hearth.benchmarks.ExpositionBenchmark.Series;
import dev.hearth.httpserver.HTTPServer;
import io.prometheus.metrics.config.ExporterProperties;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Scrapes over real HTTP, as Prometheus 2.42 does: Hearth's {@link HTTPServer} against client_java
 * 1.10's {@code HTTPServer}, both in this JVM on 127.0.0.1 ephemeral ports, serving the same 10
 * counter families x N/10 series (3 labels; the data of {@link ExpositionBenchmark}).
 *
 * <p>One {@link HttpClient} (HTTP/1.1, kept-alive connections) sends Prometheus 2.42's
 * {@code Accept} header and {@code Accept-Encoding: gzip}. A timed request runs from {@code send}
 * until the client has read and <b>gunzipped the whole body</b> (Prometheus decompresses every
 * scrape too, so a larger body costs the scraper; the decompressed bytes are counted and
 * discarded). Each round sends one request to every server, the starting server rotating; after a
 * warm-up (at least {@code WARMUP} seconds and 20 rounds) the median of the measured rounds is
 * reported per server, with the ratio to client_java's default. Every server's body is checked
 * once (a valid gzip stream, OpenMetrics ending in {@code # EOF}, N {@code _total} samples).
 *
 * <p>Servers: client_java default (no {@code _created}), client_java with created timestamps
 * ({@code includeCreatedTimestamps}), Hearth default (no {@code _created}: the same samples as
 * client_java's default) and Hearth with {@code createdSeries(true)} (as Python writes them).
 *
 * <p>Run with {@code -Xms2g -Xmx2g -XX:+AlwaysPreTouch}; arguments: series counts (default
 * {@code 10000,100000}), then measured rounds per count (default {@code 41,21}).
 */
public final class ScrapeEndToEnd {
  static final String ACCEPT = "application/openmetrics-text;version=1.0.0,"
      + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,"
      + "*/*;q=0.1";
  private static final int FAMILIES = ExpositionBenchmark.FAMILIES;
  private static final double WARMUP_SECONDS = 8;

  private ScrapeEndToEnd() {}

  /** One server under test. */
  private static final class Target {
    final String name;
    final URI uri;
    final AutoCloseable server;
    final List<Double> millis = new ArrayList<>();
    long gzipBytes;
    long bodyBytes;

    Target(String name, int port, AutoCloseable server) {
      this.name = name;
      this.uri = URI.create("http://127.0.0.1:" + port + "/metrics");
      this.server = server;
    }
  }

  public static void main(String[] args) throws Exception {
    int[] sizes = args.length > 0 ? ints(args[0]) : new int[] {10_000, 100_000};
    int[] rounds = args.length > 1 ? ints(args[1]) : new int[] {41, 21};
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    StringBuilder table = new StringBuilder();
    table.append("| series | server | median ms | gzip body | uncompressed | vs client_java (>1 = faster) |\n");
    table.append("| ---: | --- | ---: | ---: | ---: | ---: |\n");
    for (int i = 0; i < sizes.length; i++) {
      run(client, sizes[i], rounds[Math.min(i, rounds.length - 1)], table);
    }
    System.out.println();
    System.out.println("Scrape end to end: HttpClient, Prometheus 2.42 Accept, Accept-Encoding: gzip,"
        + " time to the last gunzipped byte; " + Runtime.getRuntime().availableProcessors()
        + " cores, " + System.getProperty("java.vm.version"));
    System.out.print(table);
  }

  private static void run(HttpClient client, int series, int rounds, StringBuilder table)
      throws Exception {
    Series s = new Series(series / FAMILIES);
    List<Target> targets = new ArrayList<>();
    try {
      PrometheusRegistry cj = s.clientJavaRegistry();
      var cjServer = io.prometheus.metrics.exporter.httpserver.HTTPServer.builder()
          .hostname("127.0.0.1").port(0).registry(cj).buildAndStart();
      targets.add(new Target("client_java 1.10 (default: no _created)", cjServer.getPort(),
          cjServer));
      PrometheusProperties created = PrometheusProperties.builder().exporterProperties(
          ExporterProperties.builder().includeCreatedTimestamps(true).build()).build();
      var cjCreated = io.prometheus.metrics.exporter.httpserver.HTTPServer.builder(created)
          .hostname("127.0.0.1").port(0).registry(cj).buildAndStart();
      targets.add(new Target("client_java 1.10 (includeCreatedTimestamps)", cjCreated.getPort(),
          cjCreated));
      CollectorRegistry hearth = s.hearthRegistry();
      HTTPServer h = HTTPServer.builder().host("127.0.0.1").port(0).registry(hearth)
          .buildAndStart();
      targets.add(new Target("Hearth (default: no _created)", h.getPort(), h));
      HTTPServer hCreated = HTTPServer.builder().host("127.0.0.1").port(0).registry(hearth)
          .createdSeries(true).buildAndStart();
      targets.add(new Target("Hearth (createdSeries(true), as Python)", hCreated.getPort(),
          hCreated));

      for (Target t : targets) {
        check(client, t, series);
      }
      long warmupEnd = System.nanoTime() + (long) (WARMUP_SECONDS * 1e9);
      for (int r = 0; r < 20 || System.nanoTime() < warmupEnd; r++) {
        round(client, targets, r, false);
      }
      for (int r = 0; r < rounds; r++) {
        round(client, targets, r, true);
      }
      double base = median(targets.get(0).millis);
      for (Target t : targets) {
        double m = median(t.millis);
        table.append(String.format(Locale.ROOT, "| %,d | %s | %.1f | %,d B | %,d B | %.2fx |%n",
            series, t.name, m, t.gzipBytes, t.bodyBytes, base / m));
        System.err.printf(Locale.ROOT, "[e2e] %d %s: %s%n", series, t.name, summary(t.millis));
      }
    } finally {
      for (Target t : targets) {
        t.server.close();
      }
    }
  }

  private static void round(HttpClient client, List<Target> targets, int r, boolean record)
      throws IOException, InterruptedException {
    for (int k = 0; k < targets.size(); k++) {
      Target t = targets.get((r + k) % targets.size());
      long start = System.nanoTime();
      long bytes = scrape(client, t, null);
      double ms = (System.nanoTime() - start) / 1e6;
      if (bytes != t.bodyBytes) {
        throw new IllegalStateException(t.name + ": body of " + bytes + " bytes, was " + t.bodyBytes);
      }
      if (record) {
        t.millis.add(ms);
      }
    }
  }

  /**
   * One scrape: the whole body read and gunzipped; returns its uncompressed length. With
   * {@code keep}, the decompressed body is copied there too.
   */
  private static long scrape(HttpClient client, Target t, ByteArrayOutputStream keep)
      throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(t.uri).timeout(Duration.ofSeconds(60))
        .header("Accept", ACCEPT).header("Accept-Encoding", "gzip").GET().build();
    HttpResponse<InputStream> resp = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
    if (resp.statusCode() != 200
        || !"gzip".equals(resp.headers().firstValue("Content-Encoding").orElse(""))) {
      resp.body().close();
      throw new IllegalStateException(t.name + ": status " + resp.statusCode() + ", encoding "
          + resp.headers().firstValue("Content-Encoding").orElse("none"));
    }
    CountingInput raw = new CountingInput(resp.body());
    long total = 0;
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = new GZIPInputStream(raw, 64 * 1024)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        total += n;
        if (keep != null) {
          keep.write(buf, 0, n);
        }
      }
    }
    t.gzipBytes = raw.count;
    return total;
  }

  /** Checks one body: OpenMetrics, ends with # EOF, one _total sample per series. */
  private static void check(HttpClient client, Target t, int series)
      throws IOException, InterruptedException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    t.bodyBytes = scrape(client, t, body);
    String text = body.toString(StandardCharsets.UTF_8);
    long totals = text.lines().filter(l -> !l.startsWith("#") && l.contains("_total{")).count();
    if (!text.endsWith("# EOF\n") || totals != series) {
      throw new IllegalStateException(t.name + ": not the expected OpenMetrics body (" + totals
          + " _total samples, expected " + series + ")");
    }
  }

  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  private static String summary(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return String.format(Locale.ROOT, "n=%d min %.1f p25 %.1f median %.1f p75 %.1f max %.1f ms",
        v.length, v[0], v[v.length / 4], median(values), v[v.length * 3 / 4], v[v.length - 1]);
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
  }

  /** Counts the compressed bytes read. */
  private static final class CountingInput extends java.io.FilterInputStream {
    long count;

    CountingInput(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
