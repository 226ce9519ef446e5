package dev.hearth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which metrics hold how many series, and which labels cause them: returned by
 * {@link CollectorRegistry#cardinality()}, served as JSON by the exporters, printed by the CLI.
 *
 * <pre>{@code
 * for (CardinalityReport.MetricReport m : registry.cardinality().metrics()) {
 *   System.out.println(m.name() + " " + m.series() + "/" + m.limit() + " " + m.backendFit());
 * }
 * }</pre>
 *
 * <p>Immutable: a snapshot taken when it was made, metrics with the most series first.
 */
public final class CardinalityReport {
  /** How many top values per label the report keeps. */
  public static final int TOP_VALUES = 10;

  /** Where a metric's series count sits against the safe ranges of common backends. */
  public enum BackendFit {
    /** Up to 10,000 series: fine for a single Prometheus server. */
    SINGLE_PROMETHEUS(10_000),
    /** Up to 100,000: needs a horizontally scaled store such as Thanos or Cortex/Mimir. */
    THANOS_SCALE(100_000),
    /** Up to 1,000,000: only for stores built for it, such as VictoriaMetrics. */
    VICTORIAMETRICS_SCALE(1_000_000),
    /** More than 1,000,000: too many for any backend; and billed per series by SaaS vendors. */
    TOO_MANY(Long.MAX_VALUE);

    private final long maxSeries;

    BackendFit(long maxSeries) {
      this.maxSeries = maxSeries;
    }

    /** The largest series count in this class. */
    public long maxSeries() {
      return maxSeries;
    }

    /** The class of a series count. */
    public static BackendFit of(long series) {
      for (BackendFit f : values()) {
        if (series <= f.maxSeries) {
          return f;
        }
      }
      return TOO_MANY;
    }
  }

  /** One label of a metric: how many distinct values it has, and the values with most series. */
  public static final class LabelReport {
    private final String name;
    private final int distinctValues;
    private final List<Map.Entry<String, Integer>> topValues;

    LabelReport(String name, int distinctValues, List<Map.Entry<String, Integer>> topValues) {
      this.name = name;
      this.distinctValues = distinctValues;
      this.topValues = Collections.unmodifiableList(topValues);
    }

    /** The label name. */
    public String name() {
      return name;
    }

    /** The number of distinct values among the metric's series. */
    public int distinctValues() {
      return distinctValues;
    }

    /** Up to {@link #TOP_VALUES} values with the number of series having each, most first. */
    public List<Map.Entry<String, Integer>> topValues() {
      return topValues;
    }
  }

  /** One metric's entry. */
  public static final class MetricReport {
    private final String name;
    private final String type;
    private final int series;
    private final int limit;
    private final CardinalityPolicy policy;
    private final long overflowCount;
    private final List<LabelReport> labels;

    MetricReport(String name, String type, int series, int limit, CardinalityPolicy policy,
        long overflowCount, List<LabelReport> labels) {
      this.name = name;
      this.type = type;
      this.series = series;
      this.limit = limit;
      this.policy = policy;
      this.overflowCount = overflowCount;
      this.labels = Collections.unmodifiableList(labels);
    }

    /** The family name. */
    public String name() {
      return name;
    }

    /** The metric type, e.g. {@code counter}. */
    public String type() {
      return type;
    }

    /** The current number of series. */
    public int series() {
      return series;
    }

    /** The series limit ({@link Integer#MAX_VALUE}: unlimited). */
    public int limit() {
      return limit;
    }

    /** The policy past the limit. */
    public CardinalityPolicy policy() {
      return policy;
    }

    /** Lookups routed to overflow or dropped so far. */
    public long overflowCount() {
      return overflowCount;
    }

    /** The labels, most distinct values first. */
    public List<LabelReport> labels() {
      return labels;
    }

    /** Where {@link #series()} sits against the backends' safe ranges. */
    public BackendFit backendFit() {
      return BackendFit.of(series);
    }
  }

  private final List<MetricReport> metrics;

  private CardinalityReport(List<MetricReport> metrics) {
    this.metrics = Collections.unmodifiableList(metrics);
  }

  /** The metrics, most series first. */
  public List<MetricReport> metrics() {
    return metrics;
  }

  static CardinalityReport of(List<Collector> collectors) {
    List<MetricReport> out = new ArrayList<>();
    for (Collector c : collectors) {
      if (c instanceof Metric) {
        out.add(report((Metric<?>) c));
      }
    }
    out.sort(Comparator.comparingInt(MetricReport::series).reversed()
        .thenComparing(MetricReport::name));
    return new CardinalityReport(out);
  }

  private static MetricReport report(Metric<?> m) {
    List<String> names = m.labelNames();
    List<Map<String, Integer>> counts = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      counts.add(new HashMap<>());
    }
    m.forEachChild((labels, child) -> {
      for (int i = 0; i < names.size(); i++) {
        counts.get(i).merge(labels.value(i), 1, Integer::sum);
      }
    });
    List<LabelReport> labels = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.get(i).entrySet());
      entries.sort(Map.Entry.<String, Integer>comparingByValue().reversed()
          .thenComparing(Map.Entry.comparingByKey()));
      List<Map.Entry<String, Integer>> top = new ArrayList<>();
      for (Map.Entry<String, Integer> e : entries.subList(0, Math.min(TOP_VALUES, entries.size()))) {
        top.add(Map.entry(e.getKey(), e.getValue()));
      }
      labels.add(new LabelReport(names.get(i), entries.size(), top));
    }
    labels.sort(Comparator.comparingInt(LabelReport::distinctValues).reversed());
    return new MetricReport(m.name(), m.type().openMetricsName(), m.childCount(), m.maxSeries(),
        m.cardinalityPolicy(), m.overflowCount(), labels);
  }

  /** The report as JSON: {@code {"metrics":[{"name":...,"series":...,"labels":[...]}]}}. */
  public String toJson() {
    StringBuilder sb = new StringBuilder("{\"metrics\":[");
    for (int i = 0; i < metrics.size(); i++) {
      MetricReport m = metrics.get(i);
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"name\":");
      json(sb, m.name());
      sb.append(",\"type\":");
      json(sb, m.type());
      sb.append(",\"series\":").append(m.series());
      sb.append(",\"limit\":").append(m.limit() == Integer.MAX_VALUE ? "null" : String.valueOf(m.limit()));
      sb.append(",\"policy\":");
      json(sb, m.policy().name());
      sb.append(",\"overflow\":").append(m.overflowCount());
      sb.append(",\"backendFit\":");
      json(sb, m.backendFit().name());
      sb.append(",\"labels\":[");
      for (int j = 0; j < m.labels().size(); j++) {
        LabelReport l = m.labels().get(j);
        if (j > 0) {
          sb.append(',');
        }
        sb.append("{\"name\":");
        json(sb, l.name());
        sb.append(",\"distinctValues\":").append(l.distinctValues()).append(",\"topValues\":[");
        for (int k = 0; k < l.topValues().size(); k++) {
          if (k > 0) {
            sb.append(',');
          }
          sb.append("{\"value\":");
          json(sb, l.topValues().get(k).getKey());
          sb.append(",\"series\":").append(l.topValues().get(k).getValue()).append('}');
        }
        sb.append("]}");
      }
      sb.append("]}");
    }
    return sb.append("]}").toString();
  }

  /** The report as a plain-text table, one metric a line, for terminals. */
  public String toTable() {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "%-40s %-9s %9s %9s %-9s %10s  %s%n", "METRIC", "TYPE", "SERIES", "LIMIT", "POLICY",
        "OVERFLOW", "LABELS (distinct values)"));
    for (MetricReport m : metrics) {
      StringBuilder labels = new StringBuilder();
      for (LabelReport l : m.labels()) {
        if (labels.length() > 0) {
          labels.append(", ");
        }
        labels.append(l.name()).append('=').append(l.distinctValues());
      }
      sb.append(String.format(Locale.ROOT, "%-40s %-9s %9d %9s %-9s %10d  %s%n", m.name(), m.type(),
          m.series(), m.limit() == Integer.MAX_VALUE ? "-" : String.valueOf(m.limit()), m.policy(),
          m.overflowCount(), labels));
    }
    return sb.toString();
  }

  private static void json(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
  }
}
