package dev.hearth.exposition;

import dev.hearth.internal.ModelAccess;
import dev.hearth.model.CounterSnapshot;
import dev.hearth.model.DataPoint;
import dev.hearth.model.Exemplar;
import dev.hearth.model.GaugeSnapshot;
import dev.hearth.model.HistogramSnapshot;
import dev.hearth.model.InfoSnapshot;
import dev.hearth.model.Labels;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.MetricType;
import dev.hearth.model.StateSetSnapshot;
import dev.hearth.model.SummarySnapshot;
import dev.hearth.model.UnknownSnapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the samples of one family into a typed snapshot: groups them into data points by their
 * labels (without {@code le}, {@code quantile} or the state set label), in order of first
 * appearance, and checks what the model cannot represent.
 */
final class FamilyAssembler {
  private static final long NO_TS = DataPoint.NO_TIMESTAMP;
  private static final double[] NO_DOUBLES = new double[0];

  private final String name;
  private final boolean om;
  private final Map<SeriesKey, Acc> groups;

  private FamilyAssembler(String name, boolean om, int samples) {
    this.name = name;
    this.om = om;
    // at most one group per sample: no rehashing for small families (most have one or a few)
    this.groups = new LinkedHashMap<>(Math.min(samples, 1 << 12) * 4 / 3 + 1);
  }

  static MetricSnapshot<?> assemble(String name, String help, String unit, MetricType type,
      List<RawSample> samples, int familyLine, boolean om) {
    if (om && !unit.isEmpty()) {
      if (type == MetricType.INFO || type == MetricType.STATESET) {
        throw new ParseException(familyLine, "metric '" + name + "' of type "
            + type.openMetricsName() + " cannot have a unit");
      }
      if (!name.endsWith("_" + unit)) {
        throw new ParseException(familyLine,
            "metric name '" + name + "' does not end with its unit '_" + unit + "'");
      }
    }
    FamilyAssembler a = new FamilyAssembler(name, om, samples.size());
    try {
      switch (type) {
        case COUNTER:
          return a.counter(help, unit, samples);
        case GAUGE:
          return new GaugeSnapshot(name, help, unit, a.simple(samples, GaugeSnapshot.DataPoint.class));
        case HISTOGRAM:
          return a.histogram(help, unit, samples);
        case SUMMARY:
          return a.summary(help, unit, samples);
        case INFO:
          return a.info(help, samples);
        case STATESET:
          return a.stateSet(help, samples);
        default:
          return new UnknownSnapshot(name, help, unit,
              a.simple(samples, UnknownSnapshot.DataPoint.class));
      }
    } catch (IllegalArgumentException e) {
      // a model invariant the checks above did not catch (e.g. a quantile outside [0, 1])
      throw new ParseException(a.currentLine, e.getMessage());
    }
  }

  private int currentLine;

  /** Accumulates the samples of one data point. */
  private static final class Acc {
    final Labels labels;
    final int line;
    final long timestamp;
    boolean hasValue;
    double value;
    Exemplar exemplar;
    long created = NO_TS;
    boolean hasCount;
    double count;
    boolean hasSum;
    double sum;
    int n;
    double[] keys = NO_DOUBLES; // bucket bounds or quantiles, allocated by the first add
    double[] values = NO_DOUBLES;
    Exemplar[] exemplars;
    List<String> states;
    List<Boolean> enabled;
    Set<Object> seen; // quantiles or states, to find duplicates

    Acc(Labels labels, int line, long timestamp) {
      this.labels = labels;
      this.line = line;
      this.timestamp = timestamp;
    }

    void add(double key, double value, Exemplar exemplar) {
      if (n == keys.length) {
        int size = Math.max(4, n * 2);
        keys = Arrays.copyOf(keys, size);
        values = Arrays.copyOf(values, size);
        if (exemplars != null) {
          exemplars = Arrays.copyOf(exemplars, size);
        }
      }
      if (exemplar != null && exemplars == null) {
        exemplars = new Exemplar[keys.length];
      }
      keys[n] = key;
      values[n] = value;
      if (exemplars != null) {
        exemplars[n] = exemplar;
      }
      n++;
    }
  }

