package dev.hearth.multiprocess.internal;

import dev.hearth.model.CounterSnapshot;
import dev.hearth.model.DataPoint;
import dev.hearth.model.GaugeSnapshot;
import dev.hearth.model.HistogramSnapshot;
import dev.hearth.model.Labels;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.MetricType;
import dev.hearth.model.SummarySnapshot;
import dev.hearth.internal.ModelAccess;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the entries of a set of files merge into families and series, computed once per set of
 * files and entries and reused by every scrape until a file or an entry comes or goes (the
 * "Plan" stage of a scrape): each entry of each file gets an accumulator slot (or none when the
 * merge drops it), so a scrape combines each value into its slot and builds the snapshots.
 *
 * <p>The merge is Python's: families in order of first appearance (files in name order,
 * entries in file order) with the first HELP; counters, summary counts and sums, histogram
 * buckets and sums are summed; gauges follow the mode of the last gauge file holding the family
 * ({@code all}/{@code liveall}: one series per file with a {@code pid} label; {@code min},
 * {@code max}, {@code sum}; {@code mostrecent}: the value with the latest timestamp, series
 * without any timestamp left out).
 *
 * <p>Not thread-safe; the collector serialises scrapes.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class MergePlan {
  private static final byte SUM = 0;
  private static final byte MIN = 1;
  private static final byte MAX = 2;
  private static final byte LAST = 3;
  private static final byte RECENT = 4;
  private static final int UNSET = -2;

  private final ScanFile[] files;
  private final int[] counts;
  private final int[][] slots;
  private final List<Family> families = new ArrayList<>();
  /** Families left out of this plan: {file of first appearance, what is wrong}. */
  private final List<String[]> invalid = new ArrayList<>();
  /** Families left out of the last scrape for an invalid value: {file, what is wrong}. */
  private final List<String[]> invalidValues = new ArrayList<>();
  private double[] init = new double[64];
  private byte[] ops = new byte[64];
  private int slotCount;
  private boolean anyRecent;
  private double[] values;
  private double[] timestamps;
  private int[] seq;

  private MergePlan(List<ScanFile> files) {
    this.files = files.toArray(new ScanFile[0]);
    this.counts = new int[this.files.length];
    this.slots = new int[this.files.length][];
  }

  /**
   * Plans the merge of {@code files} (in merge order, i.e. name order; {@code names} are their
   * parsed names; each key's shape for its file's type computed). {@code generation} must differ
   * from every earlier plan's built over the same keys (it tags the per-key caches).
   */
  public static MergePlan build(int generation, List<ScanFile> files, List<DbFileName> names) {
    MergePlan p = new MergePlan(files);
    Map<String, Family> byName = new LinkedHashMap<>();
    Family last = null; // keys of one family usually follow each other
    for (int f = 0; f < p.files.length; f++) { // families, their order, HELP and gauge modes
      ScanFile file = p.files[f];
      DbFileName fn = names.get(f);
      p.counts[f] = file.count();
      KeyIndex.Key[] keys = file.keys();
      int ctx = fn.context.ordinal();
      for (int i = 0; i < p.counts[f]; i++) {
        SeriesShape s = keys[i].shapes[ctx];
        Family fam;
        if (s.plan == generation) {
          fam = (Family) s.family;
        } else {
          fam = last != null && last.name == s.metricName ? last : byName.get(s.metricName);
          if (fam == null) {
            fam = new Family(s.metricName, s.help, fn.type, file.name());
            byName.put(s.metricName, fam);
          }
          s.plan = generation;
          s.family = fam;
          s.slot = UNSET;
        }
        if (fn.mode != null) {
          fam.mode = fn.mode;
        }
        last = fam;
      }
    }
    p.families.addAll(byName.values());
    for (Family fam : p.families) {
      fam.prepare();
    }
    for (int f = 0; f < p.files.length; f++) {
      p.assignSlots(f, names.get(f));
    }
    p.values = new double[p.slotCount];
    p.seq = new int[p.slotCount];
    p.timestamps = p.anyRecent ? new double[p.slotCount] : null;
    // Structure checked once per plan, through the public (validating) constructors; scrapes
    // then build snapshots checking only the values. A family that fails is left out.
    for (Iterator<Family> it = p.families.iterator(); it.hasNext(); ) {
      Family fam = it.next();
      try {
        fam.freeze();
        fam.snapshot(p.values, p.seq, true);
      } catch (IllegalArgumentException e) {
        it.remove();
        p.invalid.add(new String[] {fam.firstFile, "family left out: " + e.getMessage()});
      }
    }
    return p;
  }

  /** Gives each entry of file {@code f} its accumulator slot (-1: the merge drops it). */
  private void assignSlots(int f, DbFileName fn) {
    int ctx = fn.context.ordinal();
    int n = counts[f];
    int[] s = new int[n];
    KeyIndex.Key[] keys = files[f].keys();
    for (int i = 0; i < n; i++) {
      SeriesShape shape = keys[i].shapes[ctx];
      Family fam = (Family) shape.family;
      boolean perFile = fn.pid != null && fam.pidKeyed;
      int slot = perFile ? UNSET : shape.slot;
      if (slot == UNSET) {
        SeriesShape.LabelSet labels = shape.labels;
        if (perFile) {
          labels = labels.with("pid", fn.pid);
        } else if (fam.type.equals("gauge") && !fam.pidKeyed) {
          labels = labels.without("pid");
        }
        slot = fam.slot(this, shape.sampleName, labels, shape.le);
        if (!perFile) {
          shape.slot = slot;
        }
      }
      s[i] = slot;
    }
    slots[f] = s;
  }

  /** True when this plan was built for exactly these files with their current entry counts. */
  public boolean matches(List<ScanFile> current) {
    if (current.size() != files.length) {
      return false;
    }
    for (int i = 0; i < files.length; i++) {
      if (current.get(i) != files[i] || files[i].count() != counts[i]) {
        return false;
      }
    }
    return true;
  }

  private int newSlot(byte op, double initial) {
    if (slotCount == init.length) {
      init = Arrays.copyOf(init, slotCount * 2);
      ops = Arrays.copyOf(ops, slotCount * 2);
    }
    init[slotCount] = initial;
    ops[slotCount] = op;
    if (op == RECENT) {
      anyRecent = true;
    }
    return slotCount++;
  }

  /**
   * The "Sum" and "Snapshots" stages: combines this scrape's values of every file (as read into
   * each {@link ScanFile}) into their slots, in file order and entry order on this thread, so a
   * sum is the same in every scrape of the same values, and equals Python's over the same files
   * sorted by name; then builds the families.
   */
  public List<MetricSnapshot<?>> collect() {
    double[] v = values;
    int[] sq = seq;
    double[] ts = timestamps;
    System.arraycopy(init, 0, v, 0, slotCount);
    Arrays.fill(sq, 0);
    if (ts != null) {
      Arrays.fill(ts, 0.0);
    }
    int order = 0;
    for (int f = 0; f < files.length; f++) {
      double[] x = files[f].values();
      double[] stamps = files[f].timestamps();
      int[] s = slots[f];
      int n = counts[f];
      for (int i = 0; i < n; i++) {
        int k = s[i];
        if (k < 0) {
          continue;
        }
        switch (ops[k]) {
          case SUM:
            v[k] += x[i];
            break;
          case MIN:
            if (sq[k] == 0) {
              v[k] = x[i];
              sq[k] = ++order;
            } else if (x[i] < v[k]) {
              v[k] = x[i];
            }
            break;
          case MAX:
            if (sq[k] == 0) {
              v[k] = x[i];
              sq[k] = ++order;
            } else if (x[i] > v[k]) {
              v[k] = x[i];
            }
            break;
          case LAST:
            v[k] = x[i];
            if (sq[k] == 0) {
              sq[k] = ++order;
            }
            break;
          default: { // RECENT
            double t = stamps != null ? stamps[i] : 0.0;
            if (ts[k] < t) {
              v[k] = x[i];
              ts[k] = t;
              if (sq[k] == 0) {
                sq[k] = ++order;
              }
            }
          }
        }
      }
    }
    List<MetricSnapshot<?>> out = new ArrayList<>(families.size() + 1);
    invalidValues.clear();
    for (Family fam : families) {
      try {
        out.add(fam.snapshot(v, sq, false));
      } catch (IllegalArgumentException e) { // e.g. a negative counter total
        invalidValues.add(new String[] {fam.firstFile, "family left out of this scrape: " + e.getMessage()});
      }
    }
    return out;
  }

  /**
   * The families the last {@link #collect()} left out, as {file where the family first appears,
   * what is wrong}: invalid names or label sets (every scrape of this plan) and invalid values
   * (this scrape).
   */
  public List<String[]> leftOut() {
    if (invalidValues.isEmpty()) {
      return invalid;
    }
    List<String[]> all = new ArrayList<>(invalid);
    all.addAll(invalidValues);
    return all;
  }

  /**
   * The series of a counter or gauge family by sample name and labels, in order of first
   * appearance (open addressing over insertion indexes).
   */
  private static final class SeriesIndex {
    String[] names = new String[8];
    SeriesShape.LabelSet[] labels = new SeriesShape.LabelSet[8];
    int[] slots = new int[8];
    private int[] hashes = new int[8];
    int size;
    private int[] table = new int[16]; // insertion index + 1; 0 is empty

    /** The slot of the series, added with {@code newSlot} when new. */
    int slot(String name, SeriesShape.LabelSet ls, java.util.function.IntSupplier newSlot) {
      int h = name.hashCode() * 31 + ls.hashCode();
      h ^= h >>> 16;
      int mask = table.length - 1;
      int i = h & mask;
      for (int e; (e = table[i]) != 0; i = (i + 1) & mask) {
        int k = e - 1;
        if (hashes[k] == h && (names[k] == name || names[k].equals(name))
            && (labels[k] == ls || labels[k].equals(ls))) {
          return slots[k];
        }
      }
      if (size == names.length) {
        names = Arrays.copyOf(names, size * 2);
        labels = Arrays.copyOf(labels, size * 2);
        slots = Arrays.copyOf(slots, size * 2);
        hashes = Arrays.copyOf(hashes, size * 2);
      }
      int slot = newSlot.getAsInt();
      names[size] = name;
      labels[size] = ls;
      slots[size] = slot;
      hashes[size] = h;
      table[i] = ++size;
      if (2 * size > table.length) {
        rehash();
      }
      return slot;
    }

    private void rehash() {
      table = new int[table.length * 2];
      int mask = table.length - 1;
      for (int k = 0; k < size; k++) {
        int i = hashes[k] & mask;
        while (table[i] != 0) {
          i = (i + 1) & mask;
        }
        table[i] = k + 1;
      }
    }
  }

  private static final class HistogramSeries {
    final SeriesShape.LabelSet labels;
    final TreeMap<Double, Integer> buckets = new TreeMap<>();
    int sum = -1;
    double[] bounds; // sorted, +Inf last
    int[] bucketSlots; // -1 for a +Inf bucket no file has

    HistogramSeries(SeriesShape.LabelSet labels) {
      this.labels = labels;
    }
  }

  private static final class Family {
    final String name;
    final String help;
    final String type;
    String mode = "all";
    byte op = SUM;
    boolean pidKeyed = true; // series keyed with the gauge file's pid label
    final SeriesIndex series = new SeriesIndex(); // counters, gauges
    final Map<SeriesShape.LabelSet, int[]> summaries = new LinkedHashMap<>(); // {count, sum}
    final Map<SeriesShape.LabelSet, HistogramSeries> histograms = new LinkedHashMap<>();

    final String total;
    final String sum;
    final String count;

    final String firstFile;

    Family(String name, String help, String type, String firstFile) {
      this.name = name;
      this.firstFile = firstFile;
      this.help = help;
      this.type = type;
      this.total = name + "_total";
      this.sum = name + "_sum";
      this.count = name + "_count";
    }

    // counters and gauges as arrays once planned: snapshots iterate them every scrape
    Labels[] seriesLabels;
    int[] seriesSlots;

    void freeze() {
      seriesLabels = new Labels[series.size];
      seriesSlots = Arrays.copyOf(series.slots, series.size);
      for (int i = 0; i < seriesLabels.length; i++) {
        seriesLabels[i] = series.labels[i].labels();
      }
    }

    void prepare() {
      if (!type.equals("gauge")) {
        return;
      }
      switch (mode) {
        case "min":
        case "livemin":
          op = MIN;
          break;
        case "max":
        case "livemax":
          op = MAX;
          break;
        case "sum":
        case "livesum":
          op = SUM;
          break;
        case "mostrecent":
        case "livemostrecent":
          op = RECENT;
          break;
        default: // all, liveall, and unknown modes as Python
          op = LAST;
      }
      pidKeyed = op == LAST;
    }

    int slot(MergePlan p, String sample, SeriesShape.LabelSet labels, double le) {
      switch (type) {
        case "gauge":
          return series.slot(sample, labels, () -> p.newSlot(op, op == SUM ? 0.0 : Double.NaN));
        case "histogram": {
          boolean bucket = !Double.isNaN(le);
          if (!bucket && !sample.equals(sum)) {
            return -1;
          }
          HistogramSeries h = histograms.computeIfAbsent(labels, HistogramSeries::new);
          if (bucket) {
            return h.buckets.computeIfAbsent(le, x -> p.newSlot(SUM, 0.0));
          }
          if (h.sum < 0) {
            h.sum = p.newSlot(SUM, 0.0);
          }
          return h.sum;
        }
        case "summary": {
          int[] cs = summaries.computeIfAbsent(labels, k -> new int[] {-1, -1});
          int which = sample.equals(count) ? 0 : sample.equals(sum) ? 1 : -1;
          if (which < 0) {
            return -1;
          }
          if (cs[which] < 0) {
            cs[which] = p.newSlot(SUM, -0.0); // -0.0 + x == x: the sum starts at the first value
          }
          return cs[which];
        }
        default: // counter
          if (!sample.equals(total)) {
            return -1;
          }
          return series.slot(sample, labels, () -> p.newSlot(SUM, -0.0));
      }
    }

    /**
     * The family's snapshot from the summed values; {@code validate}: through the public
     * constructors (names, label sets and values), else checking the values only.
     */
    MetricSnapshot<?> snapshot(double[] v, int[] seq, boolean validate) {
      switch (type) {
        case "gauge":
          return build(MetricType.GAUGE, gauge(v, seq), validate);
        case "histogram":
          return build(MetricType.HISTOGRAM, histogram(v), validate);
        case "summary": {
          List<SummarySnapshot.DataPoint> points = new ArrayList<>(summaries.size());
          for (Map.Entry<SeriesShape.LabelSet, int[]> e : summaries.entrySet()) {
            int[] cs = e.getValue();
            points.add(new SummarySnapshot.DataPoint(e.getKey().labels(),
                cs[0] >= 0 ? v[cs[0]] : Double.NaN, cs[1] >= 0 ? v[cs[1]] : Double.NaN,
                new double[0], new double[0], DataPoint.NO_TIMESTAMP, DataPoint.NO_TIMESTAMP));
          }
          return build(MetricType.SUMMARY, points, validate);
        }
        default: {
          Labels[] ls = seriesLabels;
          int[] ks = seriesSlots;
          List<CounterSnapshot.DataPoint> points = new ArrayList<>(ls.length);
          for (int i = 0; i < ls.length; i++) {
            points.add(new CounterSnapshot.DataPoint(ls[i], v[ks[i]], null, DataPoint.NO_TIMESTAMP,
                DataPoint.NO_TIMESTAMP));
          }
          return build(MetricType.COUNTER, points, validate);
        }
      }
    }

    @SuppressWarnings("unchecked")
    private MetricSnapshot<?> build(MetricType t, List<? extends DataPoint> points,
        boolean validate) {
      if (!validate) {
        return ModelAccess.snapshotCheckingValues(t, name, help, "", points);
      }
      switch (t) {
        case GAUGE:
          return new GaugeSnapshot(name, help, "", (List<GaugeSnapshot.DataPoint>) points);
        case HISTOGRAM:
          return new HistogramSnapshot(name, help, "", (List<HistogramSnapshot.DataPoint>) points);
        case SUMMARY:
          return new SummarySnapshot(name, help, "", (List<SummarySnapshot.DataPoint>) points);
        default:
          return new CounterSnapshot(name, help, "", (List<CounterSnapshot.DataPoint>) points);
      }
    }

    private List<HistogramSnapshot.DataPoint> histogram(double[] v) {
      List<HistogramSnapshot.DataPoint> points = new ArrayList<>(histograms.size());
      for (HistogramSeries h : histograms.values()) {
        if (h.bounds == null) {
          boolean hasInf = h.buckets.containsKey(Double.POSITIVE_INFINITY);
          int n = h.buckets.size() + (hasInf ? 0 : 1);
          h.bounds = new double[n];
          h.bucketSlots = new int[n];
          int i = 0;
          for (Map.Entry<Double, Integer> b : h.buckets.entrySet()) {
            h.bounds[i] = b.getKey();
            h.bucketSlots[i++] = b.getValue();
          }
          if (!hasInf) {
            h.bounds[i] = Double.POSITIVE_INFINITY;
            h.bucketSlots[i] = -1;
          }
        }
        double[] cumulative = new double[h.bounds.length];
        double acc = 0.0;
        for (int i = 0; i < cumulative.length; i++) {
          if (h.bucketSlots[i] >= 0) {
            acc += v[h.bucketSlots[i]];
          }
          cumulative[i] = acc;
        }
        points.add(new HistogramSnapshot.DataPoint(h.labels.labels(), h.bounds, cumulative,
            h.sum >= 0 ? v[h.sum] : Double.NaN, null, DataPoint.NO_TIMESTAMP,
            DataPoint.NO_TIMESTAMP));
      }
      return points;
    }

    private List<GaugeSnapshot.DataPoint> gauge(double[] v, int[] seq) {
      List<GaugeSnapshot.DataPoint> points = new ArrayList<>(seriesSlots.length);
      if (op == RECENT) { // in the order values were first taken, as Python's dict
        List<Integer> present = new ArrayList<>();
        for (int i = 0; i < seriesSlots.length; i++) {
          if (seq[seriesSlots[i]] > 0) {
            present.add(i);
          }
        }
        present.sort((a, b) -> Integer.compare(seq[seriesSlots[a]], seq[seriesSlots[b]]));
        for (int i : present) {
          points.add(point(seriesLabels[i], v[seriesSlots[i]]));
        }
      } else {
        for (int i = 0; i < seriesLabels.length; i++) {
          points.add(point(seriesLabels[i], v[seriesSlots[i]]));
        }
      }
      return points;
    }

    private static GaugeSnapshot.DataPoint point(Labels labels, double value) {
      return new GaugeSnapshot.DataPoint(labels, value, DataPoint.NO_TIMESTAMP);
    }
  }

  @Override
  public String toString() {
    return "MergePlan[" + files.length + " files, " + families.size() + " families, " + slotCount
        + " slots]";
  }
}
