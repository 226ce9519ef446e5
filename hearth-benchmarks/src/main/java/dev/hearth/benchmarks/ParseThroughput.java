package dev.hearth.benchmarks;

import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.exposition.ExpositionParser;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.testing.ParserWorkloads;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Parser throughput (issue 11: both formats parse 50 MB of valid input at 50 MB/s or more): for
 * each {@link ParserWorkloads.Kind} and format, parses a 50 MB and a 25 MB exposition from bytes
 * (UTF-8 decoding included) after three warm-up parses, and prints the median and best of seven
 * parses, the throughput of the median and the ratio of the 50 MB to the 25 MB median (2.0 is
 * linear). Run with {@code -Xms2g -Xmx2g -XX:+AlwaysPreTouch}. Argument: the large size in MB
 * (default 50). Prints a Markdown table.
 */
public final class ParseThroughput {
  private static final int WARMUP = 3;
  private static final int RUNS = 7;

  private ParseThroughput() {}

  public static void main(String[] args) throws IOException {
    int mb = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    System.out.println("| input | format | MB | median ms | best ms | MB/s (median) | ratio to half size |");
    System.out.println("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
    for (ParserWorkloads.Kind kind : ParserWorkloads.Kind.values()) {
      for (ExpositionFormat format : ExpositionFormat.values()) {
        double[] half = measure(kind, format, mb * 1_000_000 / 2);
        double[] full = measure(kind, format, mb * 1_000_000);
        System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %.0f | %.0f | %.0f | %.2f |%n",
            kind.name().toLowerCase(Locale.ROOT).replace('_', '-'), format == ExpositionFormat.OPENMETRICS_1_0_0 ? "OpenMetrics" : "text 0.0.4",
            full[2] / 1e6, full[0], full[1], full[2] / 1e6 / (full[0] / 1000), full[0] / half[0]);
      }
    }
  }

  /** Median ms, best ms and size in bytes of parsing a {@code bytes}-byte input of {@code kind}. */
  private static double[] measure(ParserWorkloads.Kind kind, ExpositionFormat format, int bytes)
      throws IOException {
    byte[] input = kind.generate(format, bytes).getBytes(StandardCharsets.UTF_8);
    long families = 0;
    for (int i = 0; i < WARMUP; i++) {
      families += parse(input, format).size();
    }
    double[] ms = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      System.gc();
      long t0 = System.nanoTime();
      List<MetricSnapshot<?>> parsed = parse(input, format);
      ms[i] = (System.nanoTime() - t0) / 1e6;
      families += parsed.size();
    }
    if (families == 0) {
      throw new IllegalStateException("nothing parsed");
    }
    Arrays.sort(ms);
    return new double[] {ms[RUNS / 2], ms[0], input.length};
  }

  private static List<MetricSnapshot<?>> parse(byte[] input, ExpositionFormat format)
      throws IOException {
    return ExpositionParser.parse(new ByteArrayInputStream(input), format);
  }
}