  /** A histogram's or summary's {@code _count}, {@code _sum} or {@code _created} sample. */
  private void countSumOrCreated(RawSample s, Acc acc, String count, String sum) {
    if (s.name.equals(count)) {
      if (acc.hasCount) {
        throw duplicate(s);
      }
      acc.hasCount = true;
      acc.count = s.value;
    } else if (s.name.equals(sum)) {
      if (acc.hasSum) {
        throw duplicate(s);
      }
      acc.hasSum = true;
      acc.sum = s.value;
    } else {
      acc.created = createdMillis(s, acc);
    }
  }

  /** The group of {@code s}, keyed by its labels without {@code special} (may be null). */
  private Acc group(RawSample s, String special) {
    currentLine = s.line;
    int n = s.labelNames.length;
    int skip = -1;
    if (special != null) {
      for (int i = 0; i < n; i++) {
        if (s.labelNames[i].equals(special)) {
          skip = i;
        }
      }
    }
    String[] names = s.labelNames;
    String[] values = s.labelValues;
    if (skip >= 0) {
      names = new String[n - 1];
      values = new String[n - 1];
      for (int i = 0, j = 0; i < n; i++) {
        if (i != skip) {
          names[j] = s.labelNames[i];
          values[j++] = s.labelValues[i];
        }
      }
    }
    SeriesKey key = new SeriesKey(names, values);
    Acc acc = groups.get(key);
    if (acc == null) {
      acc = new Acc(ModelAccess.labels(names, values), s.line, s.timestampMillis);
      groups.put(key, acc);
    }
    return acc;
  }

  private void noExemplar(RawSample s) {
    if (s.exemplar != null) {
      throw new ParseException(s.line,
          "only counter _total and histogram _bucket samples can have exemplars, not '"
              + s.name + "'");
    }
  }

  private ParseException duplicate(RawSample s) {
    return new ParseException(s.line, "duplicate sample '" + s.name + "' for labels "
        + describe(s));
  }

  private static String describe(RawSample s) {
    return TextParser.shorten(ModelAccess.labels(s.labelNames, s.labelValues).toString());
  }

  private long createdMillis(RawSample s, Acc acc) {
    noExemplar(s);
    if (acc.created != NO_TS) {
      throw duplicate(s);
    }
    return createdMillis(s);
  }

  private static long createdMillis(RawSample s) {
    if (!(Math.abs(s.value) < 9.2e15)) {
      throw new ParseException(s.line, "invalid creation time " + s.value + " of '" + s.name + "'");
    }
    return Math.round(s.value * 1000);
  }

