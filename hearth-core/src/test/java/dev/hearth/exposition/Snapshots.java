package dev.hearth.exposition;

import static dev.hearth.testing.RandomCases.between;
import static dev.hearth.testing.RandomCases.decimal;
import static dev.hearth.testing.RandomCases.distinct;
import static dev.hearth.testing.RandomCases.list;
import static dev.hearth.testing.RandomCases.pick;
import static dev.hearth.testing.RandomCases.string;
import static dev.hearth.testing.RandomCases.weighted;

import dev.hearth.internal.Doubles;
import dev.hearth.model.CounterSnapshot;
import dev.hearth.model.DataPoint;
import dev.hearth.model.Exemplar;
import dev.hearth.model.GaugeSnapshot;
import dev.hearth.model.HistogramSnapshot;
import dev.hearth.model.InfoSnapshot;
import dev.hearth.model.Labels;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.Sample;
import dev.hearth.model.StateSetSnapshot;
import dev.hearth.model.SummarySnapshot;
import dev.hearth.model.UnknownSnapshot;
import dev.hearth.testing.WriteParse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Test support: canonical descriptions, format views, a fixture of every type, generators. */
final class Snapshots {
  static final long NO_TS = DataPoint.NO_TIMESTAMP;
  static final long T0 = 1_700_000_000_123L;

  private Snapshots() {}

  // ---------------------------------------------------------------- writing

  static String write(List<? extends MetricSnapshot<?>> families, ExpositionFormat format) {
    return WriteParse.write(families, format);
  }

  // ---------------------------------------------------------------- canonical form

  /** A readable, order-insensitive-for-labels description of families, for equality checks. */
  static String canonical(List<? extends MetricSnapshot<?>> families) {
    StringBuilder sb = new StringBuilder();
    for (MetricSnapshot<?> f : families) {
      sb.append(f.type()).append(' ').append(f.name()).append(" help=").append(quote(f.help()))
          .append(" unit=").append(f.unit()).append('\n');
      for (Sample s : f.samples()) {
        sb.append("  ").append(sample(s)).append('\n');
      }
    }
    return sb.toString();
  }

  static String sample(Sample s) {
    StringBuilder sb = new StringBuilder(s.name()).append(labels(s.labels())).append(' ')
        .append(Doubles.format(s.value()));
    if (s.timestampMillis() != NO_TS) {
      sb.append(" @").append(s.timestampMillis());
    }
    if (s.exemplar() != null) {
      Exemplar e = s.exemplar();
      sb.append(" # ").append(labels(e.labels())).append(' ').append(Doubles.format(e.value()));
      if (e.hasTimestamp()) {
        sb.append(" @").append(e.timestampMillis());
      }
    }
    return sb.toString();
  }

  static String labels(Labels l) {
    Map<String, String> sorted = new TreeMap<>(l.toMap());
    return sorted.entrySet().stream().map(e -> e.getKey() + "=" + quote(e.getValue()))
        .collect(Collectors.joining(",", "{", "}"));
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    s.codePoints().forEach(cp -> {
      if (cp < 0x20 || cp == '"' || cp == '\\' || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
        sb.append(String.format("\\u%04x", cp));
      } else {
        sb.appendCodePoint(cp);
      }
    });
    return sb.append('"').toString();
  }

  // ---------------------------------------------------------------- format views

  /**
   * What Hearth's parser reads from the text 0.0.4 output of {@code families}: as
   * {@link #pythonTextView}, but the {@code _created} gauges written after a counter, histogram or
   * summary are read back as its creation times.
   */
  static List<MetricSnapshot<?>> textView(List<? extends MetricSnapshot<?>> families) {
    return view(families, true);
  }

  /** What Python's parser reads from the text 0.0.4 output of {@code families}. */
  static List<MetricSnapshot<?>> pythonTextView(List<? extends MetricSnapshot<?>> families) {
    return view(families, false);
  }

