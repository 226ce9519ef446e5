package dev.hearth.exposition;

import dev.hearth.internal.Doubles;
import dev.hearth.internal.ExposedNames;
import dev.hearth.model.CounterSnapshot;
import dev.hearth.model.DataPoint;
import dev.hearth.model.Exemplar;
import dev.hearth.model.GaugeSnapshot;
import dev.hearth.model.HistogramSnapshot;
import dev.hearth.model.InfoSnapshot;
import dev.hearth.model.Labels;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.StateSetSnapshot;
import dev.hearth.model.SummarySnapshot;
import dev.hearth.model.UnknownSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Writes snapshots in one format through a {@link Utf8Sink}. Labels are written sorted by name,
 * as Python prometheus_client does; the sort order of the last label set is cached, so series of
 * one metric (which share their label names) are not re-sorted.
 */
final class ExpositionWriter {
  private static final int BUFFER_SIZE = 32 * 1024;

  private final Utf8Sink out;
  private final boolean om;
  private final boolean createdSeries;

  // Sort-order cache: names of the last label set (compared by reference), the extra label name
  // (le, quantile, the state set name or null) and the resulting order; index n is the extra label.
  private String[] cachedNames = new String[8];
  private int cachedSize = -1;
  private String cachedExtra;
  private int[] cachedOrder = new int[9];
  private byte[][] cachedPrefixes = new byte[9][];

  // Encoded sample names (name + suffix), looked up by identity: a family's name and the suffix
  // constants are the same instances on every line.
  private final String[] nameCacheNames = new String[8];
  private final String[] nameCacheSuffixes = new String[8];
  private final byte[][] nameCacheBytes = new byte[8][];
  private int nameCacheSize;
  private int nameCacheNext;

  // Formatted le/quantile values of the last data point, reused when the bounds are the same.
  private double[] boundCache = new double[0];
  private String[] boundStrings = new String[0];

  private ExpositionWriter(OutputStream stream, ExpositionFormat format, boolean createdSeries) {
    this.out = new Utf8Sink(stream, BUFFER_SIZE);
    this.om = format == ExpositionFormat.OPENMETRICS_1_0_0;
    this.createdSeries = createdSeries;
  }

  static void write(OutputStream stream, List<? extends MetricSnapshot<?>> snapshots,
      ExpositionFormat format, boolean createdSeries) throws IOException {
    ExpositionWriter w = new ExpositionWriter(stream, format, createdSeries);
    checkDistinctNames(snapshots, w.om);
    for (MetricSnapshot<?> s : snapshots) {
      w.family(s);
    }
    if (w.om) {
      w.out.text("# EOF\n");
    }
    w.out.flush();
  }

  /**
   * Refuses, before writing a byte, two families that would put one family or sample name on the
   * wire (e.g. counter {@code x} and gauge {@code x_total}): Prometheus would reject the scrape or
   * silently drop series, and no merge is well defined across types. The names are those this
   * format writes, so text 0.0.4's own split (counter {@code x_total} plus gauge
   * {@code x_created}, as Python writes and Hearth parses it) stays writable.
   * {@code CollectorRegistry.collect()} never returns a clashing list; this guards lists from
   * other sources.
   */
  static void checkDistinctNames(List<? extends MetricSnapshot<?>> snapshots, boolean om) {
    ExposedNames<MetricSnapshot<?>> names = new ExposedNames<>();
    for (int i = 0; i < snapshots.size(); i++) {
      MetricSnapshot<?> s = Objects.requireNonNull(snapshots.get(i), "snapshot " + i + " is null");
      ExposedNames.Claim<MetricSnapshot<?>> earlier =
          names.claim(s.name(), s.type(), s, writtenMask(s, om));
      if (earlier != null) {
        throw new IllegalArgumentException("Two families would expose '" + names.clashName()
            + "': " + earlier + " and " + s.type().openMetricsName() + " '" + s.name()
            + "'; a family or sample name may appear once in an exposition");
      }
    }
  }

  private static final int TOTAL = ExposedNames.bit("_total");
  private static final int INFO = ExposedNames.bit("_info");
  private static final int HISTOGRAM = ExposedNames.mask(List.of("", "_bucket", "_count", "_sum"));
  private static final int SUMMARY = ExposedNames.mask(List.of("", "_count", "_sum"));

