package dev.hearth.benchmarks;

import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.exposition.ExpositionParser;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.testing.ParserWorkloads;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Parser throughput (issue 11: both formats parse 50 MB of valid input at 50 MB/s or more): for
 * each {@link ParserWorkloads.Kind} and format, parses a 50 MB and a 25 MB exposition from bytes
 * (UTF-8 decoding included) after three warm-up parses, and prints the median and best of seven
 * parses, the throughput of the median, the ratio of the 50 MB to the 25 MB median (2.0 is
 * linear), and for the median parse the parsing thread's CPU time and the collectors' time (all
 * parsed families stay reachable until the parse ends, so young collections copy them). Run with {@code -Xms2g -Xmx2g -XX:+AlwaysPreTouch}. Argument: the large size in MB
 * (default 50). Prints a Markdown table.
 */
public final class ParseThroughput {
  private static final int WARMUP = 3;
  private static final int RUNS = 7;

  private ParseThroughput() {}

  public static void main(String[] args) throws IOException {
    int mb = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    System.out.println("| input | format | MB | median ms | best ms | MB/s (median) | ratio to "
        + "half size | thread CPU ms | GC ms |");
    System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (ParserWorkloads.Kind kind : ParserWorkloads.Kind.values()) {
      for (ExpositionFormat format : ExpositionFormat.values()) {
        double[] half = measure(kind, format, mb * 1_000_000 / 2);
        double[] full = measure(kind, format, mb * 1_000_000);
        System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %.0f | %.0f | %.0f | %.2f | %.0f | %.0f |%n",
            kind.name().toLowerCase(Locale.ROOT).replace('_', '-'),
            format == ExpositionFormat.OPENMETRICS_1_0_0 ? "OpenMetrics" : "text 0.0.4",
            full[2] / 1e6, full[0], full[1], full[2] / 1e6 / (full[0] / 1000), full[0] / half[0],
            full[3], full[4]);
      }
    }
  }

  /**
   * Median ms, best ms, size in bytes, and the median parse's thread CPU ms and GC ms, of parsing
   * a {@code bytes}-byte input of {@code kind}.
   */
  private static double[] measure(ParserWorkloads.Kind kind, ExpositionFormat format, int bytes)
      throws IOException {
    byte[] input = kind.generate(format, bytes).getBytes(StandardCharsets.UTF_8);
    long families = 0;
    for (int i = 0; i < WARMUP; i++) {
      families += parse(input, format).size();
    }
    double[][] runs = new double[RUNS][]; // wall ms, cpu ms, gc ms
    for (int i = 0; i < RUNS; i++) {
      System.gc();
      long gc0 = gcMillis();
      long cpu0 = THREADS.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      List<MetricSnapshot<?>> parsed = parse(input, format);
      runs[i] = new double[] {(System.nanoTime() - t0) / 1e6,
          (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e6, gcMillis() - gc0};
      families += parsed.size();
    }
    if (families == 0) {
      throw new IllegalStateException("nothing parsed");
    }
    Arrays.sort(runs, (a, b) -> Double.compare(a[0], b[0]));
    double[] median = runs[RUNS / 2];
    return new double[] {median[0], runs[0][0], input.length, median[1], median[2]};
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private static long gcMillis() {
    long sum = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      sum += gc.getCollectionTime();
    }
    return sum;
  }

  private static List<MetricSnapshot<?>> parse(byte[] input, ExpositionFormat format)
      throws IOException {
    return ExpositionParser.parse(new ByteArrayInputStream(input), format);
  }
}
