package dev.hearth.benchmarks;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.exposition.Exposition;
import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.multiprocess.FormatVersion;
import dev.hearth.multiprocess.MmapValueStorage;
import dev.hearth.multiprocess.MultiProcessCollector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Directory scrape: Hearth's {@link MultiProcessCollector} against Python prometheus_client's on
 * directories of P processes x S counter series (format v1, which Python 0.16 reads), written
 * with {@link MmapValueStorage} under process ids {@code p0..p(P-1)}. The S series are 10
 * families of S/10 label combinations, the same in every process.
 *
 * <ul>
 *   <li>Hearth cold: a new collector and registry, collect and text 0.0.4 exposition to a
 *       counting stream; median of fresh collectors, after at least 12 s of the same (JIT warm-up).
 *   <li>Hearth repeated: the same collector scraped again (files open, keys parsed, merge
 *       planned: it reads values only); median, after at least 12 s of the same.
 *   <li>Python: {@code MultiProcessCollector(CollectorRegistry())} + {@code generate_latest} in
 *       one interpreter per directory, median of a few runs (Python caches nothing: cold =
 *       repeated).
 * </ul>
 *
 * <p>All files are in the page cache for both. Run with {@code -Xms2g -Xmx2g
 * -XX:+AlwaysPreTouch}. Arguments: [python executable (default /usr/bin/python3)] [sizes as
 * P:S,... (default 10:1000,100:1000,100:10000)]. Prints a Markdown table.
 */
public final class MultiProcessScrape {
  static final int FAMILIES = 10;
  /** Each case runs at least this long before it is measured, as JMH warms up. */
  static final long WARM_UP_NANOS = 12_000_000_000L;
  /** Measured windows of cold scrapes, and the unmeasured cold scrapes between them. */
  static final int ROUNDS = 5;
  static final long GAP_NANOS = 500_000_000L;

  static final String PY = String.join("\n",
      "import sys, time, statistics",
      "from prometheus_client import CollectorRegistry, generate_latest",
      "from prometheus_client.multiprocess import MultiProcessCollector",
      "runs = int(sys.argv[2])",
      "times = []",
      "n = 0",
      "for _ in range(runs):",
      "    t0 = time.perf_counter()",
      "    r = CollectorRegistry()",
      "    MultiProcessCollector(r, path=sys.argv[1])",
      "    n = len(generate_latest(r))",
      "    times.append(time.perf_counter() - t0)",
      "print(statistics.median(times) * 1000.0, n)",
      "");

  private MultiProcessScrape() {}