  private static List<MetricSnapshot<?>> view(List<? extends MetricSnapshot<?>> families,
      boolean keepCreated) {
    List<MetricSnapshot<?>> out = new ArrayList<>();
    for (MetricSnapshot<?> f : families) {
      switch (f.type()) {
        case COUNTER: {
          List<CounterSnapshot.DataPoint> dps = new ArrayList<>();
          for (CounterSnapshot.DataPoint dp : ((CounterSnapshot) f).dataPoints()) {
            dps.add(new CounterSnapshot.DataPoint(dp.labels(), dp.value(), null,
                keepCreated ? dp.createdMillis() : NO_TS, dp.timestampMillis()));
          }
          out.add(new CounterSnapshot(f.name(), f.help(), "", dps));
          addCreatedGauge(f, out, keepCreated);
          break;
        }
        case GAUGE:
          out.add(new GaugeSnapshot(f.name(), f.help(), "", ((GaugeSnapshot) f).dataPoints()));
          break;
        case HISTOGRAM: {
          List<HistogramSnapshot.DataPoint> dps = new ArrayList<>();
          for (HistogramSnapshot.DataPoint dp : ((HistogramSnapshot) f).dataPoints()) {
            dps.add(new HistogramSnapshot.DataPoint(dp.labels(), bounds(dp), counts(dp), dp.sum(),
                null, keepCreated ? dp.createdMillis() : NO_TS, dp.timestampMillis()));
          }
          out.add(new HistogramSnapshot(f.name(), f.help(), "", dps));
          addCreatedGauge(f, out, keepCreated);
          break;
        }
        case SUMMARY: {
          List<SummarySnapshot.DataPoint> dps = new ArrayList<>();
          for (SummarySnapshot.DataPoint dp : ((SummarySnapshot) f).dataPoints()) {
            dps.add(new SummarySnapshot.DataPoint(dp.labels(), dp.count(), dp.sum(), quantiles(dp),
                quantileValues(dp), keepCreated ? dp.createdMillis() : NO_TS,
                dp.timestampMillis()));
          }
          out.add(new SummarySnapshot(f.name(), f.help(), "", dps));
          addCreatedGauge(f, out, keepCreated);
          break;
        }
        case INFO: {
          List<GaugeSnapshot.DataPoint> dps = new ArrayList<>();
          for (InfoSnapshot.DataPoint dp : ((InfoSnapshot) f).dataPoints()) {
            dps.add(new GaugeSnapshot.DataPoint(dp.labels(), 1.0, dp.timestampMillis()));
          }
          out.add(new GaugeSnapshot(f.name() + "_info", f.help(), "", dps));
          break;
        }
        case STATESET: {
          List<GaugeSnapshot.DataPoint> dps = new ArrayList<>();
          for (StateSetSnapshot.DataPoint dp : ((StateSetSnapshot) f).dataPoints()) {
            for (int i = 0; i < dp.size(); i++) {
              dps.add(new GaugeSnapshot.DataPoint(dp.labels().with(f.name(), dp.state(i)),
                  dp.enabled(i) ? 1 : 0, dp.timestampMillis()));
            }
          }
          out.add(new GaugeSnapshot(f.name(), f.help(), "", dps));
          break;
        }
        default: {
          List<UnknownSnapshot.DataPoint> dps = new ArrayList<>();
          for (UnknownSnapshot.DataPoint dp : ((UnknownSnapshot) f).dataPoints()) {
            dps.add(new UnknownSnapshot.DataPoint(dp.labels(), dp.value(), null,
                dp.timestampMillis()));
          }
          out.add(new UnknownSnapshot(f.name(), f.help(), "", dps));
        }
      }
    }
    return out;
  }

  private static void addCreatedGauge(MetricSnapshot<?> f, List<MetricSnapshot<?>> out,
      boolean keepCreated) {
    if (keepCreated) {
      return;
    }
    List<GaugeSnapshot.DataPoint> created = new ArrayList<>();
    for (DataPoint dp : f.dataPoints()) {
      if (dp.hasCreated()) {
        created.add(new GaugeSnapshot.DataPoint(dp.labels(), dp.createdMillis() / 1000.0,
            dp.timestampMillis()));
      }
    }
    if (!created.isEmpty()) {
      out.add(new GaugeSnapshot(f.name() + "_created", f.help(), "", created));
    }
  }