  /**
   * Text 0.0.4: {@code parent} with the creation times of the {@code name_created} gauge family
   * Python (and Hearth) write right after a counter, histogram or summary. Each created sample
   * must match a series of the parent; its timestamp and the family's HELP are not kept.
   */
  static MetricSnapshot<?> withCreated(MetricSnapshot<?> parent, List<RawSample> created) {
    List<? extends DataPoint> dps = parent.dataPoints();
    Map<SeriesKey, Integer> index = new HashMap<>();
    for (int i = 0; i < dps.size(); i++) {
      index.put(SeriesKey.of(dps.get(i).labels()), i);
    }
    long[] millis = new long[dps.size()];
    Arrays.fill(millis, NO_TS);
    for (RawSample s : created) {
      if (s.exemplar != null) {
        throw new ParseException(s.line, "'" + s.name + "' cannot have an exemplar");
      }
      Integer i = index.get(new SeriesKey(s.labelNames, s.labelValues));
      if (i == null) {
        throw new ParseException(s.line, "'" + s.name + "' " + describe(s) + " has no series in "
            + parent.type().openMetricsName() + " '" + parent.name()
            + "' to give a creation time to");
      }
      if (millis[i] != NO_TS) {
        throw new ParseException(s.line, "duplicate sample '" + s.name + "' for labels "
            + describe(s));
      }
      millis[i] = createdMillis(s);
    }
    switch (parent.type()) {
      case COUNTER: {
        List<CounterSnapshot.DataPoint> out = new ArrayList<>(dps.size());
        for (int i = 0; i < dps.size(); i++) {
          CounterSnapshot.DataPoint dp = (CounterSnapshot.DataPoint) dps.get(i);
          out.add(new CounterSnapshot.DataPoint(dp.labels(), dp.value(), dp.exemplar(), millis[i],
              dp.timestampMillis()));
        }
        return new CounterSnapshot(parent.name(), parent.help(), parent.unit(), out);
      }
      case HISTOGRAM: {
        List<HistogramSnapshot.DataPoint> out = new ArrayList<>(dps.size());
        for (int i = 0; i < dps.size(); i++) {
          HistogramSnapshot.DataPoint dp = (HistogramSnapshot.DataPoint) dps.get(i);
          int n = dp.bucketCount();
          double[] bounds = new double[n];
          double[] counts = new double[n];
          Exemplar[] exemplars = new Exemplar[n];
          for (int b = 0; b < n; b++) {
            bounds[b] = dp.upperBound(b);
            counts[b] = dp.cumulativeCount(b);
            exemplars[b] = dp.exemplar(b);
          }
          out.add(new HistogramSnapshot.DataPoint(dp.labels(), bounds, counts, dp.sum(), exemplars,
              millis[i], dp.timestampMillis()));
        }
        return new HistogramSnapshot(parent.name(), parent.help(), parent.unit(), out);
      }
      default: {
        List<SummarySnapshot.DataPoint> out = new ArrayList<>(dps.size());
        for (int i = 0; i < dps.size(); i++) {
          SummarySnapshot.DataPoint dp = (SummarySnapshot.DataPoint) dps.get(i);
          int n = dp.quantileCount();
          double[] quantiles = new double[n];
          double[] values = new double[n];
          for (int q = 0; q < n; q++) {
            quantiles[q] = dp.quantile(q);
            values[q] = dp.quantileValue(q);
          }
          out.add(new SummarySnapshot.DataPoint(dp.labels(), dp.count(), dp.sum(), quantiles, values,
              millis[i], dp.timestampMillis()));
        }
        return new SummarySnapshot(parent.name(), parent.help(), parent.unit(), out);
      }
    }
  }

  // ---- types

  private CounterSnapshot counter(String help, String unit, List<RawSample> samples) {
    String created = name + "_created";
    for (RawSample s : samples) {
      Acc acc = group(s, null);
      if (om && s.name.equals(created)) {
        acc.created = createdMillis(s, acc);
      } else {
        if (acc.hasValue) {
          throw duplicate(s);
        }
        acc.hasValue = true;
        acc.value = s.value;
        acc.exemplar = s.exemplar;
      }
    }
    List<CounterSnapshot.DataPoint> dps = new ArrayList<>(groups.size());
    for (Acc acc : groups.values()) {
      currentLine = acc.line;
      if (!acc.hasValue) {
        throw new ParseException(acc.line, "counter '" + name + "' has '" + created
            + "' but no '" + name + "_total' for labels " + acc.labels);
      }
      dps.add(new CounterSnapshot.DataPoint(acc.labels, acc.value, acc.exemplar, acc.created,
          acc.timestamp));
    }
    // text 0.0.4 "# TYPE x_total counter": the family is x (Python's convention)
    String family = !om && name.endsWith("_total") ? name.substring(0, name.length() - 6) : name;
    return new CounterSnapshot(family, help, unit, dps);
  }

  private <D extends DataPoint> List<D> simple(List<RawSample> samples, Class<D> kind) {
    if (samples.size() == 1) {
      // the common family of one sample needs no grouping (and so none of its allocations)
      RawSample s = samples.get(0);
      noExemplar(s);
      currentLine = s.line;
      return List.of(point(kind, ModelAccess.labels(s.labelNames, s.labelValues), s));
    }
    List<D> dps = new ArrayList<>(samples.size());
    for (RawSample s : samples) {
      noExemplar(s);
      Acc acc = group(s, null);
      if (acc.hasValue) {
        throw duplicate(s);
      }
      acc.hasValue = true;
      dps.add(point(kind, acc.labels, s));
    }
    return dps;
  }