  /** The family name and the suffixes of the sample names this writer writes for {@code s}. */
  private static int writtenMask(MetricSnapshot<?> s, boolean om) {
    int mask;
    switch (s.type()) {
      case COUNTER:
        mask = om ? ExposedNames.NAME | TOTAL : TOTAL; // text 0.0.4: "# TYPE x_total counter"
        break;
      case HISTOGRAM:
        mask = HISTOGRAM;
        break;
      case SUMMARY:
        mask = SUMMARY;
        break;
      case INFO:
        return om ? ExposedNames.NAME | INFO : INFO;
      default:
        return ExposedNames.NAME; // no _created: only counters, histograms and summaries have one
    }
    for (DataPoint dp : s.dataPoints()) {
      if (dp.hasCreated()) {
        return mask | ExposedNames.CREATED;
      }
    }
    return mask;
  }

  private void family(MetricSnapshot<?> s) throws IOException {
    switch (s.type()) {
      case COUNTER:
        counter((CounterSnapshot) s);
        break;
      case GAUGE:
        gauge((GaugeSnapshot) s);
        break;
      case HISTOGRAM:
        histogram((HistogramSnapshot) s);
        break;
      case SUMMARY:
        summary((SummarySnapshot) s);
        break;
      case INFO:
        info((InfoSnapshot) s);
        break;
      case STATESET:
        stateSet((StateSetSnapshot) s);
        break;
      default:
        unknown((UnknownSnapshot) s);
        break;
    }
  }

  // ---- families

  private void counter(CounterSnapshot s) throws IOException {
    String name = s.name();
    header(s, om ? "" : "_total", "counter");
    for (CounterSnapshot.DataPoint dp : s.dataPoints()) {
      sample(name, "_total", dp.labels(), null, null, dp.value(), dp);
      if (om) {
        exemplar(dp.exemplar());
        out.ascii('\n');
        created(name, dp);
      } else {
        out.ascii('\n');
      }
    }
    if (!om) {
      createdFamily(s);
    }
  }

  private void gauge(GaugeSnapshot s) throws IOException {
    header(s, "", "gauge");
    for (GaugeSnapshot.DataPoint dp : s.dataPoints()) {
      sample(s.name(), "", dp.labels(), null, null, dp.value(), dp);
      out.ascii('\n');
    }
  }

  private void histogram(HistogramSnapshot s) throws IOException {
    String name = s.name();
    header(s, "", "histogram");
    for (HistogramSnapshot.DataPoint dp : s.dataPoints()) {
      int n = dp.bucketCount();
      String[] le = bounds(n, dp, null);
      for (int i = 0; i < n; i++) {
        sample(name, "_bucket", dp.labels(), "le", le[i], dp.cumulativeCount(i), dp);
        if (om) {
          exemplar(dp.exemplar(i));
        }
        out.ascii('\n');
      }
      // OpenMetrics: a histogram with negative buckets MUST NOT have a sum; Python's parser also
      // rejects a _count without a _sum, so both are left out.
      if (!om || !(dp.upperBound(0) < 0)) {
        countAndSum(name, dp, dp.count(), dp.sum());
      }
      if (om) {
        created(name, dp);
      }
    }
    if (!om) {
      createdFamily(s);
    }
  }

  private void summary(SummarySnapshot s) throws IOException {
    String name = s.name();
    header(s, "", "summary");
    for (SummarySnapshot.DataPoint dp : s.dataPoints()) {
      int n = dp.quantileCount();
      String[] q = bounds(n, null, dp);
      for (int i = 0; i < n; i++) {
        sample(name, "", dp.labels(), "quantile", q[i], dp.quantileValue(i), dp);
        out.ascii('\n');
      }
      countAndSum(name, dp, dp.count(), dp.sum());
      if (om) {
        created(name, dp);
      }
    }
    if (!om) {
      createdFamily(s);
    }
  }

  /** The {@code _count} and {@code _sum} lines of a histogram or summary series. */
  private void countAndSum(String name, DataPoint dp, double count, double sum) throws IOException {
    sample(name, "_count", dp.labels(), null, null, count, dp);
    out.ascii('\n');
    sample(name, "_sum", dp.labels(), null, null, sum, dp);
    out.ascii('\n');
  }

  private void info(InfoSnapshot s) throws IOException {
    header(s, om ? "" : "_info", om ? "info" : "gauge");
    for (InfoSnapshot.DataPoint dp : s.dataPoints()) {
      sample(s.name(), "_info", dp.labels(), null, null, 1.0, dp);
      out.ascii('\n');
    }
  }