  /**
   * What parsing the OpenMetrics output of {@code families} yields: unknown-typed exemplars are
   * dropped, histograms with negative buckets lose their sum.
   */
  static List<MetricSnapshot<?>> openMetricsView(List<? extends MetricSnapshot<?>> families) {
    List<MetricSnapshot<?>> out = new ArrayList<>();
    for (MetricSnapshot<?> f : families) {
      if (f instanceof UnknownSnapshot) {
        List<UnknownSnapshot.DataPoint> dps = new ArrayList<>();
        for (UnknownSnapshot.DataPoint dp : ((UnknownSnapshot) f).dataPoints()) {
          dps.add(new UnknownSnapshot.DataPoint(dp.labels(), dp.value(), null,
              dp.timestampMillis()));
        }
        out.add(new UnknownSnapshot(f.name(), f.help(), f.unit(), dps));
      } else if (f instanceof HistogramSnapshot) {
        List<HistogramSnapshot.DataPoint> dps = new ArrayList<>();
        for (HistogramSnapshot.DataPoint dp : ((HistogramSnapshot) f).dataPoints()) {
          Exemplar[] ex = new Exemplar[dp.bucketCount()];
          for (int i = 0; i < ex.length; i++) {
            ex[i] = dp.exemplar(i);
          }
          dps.add(new HistogramSnapshot.DataPoint(dp.labels(), bounds(dp), counts(dp),
              dp.upperBound(0) < 0 ? Double.NaN : dp.sum(), ex, dp.createdMillis(),
              dp.timestampMillis()));
        }
        out.add(new HistogramSnapshot(f.name(), f.help(), f.unit(), dps));
      } else {
        out.add(f);
      }
    }
    return out;
  }

  static double[] bounds(HistogramSnapshot.DataPoint dp) {
    double[] b = new double[dp.bucketCount()];
    for (int i = 0; i < b.length; i++) {
      b[i] = dp.upperBound(i);
    }
    return b;
  }

  static double[] counts(HistogramSnapshot.DataPoint dp) {
    double[] c = new double[dp.bucketCount()];
    for (int i = 0; i < c.length; i++) {
      c[i] = dp.cumulativeCount(i);
    }
    return c;
  }

  static double[] quantiles(SummarySnapshot.DataPoint dp) {
    double[] q = new double[dp.quantileCount()];
    for (int i = 0; i < q.length; i++) {
      q[i] = dp.quantile(i);
    }
    return q;
  }

  static double[] quantileValues(SummarySnapshot.DataPoint dp) {
    double[] v = new double[dp.quantileCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = dp.quantileValue(i);
    }
    return v;
  }

  // ---------------------------------------------------------------- fixture