  public static void main(String[] args) throws Exception {
    String python = args.length > 0 ? args[0] : "/usr/bin/python3";
    String sizes = args.length > 1 ? args[1] : "10:1000,100:1000,100:10000";
    System.out.println("| processes x series | files | bytes | Hearth cold ms | Hearth repeated ms"
        + " | Python ms | Python/Hearth cold (target >= 10x at 10 x 1000, 20x at 100 x 10000)"
        + " | Python/Hearth repeated (target >= 100x) |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (String size : sizes.split(",")) {
      String[] ps = size.split(":");
      int processes = Integer.parseInt(ps[0]);
      int series = Integer.parseInt(ps[1]);
      Path dir = Files.createTempDirectory("hearth-mp-scrape");
      try {
        write(dir, processes, series);
        long bytes = 0;
        int files = 0;
        try (Stream<Path> s = Files.list(dir)) {
          for (Path p : (Iterable<Path>) s::iterator) {
            if (!p.getFileName().toString().endsWith(".db")) {
              continue; // Hearth writers' lock files
            }
            bytes += Files.size(p);
            files++;
          }
        }
        int work = processes * series;
        int coldRuns = work >= 1_000_000 ? 7 : 21;
        int repeatedRuns = work >= 1_000_000 ? 21 : 101;
        CountingOut out = new CountingOut();
        long warmUntil = System.nanoTime() + WARM_UP_NANOS;
        for (int i = 0; i < coldRuns || System.nanoTime() < warmUntil; i++) { // JIT warm-up
          cold(dir, out);
        }
        // ROUNDS windows of cold scrapes half a second apart: on a shared machine one short window
        // may fall entirely into another task's burst
        double[] coldMs = new double[ROUNDS * coldRuns];
        long coldBytes = 0;
        for (int round = 0; round < ROUNDS; round++) {
          long gapUntil = System.nanoTime() + GAP_NANOS;
          while (round > 0 && System.nanoTime() < gapUntil) {
            cold(dir, out);
          }
          out.count = 0;
          for (int i = 0; i < coldRuns; i++) {
            coldMs[round * coldRuns + i] = cold(dir, out);
          }
          coldBytes = out.count;
        }
        long hearthBytes = coldBytes / coldRuns;
        CollectorRegistry registry = new CollectorRegistry();
        registry.register(new MultiProcessCollector(dir));
        warmUntil = System.nanoTime() + WARM_UP_NANOS;
        for (int i = 0; i < repeatedRuns || System.nanoTime() < warmUntil; i++) { // JIT warm-up
          scrape(registry, out);
        }
        double[] repMs = new double[repeatedRuns];
        for (int i = 0; i < repeatedRuns; i++) {
          repMs[i] = scrape(registry, out);
        }
        double[] py = python(python, dir, work >= 1_000_000 ? 3 : 7);
        double c = median(coldMs);
        double r = median(repMs);
        if ((long) py[1] != hearthBytes) {
          System.err.printf("note: %s: Python wrote %d bytes, Hearth %d%n", size, (long) py[1],
              hearthBytes);
        }
        System.out.printf(Locale.ROOT,
            "| %d x %d | %d | %.1f MB | %.2f | %.2f | %.1f | %.1fx | %.1fx |%n",
            processes, series, files, bytes / 1e6, c, r, py[0], py[0] / c, py[0] / r);
      } finally {
        delete(dir);
      }
    }
  }

  static void write(Path dir, int processes, int series) throws IOException {
    int perFamily = Math.max(1, series / FAMILIES);
    for (int p = 0; p < processes; p++) {
      try (MmapValueStorage storage = MmapValueStorage.builder(dir).processId("p" + p)
          .format(FormatVersion.V1).build()) {
        for (int f = 0; f < FAMILIES; f++) {
          Counter c = Counter.builder("app_requests_" + f + "_total")
              .help("Requests handled by component " + f + ".").labelNames("handler", "code")
              .storage(storage).build();
          for (int s = 0; s < perFamily; s++) {
            c.labels("/api/v1/resource/" + s, s % 7 == 0 ? "500" : "200").inc(p + s + 1);
          }
        }
      }
    }
  }

  static double cold(Path dir, CountingOut out) throws IOException {
    long t0 = System.nanoTime();
    CollectorRegistry registry = new CollectorRegistry();
    registry.register(new MultiProcessCollector(dir));
    Exposition.write(out, registry, ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
    return (System.nanoTime() - t0) / 1e6;
  }

  static double scrape(CollectorRegistry registry, CountingOut out) throws IOException {
    long t0 = System.nanoTime();
    Exposition.write(out, registry, ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
    return (System.nanoTime() - t0) / 1e6;
  }

  /** Median milliseconds and output bytes of Python's collection of {@code dir}. */
  static double[] python(String python, Path dir, int runs) throws Exception {
    Process p = new ProcessBuilder(python, "-c", PY, dir.toString(), String.valueOf(runs))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("python failed: " + out);
    }
    String[] parts = out.split(" ");
    return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  static void delete(Path dir) throws IOException {
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(all::add);
    }
    for (Path p : all) {
      Files.delete(p);
    }
  }

  /** Counts bytes, keeps none. */
  static final class CountingOut extends java.io.OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
