package dev.hearth.multiprocess;

import dev.hearth.Collector;
import dev.hearth.model.CounterSnapshot;
import dev.hearth.model.DataPoint;
import dev.hearth.model.GaugeSnapshot;
import dev.hearth.model.HistogramSnapshot;
import dev.hearth.model.Labels;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.SummarySnapshot;
import dev.hearth.multiprocess.internal.CachedDbFile;
import dev.hearth.multiprocess.internal.DbFileException;
import dev.hearth.multiprocess.internal.DbKey;
import dev.hearth.multiprocess.internal.MmapDbFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Merges a multiprocess directory, written by Hearth's {@link MmapValueStorage} and/or Python
 * prometheus_client processes, as Python's {@code MultiProcessCollector} does: counters,
 * histogram buckets and sums, summary counts and sums are summed over processes; gauges follow
 * the mode in their file name ({@code all}/{@code liveall}: one series per process with a
 * {@code pid} label; {@code min}, {@code max}, {@code sum}, their {@code live} variants, and
 * {@code mostrecent}/{@code livemostrecent}: the value with the latest timestamp).
 *
 * <pre>{@code
 * CollectorRegistry registry = new CollectorRegistry();
 * registry.register(new MultiProcessCollector(Path.of("/run/metrics")));
 * String text = Exposition.generateLatest(registry);
 * }</pre>
 *
 * <p>Files are processed in name order, so family order, the HELP text when processes disagree
 * (the first file wins) and float sums are deterministic; the output equals Python's with its
 * file list sorted. Each file's format (v1 or v2) is detected strictly on its own. A file that is
 * truncated, corrupted or foreign is skipped: a warning is logged (at most once per file per
 * interval) and {@code hearth_multiprocess_read_errors_total{file}} counts it; the rest of the
 * directory is still served. Parsed keys are cached per file between scrapes.
 *
 * <p>Summaries give {@code _count} and {@code _sum} only (no quantiles), histograms no
 * {@code _created}, as in Python. By default "live" means only that
 * {@link MultiProcess#markProcessDead} has not deleted the file, as in Python; with
 * {@link Builder#lockBasedLiveness(boolean)} a {@code gauge_live*} file that no live Hearth writer
 * holds locked is left out as well. Thread-safe: scrapes are serialised.
 */
public final class MultiProcessCollector implements Collector {
  private static final System.Logger LOG = System.getLogger(MultiProcessCollector.class.getName());
  /** The family counting unreadable files. */
  public static final String READ_ERRORS = "hearth_multiprocess_read_errors";
  private static final Pattern PY_FLOAT =
      Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  private final Path directory;
  private final long warnIntervalMillis;
  private final boolean lockLiveness;
  private final Map<String, CachedDbFile> cache = new HashMap<>();
  private final Map<String, FileShapes> shapes = new HashMap<>();
  // shared between files (processes write the same keys); cleared when a file goes away
  private final CachedDbFile.KeyTable keyTable = new CachedDbFile.KeyTable();
  private final Map<SampleKey, SampleKey> sampleKeys = new HashMap<>();
  private final Map<String, Long> readErrors = new TreeMap<>();
  private final Map<String, long[]> warnings = new HashMap<>(); // file -> {last millis, suppressed}

  /** A collector for {@code directory} with the defaults of {@link Builder}. */
  public MultiProcessCollector(Path directory) {
    this(builder(directory));
  }

  private MultiProcessCollector(Builder b) {
    this.directory = b.directory;
    this.warnIntervalMillis = b.warningInterval.toMillis();
    this.lockLiveness = b.lockLiveness;
  }

  /** A builder for a collector of {@code directory}. */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /** Builds a {@link MultiProcessCollector}. */
  public static final class Builder {
    private final Path directory;
    private Duration warningInterval = Duration.ofMinutes(1);
    private boolean lockLiveness;

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** Warn about each unreadable file at most once per {@code interval} (default 1 minute). */
    public Builder warningInterval(Duration interval) {
      this.warningInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * Decide liveness by file locks, without {@link MultiProcess#markProcessDead} (default off):
     * a Hearth writer holds a lock on its files while its JVM lives, so a {@code gauge_live*}
     * file nobody holds a lock on belongs to a dead process and is left out. Use it only when
     * every writer of the directory is Hearth: Python processes hold no locks, so their
     * {@code live*} gauges would always be left out.
     */
    public Builder lockBasedLiveness(boolean enabled) {
      this.lockLiveness = enabled;
      return this;
    }

    /** The collector. */
    public MultiProcessCollector build() {
      return new MultiProcessCollector(this);
    }
  }

  /** The directory merged. */
  public Path directory() {
    return directory;
  }

  @Override
  public String collectorName() {
    return "multiprocess:" + directory;
  }

  /** Read errors per file name since this collector was created. */
  public synchronized Map<String, Long> readErrors() {
    return Collections.unmodifiableMap(new TreeMap<>(readErrors));
  }

  /** What a file name says: Python's {@code basename.split('_')}. */
  private static final class FileName {
    final String type;
    final String mode; // gauges only
    final String pid; // gauges only

    FileName(String type, String mode, String pid) {
      this.type = type;
      this.mode = mode;
      this.pid = pid;
    }

    static FileName parse(String name) {
      String base = name.substring(0, name.length() - 3);
      int u = base.indexOf('_');
      if (u <= 0) {
        return null;
      }
      String type = base.substring(0, u);
      switch (type) {
        case "counter":
        case "histogram":
        case "summary":
          return new FileName(type, null, null);
        case "gauge":
          int u2 = base.indexOf('_', u + 1);
          if (u2 < 0 || u2 == base.length() - 1) {
            return null;
          }
          return new FileName(type, base.substring(u + 1, u2), base.substring(u2 + 1));
        default:
          return null;
      }
    }
  }

  /**
   * What an entry's key says once normalised for merging; depends only on the key and the file
   * name, so it is cached per file entry between scrapes.
   */
  private static final class Shape {
    final String name;
    final LabelsKey labels;
    final double le; // NaN when not a bucket
    final SampleKey key;

    Shape(String name, LabelsKey labels, double le) {
      this.name = name;
      this.labels = labels;
      this.le = le;
      this.key = new SampleKey(name, labels);
    }

    Shape(SampleKey key, double le) {
      this.name = key.name;
      this.labels = key.labels;
      this.le = le;
      this.key = key;
    }
  }

  /** The shapes computed for a file's cached entries, by entry identity. */
  private static final class FileShapes {
    final List<CachedDbFile.Entry> entries = new ArrayList<>();
    final List<Shape> shapes = new ArrayList<>();
  }

  /** Sorted name/value label pairs (pid appended for gauges), with hash and Labels cached. */
  private static final class LabelsKey {
    final List<String> pairs;
    private final int hash;
    private Labels labels;

    LabelsKey(List<String> pairs) {
      this.pairs = pairs;
      this.hash = pairs.hashCode();
    }

    /** The exposition labels, built once (collect() is serialised). */
    Labels labels() {
      Labels l = labels;
      if (l == null) {
        l = MultiProcessCollector.labels(pairs, null, null);
        labels = l;
      }
      return l;
    }

    @Override
    public boolean equals(Object o) {
      return o == this || o instanceof LabelsKey && ((LabelsKey) o).hash == hash
          && ((LabelsKey) o).pairs.equals(pairs);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  private static final class Raw {
    final String name;
    final LabelsKey labels;
    final SampleKey key;
    final double value;
    final double timestamp;
    final double le; // NaN when not a bucket

    Raw(Shape shape, double value, double timestamp) {
      this.name = shape.name;
      this.labels = shape.labels;
      this.key = shape.key;
      this.value = value;
      this.timestamp = timestamp;
      this.le = shape.le;
    }
  }

  private static final class Family {
    final String name;
    final String help;
    final String type;
    String mode = "all";
    final List<Raw> samples = new ArrayList<>();

    Family(String name, String help, String type) {
      this.name = name;
      this.help = help;
      this.type = type;
    }
  }

  private static final class SampleKey {
    final String name;
    final LabelsKey labels;
    private final int hash;

    SampleKey(String name, LabelsKey labels) {
      this.name = name;
      this.labels = labels;
      this.hash = name.hashCode() * 31 + labels.hashCode();
    }

    @Override
    public boolean equals(Object o) {
      return o == this || o instanceof SampleKey && ((SampleKey) o).hash == hash
          && ((SampleKey) o).name.equals(name) && ((SampleKey) o).labels.equals(labels);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  @Override
  public synchronized List<MetricSnapshot<?>> collect() {
    return collectDirectory();
  }

  /** Lists and merges the directory; called by {@link #collect()} (serialised). */
  private List<MetricSnapshot<?>> collectDirectory() {
    List<String> names = listFiles();
    Map<String, Family> families = new LinkedHashMap<>();
    for (String name : names) {
      FileName fn = FileName.parse(name);
      if (fn == null) {
        error(name, "not a multiprocess file name (expected counter_<id>.db, gauge_<mode>_<id>.db,"
            + " histogram_<id>.db or summary_<id>.db)", null);
        continue;
      }
      List<Raw> raws;
      List<CachedDbFile.Value> values;
      try {
        if (lockLiveness && fn.mode != null && fn.mode.startsWith("live")
            && !heldByLiveWriter(directory.resolve(name))) {
          continue;
        }
        values = cache.computeIfAbsent(name, n -> new CachedDbFile(n, keyTable)).read(directory.resolve(name));
        raws = toRaw(name, fn, values);
      } catch (NoSuchFileException e) { // deleted since listed, e.g. by markProcessDead
        cache.remove(name);
        shapes.remove(name);
        continue;
      } catch (DbFileException e) {
        cache.remove(name);
        shapes.remove(name);
        error(name, e.getMessage(), null);
        continue;
      } catch (IOException e) {
        cache.remove(name);
        shapes.remove(name);
        error(name, "cannot read: " + e, e);
        continue;
      }
      for (int i = 0; i < raws.size(); i++) {
        DbKey key = values.get(i).entry.key;
        Family f = families.computeIfAbsent(key.metricName(),
            n -> new Family(n, key.help(), fn.type));
        if (fn.mode != null) {
          f.mode = fn.mode;
        }
        f.samples.add(raws.get(i));
      }
    }
    Set<String> present = new HashSet<>(names);
    shapes.keySet().retainAll(present);
    if (cache.keySet().retainAll(present)) {
      keyTable.clear();
      sampleKeys.clear();
    }
    List<MetricSnapshot<?>> out = new ArrayList<>(families.size() + 1);
    for (Family f : families.values()) {
      MetricSnapshot<?> s = merge(f);
      if (s != null) {
        out.add(s);
      }
    }
    if (!readErrors.isEmpty()) {
      List<CounterSnapshot.DataPoint> points = new ArrayList<>();
      for (Map.Entry<String, Long> e : readErrors.entrySet()) {
        points.add(new CounterSnapshot.DataPoint(Labels.of("file", e.getKey()), e.getValue(), null,
            DataPoint.NO_TIMESTAMP, DataPoint.NO_TIMESTAMP));
      }
      out.add(new CounterSnapshot(READ_ERRORS,
          "Multiprocess .db files skipped at scrape time because they could not be read.", "", points));
    }
    return out;
  }

  /** True when a live process (this JVM or another) holds the writer's lock on {@code path}. */
  private static boolean heldByLiveWriter(Path path) throws IOException {
    if (MmapDbFile.openInThisJvm(path) != null) {
      return true; // never open our own files: closing would drop our lock
    }
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      FileLock lock = ch.tryLock(0, Long.MAX_VALUE, true);
      if (lock == null) {
        return true;
      }
      lock.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true;
    }
  }

  private List<String> listFiles() {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory, "*.db")) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (!n.startsWith(".") && Files.isRegularFile(p)) { // Python's glob skips dot-files
          names.add(n);
        }
      }
    } catch (NoSuchFileException e) {
      throw new IllegalStateException("Multiprocess directory " + directory + " does not exist", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list multiprocess directory " + directory, e);
    }
    Collections.sort(names);
    return names;
  }

  private List<Raw> toRaw(String file, FileName fn, List<CachedDbFile.Value> values)
      throws DbFileException {
    FileShapes fs = shapes.computeIfAbsent(file, k -> new FileShapes());
    List<Raw> out = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      CachedDbFile.Value v = values.get(i);
      if (i < fs.entries.size() && fs.entries.get(i) != v.entry) { // the file was parsed anew
        fs.entries.subList(i, fs.entries.size()).clear();
        fs.shapes.subList(i, fs.shapes.size()).clear();
      }
      if (i == fs.entries.size()) {
        Shape shape = shape(file, fn, v.entry.key);
        SampleKey interned = sampleKeys.putIfAbsent(shape.key, shape.key);
        if (interned != null) { // the same series in another file: share key and Labels
          shape = new Shape(interned, shape.le);
        }
        fs.shapes.add(shape);
        fs.entries.add(v.entry);
      }
      out.add(new Raw(fs.shapes.get(i), v.value, v.timestamp));
    }
    return out;
  }

  private static Shape shape(String file, FileName fn, DbKey k) throws DbFileException {
    int n = k.labelCount();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> {
      int c = k.labelName(a).compareTo(k.labelName(b));
      return c != 0 ? c : k.labelValue(a).compareTo(k.labelValue(b));
    });
    List<String> labels = new ArrayList<>(2 * n + 2);
    double le = Double.NaN;
    for (int i : order) {
      if (fn.pid != null && k.labelName(i).equals("pid")) {
        continue; // the file's pid label replaces a stored one
      }
      if (fn.type.equals("histogram") && k.labelName(i).equals("le")) {
        le = parsePythonFloat(k.labelValue(i));
        if (Double.isNaN(le)) {
          throw new DbFileException(file, -1,
              "bucket bound le=\"" + k.labelValue(i) + "\" of " + k.sampleName()
                  + " is not a number");
        }
        le += 0.0; // -0.0 and 0.0 are one bucket, as in Python
        continue;
      }
      labels.add(k.labelName(i));
      labels.add(k.labelValue(i));
    }
    if (fn.pid != null) {
      labels.add("pid");
      labels.add(fn.pid);
    }
    return new Shape(k.sampleName(), new LabelsKey(labels), le);
  }

  /** Python's {@code float(text)}, or NaN when it would raise (or is NaN). */
  static double parsePythonFloat(String text) {
    String t = text.strip().replace("_", "");
    String l = t.toLowerCase(java.util.Locale.ROOT);
    String body = l.startsWith("+") || l.startsWith("-") ? l.substring(1) : l;
    if (body.equals("inf") || body.equals("infinity")) {
      return l.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (!PY_FLOAT.matcher(t).matches()) {
      return Double.NaN;
    }
    return Double.parseDouble(t);
  }

  private static Labels labels(List<String> pairs, String extraName, String extraValue) {
    int n = pairs.size() / 2 + (extraName != null ? 1 : 0);
    String[] kv = new String[2 * n];
    // merge the extra label in name order so the exposition sorts labels as Python does
    List<String[]> list = new ArrayList<>(n);
    for (int i = 0; i < pairs.size(); i += 2) {
      list.add(new String[] {pairs.get(i), pairs.get(i + 1)});
    }
    if (extraName != null) {
      list.add(new String[] {extraName, extraValue});
    }
    list.sort((a, b) -> a[0].compareTo(b[0]));
    for (int i = 0; i < n; i++) {
      kv[2 * i] = list.get(i)[0];
      kv[2 * i + 1] = list.get(i)[1];
    }
    return Labels.of(kv);
  }

  private static List<String> without(List<String> pairs, String name) {
    List<String> out = new ArrayList<>(pairs.size());
    for (int i = 0; i < pairs.size(); i += 2) {
      if (!pairs.get(i).equals(name)) {
        out.add(pairs.get(i));
        out.add(pairs.get(i + 1));
      }
    }
    return out;
  }

  private static MetricSnapshot<?> merge(Family f) {
    switch (f.type) {
      case "gauge":
        return mergeGauge(f);
      case "histogram":
        return mergeHistogram(f);
      case "summary":
        return mergeSummary(f);
      default:
        return mergeCounter(f);
    }
  }

  private static Map<SampleKey, Double> sums(Family f) {
    Map<SampleKey, Double> samples = new LinkedHashMap<>();
    for (Raw r : f.samples) {
      samples.merge(r.key, r.value, Double::sum);
    }
    return samples;
  }

  private static MetricSnapshot<?> mergeCounter(Family f) {
    List<CounterSnapshot.DataPoint> points = new ArrayList<>();
    String total = f.name + "_total";
    for (Map.Entry<SampleKey, Double> e : sums(f).entrySet()) {
      if (e.getKey().name.equals(total)) {
        points.add(new CounterSnapshot.DataPoint(e.getKey().labels.labels(),
            e.getValue(), null, DataPoint.NO_TIMESTAMP, DataPoint.NO_TIMESTAMP));
      }
    }
    return new CounterSnapshot(f.name, f.help, "", points);
  }

  private static MetricSnapshot<?> mergeSummary(Family f) {
    Map<LabelsKey, double[]> series = new LinkedHashMap<>();
    for (Map.Entry<SampleKey, Double> e : sums(f).entrySet()) {
      double[] cs = series.computeIfAbsent(e.getKey().labels, k -> new double[] {Double.NaN, Double.NaN});
      if (e.getKey().name.equals(f.name + "_count")) {
        cs[0] = e.getValue();
      } else if (e.getKey().name.equals(f.name + "_sum")) {
        cs[1] = e.getValue();
      }
    }
    List<SummarySnapshot.DataPoint> points = new ArrayList<>();
    for (Map.Entry<LabelsKey, double[]> e : series.entrySet()) {
      points.add(new SummarySnapshot.DataPoint(e.getKey().labels(), e.getValue()[0],
          e.getValue()[1], new double[0], new double[0], DataPoint.NO_TIMESTAMP,
          DataPoint.NO_TIMESTAMP));
    }
    return new SummarySnapshot(f.name, f.help, "", points);
  }

  private static MetricSnapshot<?> mergeHistogram(Family f) {
    Map<LabelsKey, TreeMap<Double, Double>> buckets = new LinkedHashMap<>();
    Map<LabelsKey, Double> sums = new LinkedHashMap<>();
    for (Raw r : f.samples) {
      if (!Double.isNaN(r.le)) {
        TreeMap<Double, Double> b = buckets.computeIfAbsent(r.labels, k -> new TreeMap<>());
        b.put(r.le, b.getOrDefault(r.le, 0.0) + r.value);
      } else if (r.name.equals(f.name + "_sum")) {
        sums.put(r.labels, sums.getOrDefault(r.labels, 0.0) + r.value);
        buckets.computeIfAbsent(r.labels, k -> new TreeMap<>());
      }
    }
    List<HistogramSnapshot.DataPoint> points = new ArrayList<>();
    for (Map.Entry<LabelsKey, TreeMap<Double, Double>> e : buckets.entrySet()) {
      TreeMap<Double, Double> b = e.getValue();
      boolean hasInf = b.containsKey(Double.POSITIVE_INFINITY);
      int n = b.size() + (hasInf ? 0 : 1);
      double[] bounds = new double[n];
      double[] cumulative = new double[n];
      double acc = 0.0;
      int i = 0;
      for (Map.Entry<Double, Double> be : b.entrySet()) {
        acc += be.getValue();
        bounds[i] = be.getKey();
        cumulative[i++] = acc;
      }
      if (!hasInf) {
        bounds[i] = Double.POSITIVE_INFINITY;
        cumulative[i] = acc;
      }
      points.add(new HistogramSnapshot.DataPoint(e.getKey().labels(), bounds, cumulative,
          sums.getOrDefault(e.getKey(), Double.NaN), null, DataPoint.NO_TIMESTAMP,
          DataPoint.NO_TIMESTAMP));
    }
    return new HistogramSnapshot(f.name, f.help, "", points);
  }

  private static MetricSnapshot<?> mergeGauge(Family f) {
    String mode = f.mode;
    Map<SampleKey, Double> samples = new LinkedHashMap<>();
    Map<SampleKey, Double> timestamps = new HashMap<>();
    for (Raw r : f.samples) {
      SampleKey withoutPid = new SampleKey(r.name, new LabelsKey(without(r.labels.pairs, "pid")));
      double v = r.value;
      switch (mode) {
        case "min":
        case "livemin": {
          Double cur = samples.putIfAbsent(withoutPid, v);
          if (cur != null && v < cur) {
            samples.put(withoutPid, v);
          }
          break;
        }
        case "max":
        case "livemax": {
          Double cur = samples.putIfAbsent(withoutPid, v);
          if (cur != null && v > cur) {
            samples.put(withoutPid, v);
          }
          break;
        }
        case "sum":
        case "livesum":
          samples.put(withoutPid, samples.getOrDefault(withoutPid, 0.0) + v);
          break;
        case "mostrecent":
        case "livemostrecent":
          if (timestamps.getOrDefault(withoutPid, 0.0) < r.timestamp) {
            samples.put(withoutPid, v);
            timestamps.put(withoutPid, r.timestamp);
          }
          break;
        default: // all, liveall, and unknown modes as Python
          samples.put(r.key, v);
      }
    }
    List<GaugeSnapshot.DataPoint> points = new ArrayList<>();
    for (Map.Entry<SampleKey, Double> e : samples.entrySet()) {
      points.add(new GaugeSnapshot.DataPoint(e.getKey().labels.labels(), e.getValue(),
          DataPoint.NO_TIMESTAMP));
    }
    return new GaugeSnapshot(f.name, f.help, "", points);
  }

  private void error(String file, String message, Throwable t) {
    readErrors.merge(file, 1L, Long::sum);
    long now = System.currentTimeMillis();
    long[] w = warnings.computeIfAbsent(file, k -> new long[] {Long.MIN_VALUE, 0});
    if (w[0] != Long.MIN_VALUE && now - w[0] < warnIntervalMillis) {
      w[1]++;
      return;
    }
    String suppressed = w[1] > 0 ? " (" + w[1] + " similar warnings suppressed)" : "";
    w[0] = now;
    w[1] = 0;
    LOG.log(System.Logger.Level.WARNING, "Skipping multiprocess file " + directory.resolve(file)
        + ": " + message + suppressed, t);
  }

  /** Names of the files of the last scrape whose keys are cached (for tests). */
  synchronized Set<String> cachedFiles() {
    return new HashSet<>(cache.keySet());
  }

  /** How many distinct parsed keys the files share (for tests). */
  synchronized int sharedKeys() {
    return keyTable.size();
  }

  /** The cache entry of {@code file} (for tests). */
  synchronized CachedDbFile cacheOf(String file) {
    return cache.get(file);
  }
}
