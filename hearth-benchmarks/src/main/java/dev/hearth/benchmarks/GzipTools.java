package dev.hearth.benchmarks;

import dev.hearth.CollectorRegistry;
import dev.hearth.benchmarks.ExpositionBenchmark.Series;
import dev.hearth.exporter.common.ScrapeHandler;
import dev.hearth.exporter.common.ScrapeResponse;
import dev.hearth.exposition.Exposition;
import dev.hearth.exposition.ExpositionFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Weighs the tools of the gzip path one at a time, without HTTP: for the OpenMetrics scrape of
 * {@code N} counter series (the data of {@link ExpositionBenchmark}), the time from collection to
 * the finished gzip body, its size, and the time to gunzip it again (what the scraper pays).
 * Variants: the path before issue #11 ({@code GZIPOutputStream}, default level 6, new per scrape,
 * written straight into it), {@link ScrapeHandler} at levels 1, 3, 6 and 9 compressing on one
 * thread, with helper threads, without {@code _created} series, and building the whole
 * uncompressed body before compressing it. All variants alternate round by round; medians of the
 * measured rounds after a warm-up. Separately: the cost of a new {@link Deflater} per body
 * against a reused one.
 *
 * <p>Run with {@code -Xms2g -Xmx2g -XX:+AlwaysPreTouch}; arguments: series counts (default
 * {@code 10000,100000}) and measured rounds (default {@code 15}).
 */
public final class GzipTools {
  private GzipTools() {}

  public static void main(String[] args) throws Exception {
    int[] sizes = args.length > 0
        ? java.util.Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray()
        : new int[] {10_000, 100_000};
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    StringBuilder table = new StringBuilder(
        "| series | variant | median ms to gzip body | gzip body | gunzip ms |\n"
        + "| ---: | --- | ---: | ---: | ---: |\n");
    for (int series : sizes) {
      run(series, rounds, table);
    }
    System.out.println();
    System.out.println("Gzip path without HTTP, OpenMetrics; " + Runtime.getRuntime()
        .availableProcessors() + " cores, " + System.getProperty("java.vm.version"));
    System.out.print(table);
    System.out.println();
    deflaterLifecycle();
  }

  private static void run(int series, int rounds, StringBuilder table) throws Exception {
    CollectorRegistry registry = new Series(series / ExpositionBenchmark.FAMILIES).hearthRegistry();
    List<ScrapeHandler> handlers = new ArrayList<>();
    Map<String, Callable<byte[]>> variants = new LinkedHashMap<>();
    variants.put("before: GZIPOutputStream level 6, new per scrape, 1 thread",
        () -> straight(registry, new GZIPOutputStreamFactory(Deflater.DEFAULT_COMPRESSION)));
    for (int level : new int[] {9, 6, 3, 1}) {
      handlers.add(ScrapeHandler.builder().registry(registry).gzipLevel(level)
          .compressionThreads(0).build());
      variants.put("ScrapeHandler level " + level + ", 1 thread", scrape(handlers));
    }
    handlers.add(ScrapeHandler.builder().registry(registry).gzipLevel(6).compressionThreads(1)
        .build());
    variants.put("ScrapeHandler level 6, + 1 helper thread", scrape(handlers));
    handlers.add(ScrapeHandler.builder().registry(registry).gzipLevel(1).compressionThreads(1)
        .build());
    variants.put("ScrapeHandler level 1, + 1 helper thread (default on 2 cores)", scrape(handlers));
    handlers.add(ScrapeHandler.builder().registry(registry).gzipLevel(1).compressionThreads(1)
        .createdSeries(false).build());
    variants.put("ScrapeHandler default, createdSeries(false)", scrape(handlers));
    variants.put("level 1, whole body built first, then compressed", () -> builtFirst(registry));
    variants.put("level 1, written straight into GZIPOutputStream",
        () -> straight(registry, new GZIPOutputStreamFactory(Deflater.BEST_SPEED)));

    Map<String, List<Double>> millis = new LinkedHashMap<>();
    Map<String, List<Double>> gunzipMillis = new LinkedHashMap<>();
    Map<String, Integer> bytes = new LinkedHashMap<>();
    long warmupEnd = System.nanoTime() + 6_000_000_000L;
    for (int r = 0; ; r++) {
      boolean record = r >= 5 && System.nanoTime() >= warmupEnd;
      for (Map.Entry<String, Callable<byte[]>> v : variants.entrySet()) {
        long t0 = System.nanoTime();
        byte[] body = v.getValue().call();
        long t1 = System.nanoTime();
        gunzip(body);
        long t2 = System.nanoTime();
        bytes.put(v.getKey(), body.length);
        if (record) {
          millis.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add((t1 - t0) / 1e6);
          gunzipMillis.computeIfAbsent(v.getKey(), k -> new ArrayList<>()).add((t2 - t1) / 1e6);
        }
      }
      if (record && millis.values().iterator().next().size() >= rounds) {
        break;
      }
    }
    for (String k : variants.keySet()) {
      table.append(String.format(Locale.ROOT, "| %,d | %s | %.1f | %,d B | %.1f |%n", series, k,
          ScrapeEndToEnd.median(millis.get(k)), bytes.get(k),
          ScrapeEndToEnd.median(gunzipMillis.get(k))));
    }
    for (ScrapeHandler h : handlers) {
      h.close();
    }
  }