  /** One family of every type with escapes, special floats, exemplars, units and created. */
  static List<MetricSnapshot<?>> allTypes() {
    Labels getRoot = Labels.of("method", "GET", "path", "/");
    Labels escapes = Labels.of("path", "C:\\dir\\\"quoted\"\nnext", "method", "POST");
    Labels unicode = Labels.of("city", "Zürich ✓ 😀", "method", "GET");
    Exemplar trace = Exemplar.of(Labels.of("trace_id", "abc123", "span_id", "7"), 1.0, T0);
    Exemplar noTs = Exemplar.of(Labels.of("trace_id", "q\"\\\n}"), 0.05, NO_TS);
    List<MetricSnapshot<?>> all = new ArrayList<>();
    all.add(new CounterSnapshot("http_requests", "Requests handled.\nWith \\ and \"quotes\".", "",
        List.of(
            new CounterSnapshot.DataPoint(getRoot, 3, trace, T0 - 60_000, NO_TS),
            new CounterSnapshot.DataPoint(escapes, 1.5, null, T0 - 60_000, NO_TS),
            new CounterSnapshot.DataPoint(unicode, 1e21, null, NO_TS, NO_TS))));
    all.add(new CounterSnapshot("uptime_seconds", "Uptime.", "seconds", List.of(
        new CounterSnapshot.DataPoint(Labels.EMPTY, 12.25, null, NO_TS, T0))));
    all.add(new GaugeSnapshot("temperature_celsius", "Temperature.", "celsius", List.of(
        new GaugeSnapshot.DataPoint(Labels.of("room", "kitchen"), 21.5, NO_TS),
        new GaugeSnapshot.DataPoint(Labels.of("room", "freezer"), -18, NO_TS),
        new GaugeSnapshot.DataPoint(Labels.of("room", "sun"), Double.POSITIVE_INFINITY, NO_TS),
        new GaugeSnapshot.DataPoint(Labels.of("room", "void"), Double.NEGATIVE_INFINITY, NO_TS),
        new GaugeSnapshot.DataPoint(Labels.of("room", "unknown"), Double.NaN, NO_TS),
        new GaugeSnapshot.DataPoint(Labels.of("room", "tiny"), 1e-05, NO_TS),
        new GaugeSnapshot.DataPoint(Labels.of("room", "huge"), 12345678.9, NO_TS),
        new GaugeSnapshot.DataPoint(Labels.of("room", "million"), 1e6, NO_TS),
        new GaugeSnapshot.DataPoint(Labels.of("room", "zero"), -0.0, NO_TS),
        new GaugeSnapshot.DataPoint(Labels.of("room", "stamped"), 7, T0))));
    all.add(new HistogramSnapshot("request_latency_seconds", "Request latency.", "seconds",
        List.of(
            new HistogramSnapshot.DataPoint(Labels.of("service", "auth"),
                new double[] {0.005, 0.1, 1, 2.5, 1e7, Double.POSITIVE_INFINITY},
                new double[] {0, 1, 2, 2, 2, 2}, 0.75,
                new Exemplar[] {null, noTs, trace, null, null, null}, T0 - 1000, NO_TS),
            new HistogramSnapshot.DataPoint(Labels.of("service", "db"),
                new double[] {0.005, 0.1, 1, 2.5, 1e7, Double.POSITIVE_INFINITY},
                new double[] {0, 0, 0, 0, 1, 1}, 3, null, NO_TS, NO_TS))));
    all.add(new HistogramSnapshot("temperature_delta", "Signed buckets.", "", List.of(
        new HistogramSnapshot.DataPoint(Labels.EMPTY,
            new double[] {-10, 0, 10, Double.POSITIVE_INFINITY}, new double[] {1, 2, 3, 4}, 5,
            null, NO_TS, NO_TS))));
    all.add(new SummarySnapshot("response_size_bytes", "Response size.", "bytes", List.of(
        new SummarySnapshot.DataPoint(Labels.of("handler", "/"), 2, 1536,
            new double[] {0.5, 0.99}, new double[] {512, 1024}, T0 - 5000, NO_TS),
        new SummarySnapshot.DataPoint(Labels.of("handler", "/empty"), 0, 0,
            new double[] {0.5}, new double[] {Double.NaN}, NO_TS, NO_TS))));
    all.add(new InfoSnapshot("build", "Build information.", List.of(
        new InfoSnapshot.DataPoint(Labels.of("version", "1.2.3", "revision", "a\"b\\c"), NO_TS))));
    all.add(new StateSetSnapshot("task_state", "Task state.", List.of(
        new StateSetSnapshot.DataPoint(Labels.of("task", "backup"),
            new String[] {"starting", "running", "stopped"}, new boolean[] {false, true, false},
            NO_TS))));
    all.add(new UnknownSnapshot("legacy_value", "Something \\ untyped.", "", List.of(
        new UnknownSnapshot.DataPoint(Labels.EMPTY, 42, null, NO_TS),
        new UnknownSnapshot.DataPoint(Labels.of("dropped", "exemplar"), 1, trace, NO_TS))));
    all.add(new GaugeSnapshot("empty_family", "No series yet.", "", List.of()));
    all.add(new GaugeSnapshot("no_help", "", "", List.of(
        new GaugeSnapshot.DataPoint(Labels.EMPTY, 1, NO_TS))));
    return all;
  }

  // ---------------------------------------------------------------- generators
  //
  // Every generator draws from the Random it is given (see RandomCases), so a case is replayed
  // by its seed. Choices among alternatives are uniform unless weights are given.