  private void stateSet(StateSetSnapshot s) throws IOException {
    String name = s.name();
    header(s, "", om ? "stateset" : "gauge");
    for (StateSetSnapshot.DataPoint dp : s.dataPoints()) {
      for (int i = 0; i < dp.size(); i++) {
        sample(name, "", dp.labels(), name, dp.state(i), dp.enabled(i) ? 1.0 : 0.0, dp);
        out.ascii('\n');
      }
    }
  }

  private void unknown(UnknownSnapshot s) throws IOException {
    // Exemplars are only allowed on counters and histogram buckets, so they are not written here.
    header(s, "", om ? "unknown" : "untyped");
    for (UnknownSnapshot.DataPoint dp : s.dataPoints()) {
      sample(s.name(), "", dp.labels(), null, null, dp.value(), dp);
      out.ascii('\n');
    }
  }

  // ---- lines

  /** Text 0.0.4: HELP then TYPE. OpenMetrics: TYPE, UNIT (when set), HELP (when set). */
  private void header(MetricSnapshot<?> s, String suffix, String type) throws IOException {
    if (om) {
      out.text("# TYPE ");
      out.text(s.name());
      out.ascii(' ');
      out.text(type);
      out.ascii('\n');
      if (!s.unit().isEmpty()) {
        out.text("# UNIT ");
        out.text(s.name());
        out.ascii(' ');
        out.text(s.unit());
        out.ascii('\n');
      }
      if (!s.help().isEmpty()) {
        out.text("# HELP ");
        out.text(s.name());
        out.ascii(' ');
        out.escaped(s.help(), Utf8Sink.ESCAPE_QUOTED);
        out.ascii('\n');
      }
    } else {
      out.text("# HELP ");
      out.text(s.name());
      out.text(suffix);
      out.ascii(' ');
      out.escaped(s.help(), Utf8Sink.ESCAPE_HELP);
      out.text("\n# TYPE ");
      out.text(s.name());
      out.text(suffix);
      out.ascii(' ');
      out.text(type);
      out.ascii('\n');
    }
  }

  /** {@code name+suffix{labels} value [timestamp]}, without the newline. */
  private void sample(String name, String suffix, Labels labels, String extraName,
      String extraValue, double value, DataPoint dp) throws IOException {
    out.bytes(sampleName(name, suffix));
    labels(labels, extraName, extraValue);
    out.ascii(' ');
    out.number(value);
    timestamp(dp.hasTimestamp(), dp.timestampMillis());
  }

  private void timestamp(boolean present, long millis) throws IOException {
    if (present) {
      out.ascii(' ');
      if (om) {
        out.seconds(millis);
      } else {
        out.decimal(millis);
      }
    }
  }

  /** OpenMetrics {@code _created} line of a data point that has one. */
  private void created(String name, DataPoint dp) throws IOException {
    if (createdSeries && dp.hasCreated()) {
      out.bytes(sampleName(name, "_created"));
      labels(dp.labels(), null, null);
      out.ascii(' ');
      out.seconds(dp.createdMillis());
      timestamp(dp.hasTimestamp(), dp.timestampMillis());
      out.ascii('\n');
    }
  }

  /** Text 0.0.4: the separate {@code name_created} gauge family Python writes after a family. */
  private void createdFamily(MetricSnapshot<?> s) throws IOException {
    if (!createdSeries) {
      return;
    }
    boolean any = false;
    for (DataPoint dp : s.dataPoints()) {
      if (dp.hasCreated()) {
        any = true;
        break;
      }
    }
    if (!any) {
      return;
    }
    header(s, "_created", "gauge");
    for (DataPoint dp : s.dataPoints()) {
      if (dp.hasCreated()) {
        out.bytes(sampleName(s.name(), "_created"));
        labels(dp.labels(), null, null);
        out.ascii(' ');
        out.secondsAsDouble(dp.createdMillis());
        timestamp(dp.hasTimestamp(), dp.timestampMillis());
        out.ascii('\n');
      }
    }
  }

