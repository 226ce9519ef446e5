package dev.hearth.exporter.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.Gauge;
import dev.hearth.Histogram;
import dev.hearth.Summary;
import dev.hearth.exposition.Exposition;
import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.testing.RandomCases;
import dev.hearth.testing.SwappableCollector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Gzip scrapes through {@link ScrapeHandler}: always exactly the uncompressed exposition. */
class GzipScrapeTest {
  static final String OPENMETRICS = SwappableCollector.PROMETHEUS_ACCEPT;

  /**
   * A registry of counters, histograms, summaries and a gauge with {@code series} label
   * combinations in total (0: an empty registry), whose text runs from nothing to a few MB.
   */
  static CollectorRegistry registry(Random r, int series) {
    CollectorRegistry registry = new CollectorRegistry();
    if (series == 0) {
      return registry;
    }
    int families = 1 + r.nextInt(6);
    for (int f = 0; f < families; f++) {
      int n = Math.max(1, series / families);
      switch (f % 4) {
        case 0: {
          Counter c = Counter.builder("c" + f + "_requests").help("Requests \\ served\n.")
              .labelNames("path", "code").unlimitedSeries().register(registry);
          for (int j = 0; j < n; j++) {
            c.labels("/api/v1/" + j, Integer.toString(200 + j % 5)).inc(1 + r.nextInt(1000));
          }
          break;
        }
        case 1: {
          Histogram h = Histogram.builder("h" + f + "_seconds").help("Latency.").labelNames("op")
              .unlimitedSeries().register(registry);
          for (int j = 0; j < Math.max(1, n / 14); j++) {
            h.labels("op\"" + j).observe(r.nextDouble() * 3);
          }
          break;
        }
        case 2: {
          Summary s = Summary.builder("s" + f + "_bytes").help("Sizes.").labelNames("k")
              .unlimitedSeries().register(registry);
          for (int j = 0; j < Math.max(1, n / 3); j++) {
            s.labels("k" + j).observe(r.nextInt(10_000));
          }
          break;
        }
        default: {
          Gauge g = Gauge.builder("g" + f + "_temp").help("Temperature ü.").labelNames("room")
              .unlimitedSeries().register(registry);
          for (int j = 0; j < n; j++) {
            g.labels("room " + j).set(r.nextGaussian());
          }
          break;
        }
      }
    }
    return registry;
  }