  /** What the generated data must satisfy. */
  enum Profile {
    /**
     * Anything the model allows: NaN gauges and sums, non-integral and infinite counts, negative
     * bounds and timestamps, any exemplar text.
     */
    ANY,
    /** Valid for Python's OpenMetrics parser: counter-like values non-negative, integral counts. */
    PYTHON
  }

  private static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
  private static final String UPPER = LOWER.toUpperCase(Locale.ROOT);
  private static final String DIGITS = "0123456789";
  private static final String FAMILY_NAME_CHARS = LOWER + "_:09";
  private static final String LABEL_NAME_START = LOWER + UPPER + "_";
  private static final String LABEL_NAME_REST = LOWER + DIGITS + "_";
  private static final String ALPHANUMERIC = LOWER + UPPER + DIGITS;

  /** Code points that need escaping or are otherwise awkward. */
  private static final int[] SPECIAL_CODE_POINTS = {'\\', '"', '\n', '\r', '\t', ' ', ',', '{',
      '}', '=', '#', 0, 0x7f, 0x85, 0x2028, 0xfeff, 0xfffd, 0x1f600};

  private static final double[] SPECIAL_VALUES = {Double.NaN, Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY, -0.0, 0.0, 1e6, 1e-5, 0.1, 1e16, 1e22, Double.MIN_VALUE,
      Double.MAX_VALUE, 9007199254740993.0, 123456789012.5, -1234567.0};

  private static final double[] COMMON_BOUNDS = {0.005, 0.01, 0.1, 0.25, 1.0, 2.5, 10.0, 1e6,
      1.5e10, 0.0};

  private static final double[] COMMON_QUANTILES = {0.0, 0.5, 0.9, 0.99, 0.999, 1.0};