  private void exemplar(Exemplar e) throws IOException {
    if (e == null) {
      return;
    }
    out.text(" # ");
    Labels l = e.labels();
    int n = l.size();
    int[] order = new int[n];
    sortOrder(l, n, null, order);
    out.ascii('{');
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        out.ascii(',');
      }
      labelPair(l.name(order[i]), l.value(order[i]));
    }
    out.text("} ");
    out.number(e.value());
    if (e.hasTimestamp()) {
      out.ascii(' ');
      out.seconds(e.timestampMillis());
    }
  }

  /** The UTF-8 bytes of {@code name + suffix}, cached per name and suffix. */
  private byte[] sampleName(String name, String suffix) {
    for (int i = 0; i < nameCacheSize; i++) {
      if (nameCacheNames[i] == name && nameCacheSuffixes[i] == suffix) {
        return nameCacheBytes[i];
      }
    }
    int slot = nameCacheSize < nameCacheNames.length ? nameCacheSize++ : nameCacheNext++ % 8;
    nameCacheNames[slot] = name;
    nameCacheSuffixes[slot] = suffix;
    nameCacheBytes[slot] = (name + suffix).getBytes(StandardCharsets.UTF_8);
    return nameCacheBytes[slot];
  }

  /** {@code {a="1",b="2"}} sorted by name, plus the extra label if any; nothing when empty. */
  private void labels(Labels labels, String extraName, String extraValue) throws IOException {
    int n = labels.size();
    int total = extraName == null ? n : n + 1;
    if (total == 0) {
      return;
    }
    int[] order = cachedOrder(labels, n, extraName);
    byte[][] prefixes = cachedPrefixes;
    for (int i = 0; i < total; i++) {
      out.bytes(prefixes[i]); // {name=" or ,name="
      int k = order[i];
      out.escaped(k == n ? extraValue : labels.value(k), Utf8Sink.ESCAPE_QUOTED);
      out.ascii('"');
    }
    out.ascii('}');
  }

  private void labelPair(String name, String value) throws IOException {
    out.text(name);
    out.ascii('=');
    out.ascii('"');
    out.escaped(value, Utf8Sink.ESCAPE_QUOTED);
    out.ascii('"');
  }

  /**
   * The sorted order of these labels (plus the extra one), and in {@link #cachedPrefixes} the
   * encoded {@code {name="} / {@code ,name="} of each position; reused while the names stay.
   */
  private int[] cachedOrder(Labels labels, int n, String extraName) {
    if (n == cachedSize && (extraName == null ? cachedExtra == null : extraName.equals(cachedExtra))) {
      boolean same = true;
      for (int i = 0; i < n; i++) {
        String name = labels.name(i);
        if (name != cachedNames[i]) {
          if (!name.equals(cachedNames[i])) {
            same = false;
            break;
          }
          cachedNames[i] = name; // same name, other instance: remember it for the fast check
        }
      }
      if (same) {
        return cachedOrder;
      }
    }
    if (cachedNames.length < n) {
      cachedNames = new String[n];
      cachedOrder = new int[n + 1];
      cachedPrefixes = new byte[n + 1][];
    }
    for (int i = 0; i < n; i++) {
      cachedNames[i] = labels.name(i);
    }
    cachedSize = n;
    cachedExtra = extraName;
    sortOrder(labels, n, extraName, cachedOrder);
    int total = extraName == null ? n : n + 1;
    for (int i = 0; i < total; i++) {
      String name = nameOf(labels, n, extraName, cachedOrder[i]);
      cachedPrefixes[i] = ((i == 0 ? "{" : ",") + name + "=\"").getBytes(StandardCharsets.UTF_8);
    }
    return cachedOrder;
  }

  /** Fills {@code order} with label indexes sorted by name; index {@code n} is the extra label. */
  private static void sortOrder(Labels labels, int n, String extraName, int[] order) {
    int total = extraName == null ? n : n + 1;
    for (int i = 0; i < total; i++) {
      order[i] = i;
      // insertion sort: label sets are small and usually already sorted
      int j = i;
      while (j > 0 && nameOf(labels, n, extraName, order[j - 1])
          .compareTo(nameOf(labels, n, extraName, order[j])) > 0) {
        int t = order[j];
        order[j] = order[j - 1];
        order[j - 1] = t;
        j--;
      }
    }
  }

  private static String nameOf(Labels labels, int n, String extraName, int k) {
    return k == n ? extraName : labels.name(k);
  }

  /** The formatted {@code le} bounds of a histogram or quantiles of a summary, cached. */
  private String[] bounds(int n, HistogramSnapshot.DataPoint h, SummarySnapshot.DataPoint s) {
    if (boundStrings.length != n) {
      boundStrings = new String[n];
      boundCache = new double[n];
    }
    for (int i = 0; i < n; i++) {
      double b = h != null ? h.upperBound(i) : s.quantile(i);
      String cached = boundStrings[i];
      if (cached == null || Double.doubleToLongBits(boundCache[i]) != Double.doubleToLongBits(b)) {
        boundCache[i] = b;
        boundStrings[i] = Doubles.format(b);
      }
    }
    return boundStrings;
  }
}