  private static <D extends DataPoint> D point(Class<D> kind, Labels labels, RawSample s) {
    DataPoint dp = kind == GaugeSnapshot.DataPoint.class
        ? new GaugeSnapshot.DataPoint(labels, s.value, s.timestampMillis)
        : new UnknownSnapshot.DataPoint(labels, s.value, null, s.timestampMillis);
    return kind.cast(dp);
  }

  private HistogramSnapshot histogram(String help, String unit, List<RawSample> samples) {
    String bucket = name + "_bucket";
    String count = name + "_count";
    String sum = name + "_sum";
    for (RawSample s : samples) {
      if (s.name.equals(bucket)) {
        String le = s.label("le");
        if (le == null) {
          throw new ParseException(s.line, "histogram bucket '" + s.name + "' has no 'le' label");
        }
        double bound = Numbers.parse(le, 0, le.length());
        if (bound != bound) {
          throw new ParseException(s.line, "invalid 'le' label value '" + TextParser.shorten(le)
              + "'");
        }
        if (om && bound == Double.POSITIVE_INFINITY && !le.equals("+Inf")) {
          throw new ParseException(s.line, "the 'le' label of the +Inf bucket must be '+Inf', not '"
              + le + "'");
        }
        Acc acc = group(s, "le");
        if (om && acc.n > 0 && !(bound > acc.keys[acc.n - 1])) {
          throw new ParseException(s.line, "histogram buckets of '" + name
              + "' are out of order at le=\"" + le + "\"");
        }
        acc.add(bound, s.value, s.exemplar);
        continue;
      }
      noExemplar(s);
      if (s.label("le") != null) {
        throw new ParseException(s.line, "'" + s.name + "' cannot have an 'le' label");
      }
      countSumOrCreated(s, group(s, null), count, sum);
    }
    List<HistogramSnapshot.DataPoint> dps = new ArrayList<>(groups.size());
    for (Acc acc : groups.values()) {
      currentLine = acc.line;
      sortBuckets(acc);
      int n = acc.n;
      boolean hasInf = n > 0 && acc.keys[n - 1] == Double.POSITIVE_INFINITY;
      if (om) {
        if (!hasInf) {
          throw histogramError(acc, "has no +Inf bucket");
        }
        if (acc.hasCount && Double.compare(acc.count, acc.values[n - 1]) != 0) {
          throw histogramError(acc, "has _count " + acc.count + " but +Inf bucket "
              + acc.values[n - 1]);
        }
        if (acc.hasSum != acc.hasCount) {
          throw histogramError(acc, acc.hasSum ? "has _sum without _count" : "has _count without _sum");
        }
        if (acc.hasSum && acc.keys[0] < 0) {
          throw histogramError(acc, "has negative buckets and a _sum");
        }
      } else if (!hasInf) {
        if (!acc.hasCount) {
          throw histogramError(acc, "has neither a +Inf bucket nor a _count");
        }
        acc.add(Double.POSITIVE_INFINITY, acc.count, null);
        n++;
      }
      dps.add(new HistogramSnapshot.DataPoint(acc.labels, Arrays.copyOf(acc.keys, n),
          Arrays.copyOf(acc.values, n), acc.hasSum ? acc.sum : Double.NaN,
          acc.exemplars == null ? null : Arrays.copyOf(acc.exemplars, n), acc.created,
          acc.timestamp));
    }
    return new HistogramSnapshot(name, help, unit, dps);
  }

  private ParseException histogramError(Acc acc, String what) {
    return new ParseException(acc.line, "histogram '" + name + "' " + acc.labels + " " + what);
  }