  /** Up to five families of every type, with unique names. */
  static List<MetricSnapshot<?>> exposition(Random r, Profile p) {
    int n = between(r, 0, 5);
    List<MetricSnapshot<?>> families = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      families.add(family(r, i, p));
    }
    return families;
  }

  /** A family of any type, named after {@code index}. */
  static MetricSnapshot<?> family(Random r, int index, Profile p) {
    switch (r.nextInt(7)) {
      case 0:
        return counter(r, index, p);
      case 1:
        return gauge(r, index, p);
      case 2:
        return histogram(r, index, p);
      case 3:
        return summary(r, index, p);
      case 4:
        return info(r, index, p);
      case 5:
        return stateSet(r, index, p);
      default:
        return unknown(r, index, p);
    }
  }

  /**
   * Up to {@code maxLength} code points from all of Unicode (no lone surrogates), often the
   * characters that need escaping.
   */
  static String unicode(Random r, int maxLength) {
    int n = r.nextInt(maxLength + 1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.appendCodePoint(codePoint(r));
    }
    return sb.toString();
  }

  private static int codePoint(Random r) {
    switch (weighted(r, 3, 4, 2, 1)) {
      case 0:
        return pick(r, SPECIAL_CODE_POINTS);
      case 1:
        return between(r, 0x20, 0x7e);
      case 2: {
        int c;
        do {
          c = between(r, 0, 0xffff);
        } while (c >= 0xd800 && c <= 0xdfff);
        return c;
      }
      default:
        return between(r, 0x10000, 0x10ffff);
    }
  }

  private static String familyName(Random r, int index) {
    return "m" + index + "_" + string(r, FAMILY_NAME_CHARS, 1, 6);
  }

  /** A family name that is also a valid label name (state sets label their states with it). */
  private static String labelSafeFamilyName(Random r, int index) {
    return familyName(r, index).replace(':', '_');
  }

  private static String unit(Random r) {
    return r.nextBoolean() ? "" : string(r, LOWER, 1, 5);
  }

  /** A label name; never with the reserved {@code __} prefix, which the model refuses. */
  private static String labelName(Random r) {
    String name;
    do {
      name = string(r, LABEL_NAME_START, 1, 1) + string(r, LABEL_NAME_REST, 0, 4);
    } while (name.startsWith("__"));
    return name;
  }

  /** Up to {@code maxSize} labels with distinct names outside {@code reserved}. */
  private static Labels labels(Random r, int maxSize, Set<String> reserved,
      Function<Random, String> values) {
    int n = r.nextInt(maxSize + 1);
    Map<String, String> map = new LinkedHashMap<>();
    while (map.size() < n) {
      String name = labelName(r);
      if (!reserved.contains(name) && !map.containsKey(name)) {
        map.put(name, values.apply(r));
      }
    }
    return Labels.of(map);
  }

  /** Up to four distinct label sets (series) without the names a type reserves. */
  private static List<Labels> series(Random r, Set<String> reserved, int maxValueLength) {
    return distinct(r, 4, x -> labels(x, 3, reserved, y -> unicode(y, maxValueLength)));
  }

  /** A sample value; non-negative and never NaN for {@link Profile#PYTHON}. */
  static double value(Random r, Profile p) {
    if (p == Profile.ANY) {
      return anyValue(r);
    }
    double d;
    do {
      d = Math.abs(anyValue(r));
    } while (Double.isNaN(d));
    return d;
  }

  private static double anyValue(Random r) {
    switch (weighted(r, 2, 3, 2, 2, 1)) {
      case 0:
        return pick(r, SPECIAL_VALUES);
      case 1:
        return between(r, -1000, 2_000_000);
      case 2:
        return between(r, -(1L << 55), 1L << 55);
      case 3:
        return decimal(r, -1e20, 1e20);
      default:
        return Double.longBitsToDouble(r.nextLong());
    }
  }

  /** A counter total or count: non-negative and not NaN, as the model requires. */
  private static double counterValue(Random r) {
    return value(r, Profile.PYTHON);
  }

  private static double gaugeValue(Random r) {
    return value(r, Profile.ANY);
  }

  private static long timestamp(Random r, Profile p) {
    long min = p == Profile.ANY ? -1_000_000_000_000L : 0;
    switch (r.nextInt(3)) {
      case 0:
        return NO_TS;
      case 1:
        return between(r, min, 4_102_444_800_000L);
      default:
        return T0;
    }
  }

  /** Null two times in three. */
  private static Exemplar exemplar(Random r, Profile p) {
    if (weighted(r, 2, 1) == 0) {
      return null;
    }
    Labels labels = labels(r, 2, Set.of(),
        p == Profile.ANY ? x -> unicode(x, 10) : x -> string(x, ALPHANUMERIC, 0, 10));
    return Exemplar.of(labels, gaugeValue(r), timestamp(r, p));
  }

  private static <T> List<T> points(List<Labels> series, Function<Labels, T> point) {
    List<T> out = new ArrayList<>(series.size());
    for (Labels l : series) {
      out.add(point.apply(l));
    }
    return out;
  }

  private static MetricSnapshot<?> counter(Random r, int index, Profile p) {
    String name = familyName(r, index);
    String help = unicode(r, 20);
    String unit = unit(r);
    List<CounterSnapshot.DataPoint> dps = points(series(r, Set.of(), 8),
        l -> new CounterSnapshot.DataPoint(l, counterValue(r), exemplar(r, p), timestamp(r, p),
            timestamp(r, p)));
    return new CounterSnapshot(withUnit(name, unit), help, unit, dps);
  }

  private static MetricSnapshot<?> gauge(Random r, int index, Profile p) {
    String name = familyName(r, index);
    String help = unicode(r, 20);
    String unit = unit(r);
    List<GaugeSnapshot.DataPoint> dps = points(series(r, Set.of(), 8),
        l -> new GaugeSnapshot.DataPoint(l, gaugeValue(r), timestamp(r, p)));
    return new GaugeSnapshot(withUnit(name, unit), help, unit, dps);
  }

  private static MetricSnapshot<?> unknown(Random r, int index, Profile p) {
    String name = familyName(r, index);
    String help = unicode(r, 20);
    String unit = unit(r);
    List<UnknownSnapshot.DataPoint> dps = points(series(r, Set.of(), 8),
        l -> new UnknownSnapshot.DataPoint(l, gaugeValue(r),
            p == Profile.ANY ? exemplar(r, p) : null, timestamp(r, p)));
    return new UnknownSnapshot(withUnit(name, unit), help, unit, dps);
  }

  /** Up to five distinct sorted bounds (never -0.0), then +Inf. */
  private static double[] bounds(Random r, Profile p) {
    List<Double> set = distinct(r, 5, x -> {
      double d;
      switch (x.nextInt(3)) {
        case 0:
          d = pick(x, COMMON_BOUNDS);
          break;
        case 1:
          d = decimal(x, p == Profile.ANY ? -100 : 0, 1e7);
          break;
        default:
          d = p == Profile.ANY ? pick(x, Double.NEGATIVE_INFINITY, -1.0) : 1.0;
      }
      return d == 0 ? 0.0 : d;
    });
    double[] b = set.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    b = Arrays.copyOf(b, b.length + 1);
    b[b.length - 1] = Double.POSITIVE_INFINITY;
    return b;
  }

  private static MetricSnapshot<?> histogram(Random r, int index, Profile p) {
    String name = familyName(r, index);
    String help = unicode(r, 20);
    String unit = unit(r);
    List<HistogramSnapshot.DataPoint> dps = points(series(r, Set.of("le"), 8), l -> {
      double[] b = bounds(r, p);
      double[] counts = new double[b.length];
      double c = 0;
      for (int i = 0; i < b.length; i++) {
        // ANY: any non-decreasing counts (fractions, +Inf); PYTHON: cumulative integral counts
        c = p == Profile.ANY ? Math.max(c, counterValue(r)) : c + between(r, 0, 1000);
        counts[i] = c;
      }
      double sum = value(r, p);
      Exemplar[] ex = list(r, b.length, x -> exemplar(x, p)).toArray(new Exemplar[0]);
      return new HistogramSnapshot.DataPoint(l, b, counts, sum, ex, timestamp(r, p),
          timestamp(r, p));
    });
    return new HistogramSnapshot(withUnit(name, unit), help, unit, dps);
  }

  private static MetricSnapshot<?> summary(Random r, int index, Profile p) {
    String name = familyName(r, index);
    String help = unicode(r, 20);
    String unit = unit(r);
    List<SummarySnapshot.DataPoint> dps = points(series(r, Set.of("quantile"), 8), l -> {
      double[] q = distinct(r, 4, x -> x.nextBoolean() ? pick(x, COMMON_QUANTILES)
          : decimal(x, 0, 1)).stream().mapToDouble(Double::doubleValue).sorted().toArray();
      double[] values = new double[q.length];
      for (int i = 0; i < values.length; i++) {
        values[i] = value(r, p);
      }
      double count = p == Profile.ANY ? counterValue(r) : between(r, 0, 100_000);
      return new SummarySnapshot.DataPoint(l, count, value(r, p), q, values, timestamp(r, p),
          timestamp(r, p));
    });
    return new SummarySnapshot(withUnit(name, unit), help, unit, dps);
  }

  private static MetricSnapshot<?> info(Random r, int index, Profile p) {
    String name = familyName(r, index);
    String help = unicode(r, 20);
    List<Labels> series = series(r, Set.of(), 8);
    // Python's OpenMetrics parser treats all info series as one group and so rejects a family
    // where some series have a timestamp and others do not: give them all the same one there.
    long shared = timestamp(r, p);
    List<InfoSnapshot.DataPoint> dps = points(series,
        l -> new InfoSnapshot.DataPoint(l, p == Profile.PYTHON ? shared : timestamp(r, p)));
    return new InfoSnapshot(name, help, dps);
  }

  private static MetricSnapshot<?> stateSet(Random r, int index, Profile p) {
    String name = labelSafeFamilyName(r, index);
    String help = unicode(r, 20);
    List<StateSetSnapshot.DataPoint> dps = points(series(r, Set.of(name), 8), l -> {
      List<String> states = distinct(r, 3, x -> unicode(x, 6));
      boolean[] enabled = new boolean[states.size()];
      for (int i = 0; i < enabled.length; i++) {
        enabled[i] = r.nextBoolean();
      }
      return new StateSetSnapshot.DataPoint(l, states.toArray(new String[0]), enabled,
          timestamp(r, p));
    });
    return new StateSetSnapshot(name, help, dps);
  }

  private static String withUnit(String name, String unit) {
    return unit.isEmpty() ? name : name + "_" + unit;
  }
}
