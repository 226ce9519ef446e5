package dev.hearth.exposition;

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
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/** Test support: canonical descriptions, format views, a fixture of every type, generators. */
final class Snapshots {
  static final long NO_TS = DataPoint.NO_TIMESTAMP;
  static final long T0 = 1_700_000_000_123L;

  private Snapshots() {}

  // ---------------------------------------------------------------- writing

  static String write(List<? extends MetricSnapshot<?>> families, ExpositionFormat format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      Exposition.write(out, families, format);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
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

  /** What parsing the text 0.0.4 output of {@code families} yields, as Python's parser would. */
  static List<MetricSnapshot<?>> textView(List<? extends MetricSnapshot<?>> families) {
    List<MetricSnapshot<?>> out = new ArrayList<>();
    for (MetricSnapshot<?> f : families) {
      switch (f.type()) {
        case COUNTER: {
          List<CounterSnapshot.DataPoint> dps = new ArrayList<>();
          for (CounterSnapshot.DataPoint dp : ((CounterSnapshot) f).dataPoints()) {
            dps.add(new CounterSnapshot.DataPoint(dp.labels(), dp.value(), null, NO_TS,
                dp.timestampMillis()));
          }
          out.add(new CounterSnapshot(f.name(), f.help(), "", dps));
          addCreatedGauge(f, out);
          break;
        }
        case GAUGE:
          out.add(new GaugeSnapshot(f.name(), f.help(), "", ((GaugeSnapshot) f).dataPoints()));
          break;
        case HISTOGRAM: {
          List<HistogramSnapshot.DataPoint> dps = new ArrayList<>();
          for (HistogramSnapshot.DataPoint dp : ((HistogramSnapshot) f).dataPoints()) {
            dps.add(new HistogramSnapshot.DataPoint(dp.labels(), bounds(dp), counts(dp), dp.sum(),
                null, NO_TS, dp.timestampMillis()));
          }
          out.add(new HistogramSnapshot(f.name(), f.help(), "", dps));
          addCreatedGauge(f, out);
          break;
        }
        case SUMMARY: {
          List<SummarySnapshot.DataPoint> dps = new ArrayList<>();
          for (SummarySnapshot.DataPoint dp : ((SummarySnapshot) f).dataPoints()) {
            dps.add(new SummarySnapshot.DataPoint(dp.labels(), dp.count(), dp.sum(), quantiles(dp),
                quantileValues(dp), NO_TS, dp.timestampMillis()));
          }
          out.add(new SummarySnapshot(f.name(), f.help(), "", dps));
          addCreatedGauge(f, out);
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

  private static void addCreatedGauge(MetricSnapshot<?> f, List<MetricSnapshot<?>> out) {
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

  /** What the generated data must satisfy. */
  enum Profile {
    /** Anything the model allows: NaN counters, negative bounds and timestamps, any exemplar text. */
    ANY,
    /** Valid for Python's OpenMetrics parser: counter-like values non-negative, integral counts. */
    PYTHON
  }

  /** Lists of families of every type, with unique names. */
  static Arbitrary<List<MetricSnapshot<?>>> expositions(Profile p) {
    return Arbitraries.integers().between(0, 5).flatMap(n -> {
      List<Arbitrary<MetricSnapshot<?>>> families = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        families.add(family(i, p));
      }
      return Combinators.combine(families).as(l -> l);
    });
  }

  static Arbitrary<MetricSnapshot<?>> family(int index, Profile p) {
    return Arbitraries.oneOf(List.of(
        counter(index, p), gauge(index, p), histogram(index, p), summary(index, p),
        info(index, p), stateSet(index, p), unknown(index, p)));
  }

  /** Code points from all of Unicode (no lone surrogates), often the characters that need escaping. */
  static Arbitrary<String> unicode(int maxLength) {
    Arbitrary<Integer> special = Arbitraries.of((int) '\\', (int) '"', (int) '\n', (int) '\r',
        (int) '\t', (int) ' ', (int) ',', (int) '{', (int) '}', (int) '=', (int) '#', 0, 0x7f,
        0x85, 0x2028, 0xfeff, 0xfffd, 0x1f600);
    Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
        Tuple.of(3, special),
        Tuple.of(4, Arbitraries.integers().between(0x20, 0x7e)),
        Tuple.of(2, Arbitraries.integers().between(0, 0xffff)
            .filter(c -> c < 0xd800 || c > 0xdfff)),
        Tuple.of(1, Arbitraries.integers().between(0x10000, 0x10ffff)));
    return codePoint.list().ofMaxSize(maxLength).map(cps -> {
      StringBuilder sb = new StringBuilder();
      cps.forEach(sb::appendCodePoint);
      return sb.toString();
    });
  }

  private static Arbitrary<String> familyName(int index) {
    return Arbitraries.strings().withCharRange('a', 'z').withChars('_', ':', '0', '9')
        .ofMinLength(1).ofMaxLength(6).map(s -> "m" + index + "_" + s);
  }

  /** A family name that is also a valid label name (state sets label their states with it). */
  private static Arbitrary<String> labelSafeFamilyName(int index) {
    return familyName(index).map(s -> s.replace(':', '_'));
  }

  private static Arbitrary<String> unit() {
    return Arbitraries.oneOf(Arbitraries.just(""),
        Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(5));
  }

  private static Arbitrary<String> labelName() {
    Arbitrary<String> first = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
        .withChars('_').ofLength(1);
    Arbitrary<String> rest = Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
        .withChars('_').ofMaxLength(4);
    return Combinators.combine(first, rest).as(String::concat);
  }

  /** Up to four distinct label sets (series) without the names a type reserves. */
  private static Arbitrary<List<Labels>> series(Set<String> reserved, int maxValueLength) {
    Arbitrary<Labels> labels = Arbitraries.maps(labelName().filter(n -> !reserved.contains(n)),
        unicode(maxValueLength)).ofMaxSize(3).map(Labels::of);
    return labels.list().ofMaxSize(4).uniqueElements();
  }

  static Arbitrary<Double> value(Profile p) {
    Arbitrary<Double> any = Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            -0.0, 0.0, 1e6, 1e-5, 0.1, 1e16, 1e22, Double.MIN_VALUE, Double.MAX_VALUE,
            9007199254740993.0, 123456789012.5, -1234567.0)),
        Tuple.of(3, Arbitraries.integers().between(-1000, 2_000_000).map(i -> (double) i)),
        Tuple.of(2, Arbitraries.longs().between(-(1L << 55), 1L << 55).map(l -> (double) l)),
        Tuple.of(2, Arbitraries.doubles().between(-1e20, 1e20)),
        Tuple.of(1, Arbitraries.longs().map(Double::longBitsToDouble)));
    return p == Profile.ANY ? any : any.map(Math::abs).filter(d -> !Double.isNaN(d));
  }

  private static Arbitrary<Double> gaugeValue() {
    return value(Profile.ANY);
  }

  private static Arbitrary<Long> timestamp(Profile p) {
    long min = p == Profile.ANY ? -1_000_000_000_000L : 0;
    return Arbitraries.oneOf(Arbitraries.just(NO_TS),
        Arbitraries.longs().between(min, 4_102_444_800_000L), Arbitraries.just(T0));
  }

  private static Arbitrary<Exemplar> exemplar(Profile p) {
    Arbitrary<String> values = p == Profile.ANY ? unicode(10)
        : Arbitraries.strings().alpha().numeric().ofMaxLength(10);
    Arbitrary<Labels> labels = Arbitraries.maps(labelName(), values).ofMaxSize(2).map(Labels::of);
    Arbitrary<Exemplar> ex = Combinators.combine(labels, gaugeValue(), timestamp(p))
        .as(Exemplar::of);
    return Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(null)), Tuple.of(1, ex));
  }

  private static <T> Arbitrary<List<T>> points(List<Labels> series,
      java.util.function.Function<Labels, Arbitrary<T>> point) {
    List<Arbitrary<T>> arbitraries = new ArrayList<>();
    for (Labels l : series) {
      arbitraries.add(point.apply(l));
    }
    return Combinators.combine(arbitraries).as(l -> l);
  }

  private static Arbitrary<MetricSnapshot<?>> counter(int index, Profile p) {
    return Combinators.combine(familyName(index), unicode(20), unit(), series(Set.of(), 8))
        .as((name, help, unit, series) -> points(series, l -> Combinators
            .combine(value(p), exemplar(p), timestamp(p), timestamp(p))
            .as((v, ex, created, ts) -> new CounterSnapshot.DataPoint(l, v, ex, created, ts)))
            .<MetricSnapshot<?>>map(dps -> new CounterSnapshot(withUnit(name, unit), help, unit,
                dps)))
        .flatMap(a -> a);
  }

  private static Arbitrary<MetricSnapshot<?>> gauge(int index, Profile p) {
    return Combinators.combine(familyName(index), unicode(20), unit(), series(Set.of(), 8))
        .as((name, help, unit, series) -> points(series, l -> Combinators
            .combine(gaugeValue(), timestamp(p))
            .as((v, ts) -> new GaugeSnapshot.DataPoint(l, v, ts)))
            .<MetricSnapshot<?>>map(dps -> new GaugeSnapshot(withUnit(name, unit), help, unit,
                dps)))
        .flatMap(a -> a);
  }

  private static Arbitrary<MetricSnapshot<?>> unknown(int index, Profile p) {
    return Combinators.combine(familyName(index), unicode(20), unit(), series(Set.of(), 8))
        .as((name, help, unit, series) -> points(series, l -> Combinators
            .combine(gaugeValue(), timestamp(p), exemplar(p))
            .as((v, ts, ex) -> new UnknownSnapshot.DataPoint(l, v,
                p == Profile.ANY ? ex : null, ts)))
            .<MetricSnapshot<?>>map(dps -> new UnknownSnapshot(withUnit(name, unit), help, unit,
                dps)))
        .flatMap(a -> a);
  }

  private static Arbitrary<MetricSnapshot<?>> histogram(int index, Profile p) {
    Arbitrary<Double> boundValue = Arbitraries.oneOf(
        Arbitraries.of(0.005, 0.01, 0.1, 0.25, 1.0, 2.5, 10.0, 1e6, 1.5e10, 0.0),
        Arbitraries.doubles().between(p == Profile.ANY ? -100 : 0, 1e7),
        p == Profile.ANY ? Arbitraries.of(Double.NEGATIVE_INFINITY, -1.0) : Arbitraries.just(1.0));
    Arbitrary<double[]> bounds = boundValue.map(d -> d == 0 ? 0.0 : d).set().ofMaxSize(5)
        .map(set -> {
          double[] b = set.stream().mapToDouble(Double::doubleValue).sorted().toArray();
          b = Arrays.copyOf(b, b.length + 1);
          b[b.length - 1] = Double.POSITIVE_INFINITY;
          return b;
        });
    Arbitrary<Double> increment = p == Profile.ANY ? value(p)
        : Arbitraries.integers().between(0, 1000).map(i -> (double) i);
    return Combinators.combine(familyName(index), unicode(20), unit(), series(Set.of("le"), 8))
        .as((name, help, unit, series) -> points(series, l -> bounds.flatMap(b -> Combinators
            .combine(increment.list().ofSize(b.length), value(p), exemplar(p).list()
                .ofSize(b.length), timestamp(p), timestamp(p))
            .as((inc, sum, ex, created, ts) -> {
              double[] counts = new double[b.length];
              double c = 0;
              for (int i = 0; i < b.length; i++) {
                c = p == Profile.ANY ? inc.get(i) : c + inc.get(i);
                counts[i] = c;
              }
              return new HistogramSnapshot.DataPoint(l, b, counts, sum,
                  ex.toArray(new Exemplar[0]), created, ts);
            })))
            .<MetricSnapshot<?>>map(dps -> new HistogramSnapshot(withUnit(name, unit), help,
                unit, dps)))
        .flatMap(a -> a);
  }

  private static Arbitrary<MetricSnapshot<?>> summary(int index, Profile p) {
    Arbitrary<double[]> quantiles = Arbitraries.oneOf(
        Arbitraries.of(0.0, 0.5, 0.9, 0.99, 0.999, 1.0), Arbitraries.doubles().between(0, 1))
        .set().ofMaxSize(4).map(s -> s.stream().mapToDouble(Double::doubleValue).sorted()
            .toArray());
    Arbitrary<Double> count = p == Profile.ANY ? value(p)
        : Arbitraries.integers().between(0, 100000).map(i -> (double) i);
    return Combinators.combine(familyName(index), unicode(20), unit(),
            series(Set.of("quantile"), 8))
        .as((name, help, unit, series) -> points(series, l -> quantiles.flatMap(q -> Combinators
            .combine(value(p).list().ofSize(q.length), count, value(p), timestamp(p),
                timestamp(p))
            .as((values, n, sum, created, ts) -> new SummarySnapshot.DataPoint(l, n, sum, q,
                values.stream().mapToDouble(Double::doubleValue).toArray(), created, ts))))
            .<MetricSnapshot<?>>map(dps -> new SummarySnapshot(withUnit(name, unit), help, unit,
                dps)))
        .flatMap(a -> a);
  }

  private static Arbitrary<MetricSnapshot<?>> info(int index, Profile p) {
    // Python's OpenMetrics parser treats all info series as one group and so rejects a family
    // where some series have a timestamp and others do not: give them all the same one there.
    return Combinators.combine(familyName(index), unicode(20), series(Set.of(), 8), timestamp(p))
        .as((name, help, series, shared) -> points(series, l -> timestamp(p)
            .map(ts -> new InfoSnapshot.DataPoint(l, p == Profile.PYTHON ? shared : ts)))
            .<MetricSnapshot<?>>map(dps -> new InfoSnapshot(name, help, dps)))
        .flatMap(a -> a);
  }

  private static Arbitrary<MetricSnapshot<?>> stateSet(int index, Profile p) {
    return labelSafeFamilyName(index).flatMap(name -> Combinators
        .combine(unicode(20), series(Set.of(name), 8))
        .as((help, series) -> points(series, l -> unicode(6).set().ofMaxSize(3).flatMap(states ->
            Arbitraries.of(true, false).list().ofSize(states.size()).flatMap(enabled ->
                timestamp(p).map(ts -> {
                  boolean[] flags = new boolean[enabled.size()];
                  for (int i = 0; i < flags.length; i++) {
                    flags[i] = enabled.get(i);
                  }
                  return new StateSetSnapshot.DataPoint(l, states.toArray(new String[0]), flags,
                      ts);
                }))))
            .<MetricSnapshot<?>>map(dps -> new StateSetSnapshot(name, help, dps)))
        .flatMap(a -> a));
  }

  private static String withUnit(String name, String unit) {
    return unit.isEmpty() ? name : name + "_" + unit;
  }
}
