package dev.hearth.testing;

import dev.hearth.exposition.ExpositionFormat;

/**
 * Large valid expositions of a given size for parser throughput and linearity measurements, in
 * either format: {@link #helpHeavy} (many small families, each with a HELP line),
 * {@link #labelHeavy} (many series with eight labels) and {@link #exemplarHeavy} (histograms and
 * counters with an exemplar on every bucket and total; text 0.0.4 has no exemplars, so its variant
 * is the same histograms and counters without them). Deterministic: the same arguments give the
 * same text.
 */
public final class ParserWorkloads {
  private ParserWorkloads() {}

  /** The kinds of workload, by name. */
  public enum Kind {
    HELP_HEAVY,
    LABEL_HEAVY,
    EXEMPLAR_HEAVY;

    /** An exposition of this kind of at least {@code bytes} characters. */
    public String generate(ExpositionFormat format, int bytes) {
      switch (this) {
        case HELP_HEAVY:
          return helpHeavy(format, bytes);
        case LABEL_HEAVY:
          return labelHeavy(format, bytes);
        default:
          return exemplarHeavy(format, bytes);
      }
    }
  }

  /**
   * Gauge families of one sample, each with a HELP line; only the last HELP has escapes. This is
   * issue 11's reproduction of quadratic HELP parsing, at its worst: the old parser looked for a
   * backslash from each HELP line to the end of the input.
   */
  public static String helpHeavy(ExpositionFormat format, int bytes) {
    boolean om = format == ExpositionFormat.OPENMETRICS_1_0_0;
    StringBuilder sb = new StringBuilder(bytes + 256);
    for (int i = 0; sb.length() < bytes; i++) {
      String help = sb.length() + 200 >= bytes
          ? "Help of m" + i + " with a \\\\ backslash\\nand a second line."
          : "Help of m" + i + ", a gauge.";
      if (om) {
        sb.append("# TYPE m").append(i).append(" gauge\n");
        sb.append("# HELP m").append(i).append(' ').append(help).append('\n');
      } else {
        sb.append("# HELP m").append(i).append(' ').append(help).append('\n');
        sb.append("# TYPE m").append(i).append(" gauge\n");
      }
      sb.append('m').append(i).append(' ').append(i).append('\n');
    }
    return end(sb, om);
  }

  /** Counter families of 1,000 series, each with eight labels. */
  public static String labelHeavy(ExpositionFormat format, int bytes) {
    boolean om = format == ExpositionFormat.OPENMETRICS_1_0_0;
    StringBuilder sb = new StringBuilder(bytes + 1024);
    for (int f = 0; sb.length() < bytes; f++) {
      header(sb, "requests" + f, "counter", om);
      for (int i = 0; i < 1000 && sb.length() < bytes; i++) {
        sb.append("requests").append(f).append("_total{method=\"").append(i % 3 == 0 ? "POST" : "GET")
            .append("\",path=\"/api/v1/items/").append(i)
            .append("\",status=\"").append(200 + i % 5)
            .append("\",instance=\"host-").append(i % 100).append(".example.com:9100")
            .append("\",job=\"api-server\",region=\"eu-west-1\",zone=\"eu-west-1").append((char) ('a' + i % 3))
            .append("\",pod=\"api-7d9f8c6b5-").append(Integer.toString(i * 7919 + f, 36))
            .append("\"} ").append(i * 3).append('\n');
      }
    }
    return end(sb, om);
  }

  /**
   * Histogram families with eight buckets per series and a counter per series, an exemplar on
   * every bucket and total (OpenMetrics); the same without exemplars in text 0.0.4.
   */
  public static String exemplarHeavy(ExpositionFormat format, int bytes) {
    boolean om = format == ExpositionFormat.OPENMETRICS_1_0_0;
    String[] le = {"0.005", "0.01", "0.05", "0.1", "0.5", "1.0", "5.0", "+Inf"};
    StringBuilder sb = new StringBuilder(bytes + 4096);
    for (int f = 0; sb.length() < bytes; f++) {
      String h = "latency" + f + "_seconds";
      header(sb, h, "histogram", om);
      for (int s = 0; s < 100; s++) {
        for (int b = 0; b < le.length; b++) {
          sb.append(h).append("_bucket{path=\"/p").append(s).append("\",le=\"").append(le[b])
              .append("\"} ").append(b * 10 + s);
          exemplar(sb, f, s, b, om);
          sb.append('\n');
        }
        sb.append(h).append("_count{path=\"/p").append(s).append("\"} ")
            .append((le.length - 1) * 10 + s).append('\n');
        sb.append(h).append("_sum{path=\"/p").append(s).append("\"} ").append(s).append(".25\n");
      }
      String c = "handled" + f;
      header(sb, c, "counter", om);
      for (int s = 0; s < 100; s++) {
        sb.append(c).append("_total{path=\"/p").append(s).append("\"} ").append(s);
        exemplar(sb, f, s, 0, om);
        sb.append('\n');
      }
    }
    return end(sb, om);
  }

  private static void exemplar(StringBuilder sb, int f, int s, int b, boolean om) {
    if (om) {
      sb.append(" # {trace_id=\"").append(String.format("%016x", (long) f * 1_000_003 + s * 31 + b))
          .append("\",span_id=\"").append(Integer.toHexString(s * 131 + b)).append("\"} 0.0")
          .append(b + 1).append(" 1700000000.").append(100 + s);
    }
  }

  private static void header(StringBuilder sb, String name, String type, boolean om) {
    String metadataName = om || !type.equals("counter") ? name : name + "_total";
    sb.append("# HELP ").append(metadataName).append(" The ").append(type).append(' ')
        .append(name).append(".\n");
    sb.append("# TYPE ").append(metadataName).append(' ').append(type).append('\n');
  }

  private static String end(StringBuilder sb, boolean om) {
    if (om) {
      sb.append("# EOF\n");
    }
    return sb.toString();
  }
}