  private static Callable<byte[]> scrape(List<ScrapeHandler> handlers) {
    ScrapeHandler h = handlers.get(handlers.size() - 1);
    return () -> {
      ScrapeResponse r = h.scrape(null, ScrapeEndToEnd.ACCEPT, "gzip", null);
      if (r.status() != 200) {
        throw new IllegalStateException("status " + r.status());
      }
      return r.body();
    };
  }

  /** A {@link GZIPOutputStream} whose deflater has the given level. */
  private static final class GZIPOutputStreamFactory {
    final int level;

    GZIPOutputStreamFactory(int level) {
      this.level = level;
    }

    OutputStream open(OutputStream out) throws IOException {
      return new GZIPOutputStream(out, 8192) {
        {
          def.setLevel(level);
        }
      };
    }
  }

  /** The path before issue #11: the exposition written through a new GZIPOutputStream. */
  private static byte[] straight(CollectorRegistry registry, GZIPOutputStreamFactory gzip)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
    try (OutputStream out = gzip.open(bytes)) {
      Exposition.write(out, registry.collect(), ExpositionFormat.OPENMETRICS_1_0_0);
    }
    return bytes.toByteArray();
  }

  /** The whole body built uncompressed, then compressed at level 1. */
  private static byte[] builtFirst(CollectorRegistry registry) throws IOException {
    ByteArrayOutputStream plain = new ByteArrayOutputStream(8192);
    Exposition.write(plain, registry.collect(), ExpositionFormat.OPENMETRICS_1_0_0);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
    try (OutputStream out = new GZIPOutputStreamFactory(Deflater.BEST_SPEED).open(bytes)) {
      plain.writeTo(out);
    }
    return bytes.toByteArray();
  }

  private static long gunzip(byte[] body) {
    byte[] buf = new byte[64 * 1024];
    long n = 0;
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body), 64 * 1024)) {
      for (int k; (k = in.read(buf)) > 0; ) {
        n += k;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return n;
  }

  /**
   * A new raw deflater per 256 KiB chunk (created, used, ended) against one reset and reused, at
   * level 1 on exposition text: what pooling deflaters saves per chunk.
   */
  private static void deflaterLifecycle() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; sb.length() < 256 * 1024; i++) {
      sb.append("requests_").append(i % 10).append("_total{method=\"GET\",path=\"/api/v1/resource/")
          .append(i % 200).append("\",status=\"pod-").append(i / 1000).append("\"} ")
          .append(i % 1000 + 1).append(".0\n");
    }
    byte[] input = java.util.Arrays.copyOf(sb.toString().getBytes(
        java.nio.charset.StandardCharsets.UTF_8), 256 * 1024);
    byte[] out = new byte[256 * 1024];
    Deflater pooled = new Deflater(1, true);
    int rounds = 9;
    double[] fresh = new double[rounds];
    double[] reused = new double[rounds];
    int n = 200;
    for (int round = 0; round < rounds; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        Deflater d = new Deflater(1, true);
        compress(d, input, out);
        d.end();
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        pooled.reset();
        compress(pooled, input, out);
      }
      long t2 = System.nanoTime();
      fresh[round] = (t1 - t0) / 1e3 / n;
      reused[round] = (t2 - t1) / 1e3 / n;
    }
    pooled.end();
    java.util.Arrays.sort(fresh);
    java.util.Arrays.sort(reused);
    System.out.printf(Locale.ROOT, "Deflater per 256 KiB chunk, level 1 (median of %d x %d):"
        + " new + end %.0f µs, reset and reused %.0f µs%n", rounds, n, fresh[rounds / 2],
        reused[rounds / 2]);
  }

  private static void compress(Deflater d, byte[] input, byte[] out) {
    d.setInput(input);
    d.finish();
    while (!d.finished()) {
      d.deflate(out);
    }
  }
}