  /** Sorts buckets by bound (text 0.0.4 allows any order); equal bounds are an error. */
  private void sortBuckets(Acc acc) {
    int n = acc.n;
    boolean sorted = true;
    for (int i = 1; i < n; i++) {
      if (!(acc.keys[i] > acc.keys[i - 1])) {
        sorted = false;
        break;
      }
    }
    if (sorted) {
      return;
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    double[] k = acc.keys;
    Arrays.sort(order, (a, b) -> Double.compare(k[a], k[b]));
    double[] keys = new double[acc.keys.length];
    double[] values = new double[acc.keys.length];
    Exemplar[] ex = acc.exemplars == null ? null : new Exemplar[acc.keys.length];
    for (int i = 0; i < n; i++) {
      keys[i] = acc.keys[order[i]];
      values[i] = acc.values[order[i]];
      if (ex != null) {
        ex[i] = acc.exemplars[order[i]];
      }
      if (i > 0 && keys[i] == keys[i - 1]) {
        throw histogramError(acc, "has two buckets with le=" + keys[i]);
      }
    }
    acc.keys = keys;
    acc.values = values;
    acc.exemplars = ex;
  }

  private SummarySnapshot summary(String help, String unit, List<RawSample> samples) {
    String count = name + "_count";
    String sum = name + "_sum";
    for (RawSample s : samples) {
      noExemplar(s);
      if (s.name.equals(name)) {
        String q = s.label("quantile");
        if (q == null) {
          throw new ParseException(s.line, "summary sample '" + name + "' has no 'quantile' label");
        }
        double quantile = Numbers.parse(q, 0, q.length());
        if (!(quantile >= 0 && quantile <= 1)) {
          throw new ParseException(s.line, "invalid 'quantile' label value '"
              + TextParser.shorten(q) + "'");
        }
        Acc acc = group(s, "quantile");
        if (acc.seen == null) {
          acc.seen = new HashSet<>();
        }
        if (!acc.seen.add(quantile)) {
          throw duplicate(s);
        }
        acc.add(quantile, s.value, null);
        continue;
      }
      if (s.label("quantile") != null) {
        throw new ParseException(s.line, "'" + s.name + "' cannot have a 'quantile' label");
      }
      countSumOrCreated(s, group(s, null), count, sum);
    }
    List<SummarySnapshot.DataPoint> dps = new ArrayList<>(groups.size());
    for (Acc acc : groups.values()) {
      currentLine = acc.line;
      dps.add(new SummarySnapshot.DataPoint(acc.labels, acc.hasCount ? acc.count : Double.NaN,
          acc.hasSum ? acc.sum : Double.NaN, Arrays.copyOf(acc.keys, acc.n),
          Arrays.copyOf(acc.values, acc.n), acc.created, acc.timestamp));
    }
    return new SummarySnapshot(name, help, unit, dps);
  }

  private InfoSnapshot info(String help, List<RawSample> samples) {
    List<InfoSnapshot.DataPoint> dps = new ArrayList<>(samples.size());
    for (RawSample s : samples) {
      noExemplar(s);
      if (s.value != 1) {
        throw new ParseException(s.line, "info sample '" + s.name + "' must have value 1, not "
            + s.value);
      }
      Acc acc = group(s, null);
      if (acc.hasValue) {
        throw duplicate(s);
      }
      acc.hasValue = true;
      dps.add(new InfoSnapshot.DataPoint(acc.labels, s.timestampMillis));
    }
    return new InfoSnapshot(name, help, dps);
  }

  private StateSetSnapshot stateSet(String help, List<RawSample> samples) {
    for (RawSample s : samples) {
      noExemplar(s);
      String state = s.label(name);
      if (state == null) {
        throw new ParseException(s.line, "state set sample '" + name + "' has no '" + name
            + "' label");
      }
      if (s.value != 0 && s.value != 1) {
        throw new ParseException(s.line, "state set sample '" + name
            + "' must have value 0 or 1, not " + s.value);
      }
      Acc acc = group(s, name);
      if (acc.states == null) {
        acc.states = new ArrayList<>();
        acc.enabled = new ArrayList<>();
        acc.seen = new HashSet<>();
      }
      if (!acc.seen.add(state)) {
        throw duplicate(s);
      }
      acc.states.add(state);
      acc.enabled.add(s.value == 1);
    }
    List<StateSetSnapshot.DataPoint> dps = new ArrayList<>(groups.size());
    for (Acc acc : groups.values()) {
      boolean[] enabled = new boolean[acc.enabled.size()];
      for (int i = 0; i < enabled.length; i++) {
        enabled[i] = acc.enabled.get(i);
      }
      dps.add(new StateSetSnapshot.DataPoint(acc.labels, acc.states.toArray(new String[0]),
          enabled, acc.timestamp));
    }
    return new StateSetSnapshot(name, help, dps);
  }
}