  static String expected(CollectorRegistry registry, ExpositionFormat format, Set<String> names,
      boolean created) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      Exposition.write(out, names == null ? registry.collect() : registry.collect(names::contains),
          format, created);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String body(ScrapeResponse r, boolean gzip) {
    assertThat(r.status()).isEqualTo(200);
    if (gzip) {
      assertThat(r.headers()).containsEntry("Content-Encoding", "gzip");
      return new String(GzipEncoderTest.gunzip(r.body()), StandardCharsets.UTF_8);
    }
    assertThat(r.headers()).doesNotContainKey("Content-Encoding");
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  /** A {@code name[]} query for a random subset of the registry's families, or null. */
  private static String query(Random r, CollectorRegistry registry, Set<String> chosen) {
    if (r.nextInt(3) != 0) {
      return null;
    }
    StringBuilder q = new StringBuilder();
    for (var s : registry.collect()) {
      String name = s.name();
      if (r.nextBoolean()) {
        chosen.add(name);
        q.append(q.length() == 0 ? "" : "&").append("name[]=").append(name);
      }
    }
    chosen.add("absent_metric");
    return q.append(q.length() == 0 ? "" : "&").append("name[]=absent_metric").toString();
  }

  @Test
  void gzipBodyIsExactlyTheExpositionForManySizesFormatsAndFilters() {
    RandomCases.check(20, r -> {
      int series = RandomCases.pick(r, 0, 1, 50, 1500, 3000, 12_000);
      CollectorRegistry registry = registry(r, series);
      boolean created = r.nextBoolean();
      try (ScrapeHandler handler = ScrapeHandler.builder().registry(registry)
          .createdSeries(created).compressionThreads(RandomCases.pick(r, 0, 1, 3))
          .gzipLevel(1 + r.nextInt(9)).build()) {
        for (ExpositionFormat format : ExpositionFormat.values()) {
          String accept = format == ExpositionFormat.OPENMETRICS_1_0_0 ? OPENMETRICS : null;
          Set<String> chosen = new TreeSet<>();
          String q = query(r, registry, chosen);
          String want = expected(registry, format, q == null ? null : chosen, created);
          String plain = body(handler.scrape(q, accept, null, null), false);
          String gzipped = body(handler.scrape(q, accept, "gzip", null), true);
          assertThat(plain).isEqualTo(want);
          assertThat(gzipped).isEqualTo(want);
        }
      }
    });
  }

  @Test
  void badCompressionOptionsAreRejectedByName() {
    ScrapeHandler.Builder b = ScrapeHandler.builder();
    assertThatThrownBy(() -> b.gzipLevel(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("gzipLevel must be in [1, 9], got 0");
    assertThatThrownBy(() -> b.gzipLevel(10)).hasMessage("gzipLevel must be in [1, 9], got 10");
    assertThatThrownBy(() -> b.compressionThreads(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("compressionThreads must be in [0, 64], got -1");
  }

  @Test
  void createdSeriesAreOffByDefaultAndOnlyTheCreatedLinesDiffer() {
    Random r = new Random(21);
    CollectorRegistry registry = registry(r, 500);
    try (ScrapeHandler with = ScrapeHandler.builder().registry(registry).createdSeries(true).build();
        ScrapeHandler without = ScrapeHandler.builder().registry(registry).build()) {
      for (String accept : new String[] {null, OPENMETRICS}) {
        String full = body(with.scrape(null, accept, "gzip", null), true);
        String lean = body(without.scrape(null, accept, "gzip", null), true);
        assertThat(full).contains("_created");
        assertThat(lean).doesNotContain("_created");
        List<String> kept = full.lines().filter(l -> !l.contains("_created"))
            .collect(Collectors.toList());
        assertThat(lean.lines().collect(Collectors.toList())).isEqualTo(kept);
      }
    }
  }

  @Test
  void concurrentGzipScrapesStayCorrect() throws Exception {
    Random r = new Random(33);
    CollectorRegistry registry = registry(r, 20_000); // bodies of several chunks
    Set<String> some = Set.of("c0_requests", "h1_seconds");
    String someQuery = "name[]=c0_requests&name[]=h1_seconds";
    List<String> wanted = new ArrayList<>();
    for (ExpositionFormat format : ExpositionFormat.values()) {
      wanted.add(expected(registry, format, null, false)); // the default: no _created series
      wanted.add(expected(registry, format, some, false));
    }
    assertThat(wanted.get(0).length()).isGreaterThan(2 * GzipEncoder.CHUNK);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (ScrapeHandler handler = ScrapeHandler.builder().registry(registry).collectorThreads(3)
        .compressionThreads(2).build()) {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        results.add(pool.submit(() -> {
          Random tr = new Random(seed);
          int checked = 0;
          for (int i = 0; i < 6; i++) {
            int k = tr.nextInt(4);
            boolean om = k >= 2;
            boolean filtered = k % 2 == 1;
            boolean gzip = tr.nextInt(4) != 0;
            String got = body(handler.scrape(filtered ? someQuery : null, om ? OPENMETRICS : null,
                gzip ? "gzip" : null, null), gzip);
            assertThat(got).isEqualTo(wanted.get(k));
            checked++;
          }
          return checked;
        }));
      }
      int total = 0;
      for (Future<Integer> f : results) {
        total += f.get(120, TimeUnit.SECONDS);
      }
      assertThat(total).isEqualTo(threads * 6);
    } finally {
      pool.shutdownNow();
    }
  }
}
