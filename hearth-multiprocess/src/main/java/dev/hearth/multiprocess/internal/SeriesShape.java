package dev.hearth.multiprocess.internal;

import dev.hearth.model.Labels;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What an entry's key means for merging, given the type of the file holding it: the sample
 * name, the labels sorted by name then value (without a stored {@code pid} label in gauge files,
 * whose file name supplies it, and without {@code le} in histogram files), and the bucket bound.
 * Immutable; cached per distinct key and file type.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class SeriesShape {
  private static final Pattern PY_FLOAT =
      Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  /** The file types, as the first part of a file name. */
  public enum Context {
    /** {@code counter_*.db}. */
    COUNTER,
    /** {@code histogram_*.db}. */
    HISTOGRAM,
    /** {@code summary_*.db}. */
    SUMMARY,
    /** {@code gauge_<mode>_*.db}. */
    GAUGE
  }

  /** The sample name, e.g. {@code app_requests_total}. */
  public final String sampleName;
  /** The family name from the key. */
  public final String metricName;
  /** The help text from the key. */
  public final String help;
  /** The sorted labels, without {@code le} (histograms) and {@code pid} (gauges). */
  public final LabelSet labels;
  /** The bucket bound of a histogram bucket, NaN otherwise. */
  public final double le;

  // merge-plan caches, valid while `plan` equals the current plan's generation
  int plan = -1;
  Object family;
  int slot;

  private SeriesShape(String sampleName, String metricName, String help, LabelSet labels,
      double le) {
    this.sampleName = sampleName;
    this.metricName = metricName;
    this.help = help;
    this.labels = labels;
    this.le = le;
  }

  static SeriesShape of(DbKey k, Context context, String file) throws DbFileException {
    int n = k.labelCount();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) { // insertion sort by name, then value: label sets are small
      int j = i;
      while (j > 0 && compare(k, order[j - 1], i) > 0) {
        order[j] = order[j - 1];
        j--;
      }
      order[j] = i;
    }
    String[] pairs = new String[2 * n];
    int m = 0;
    double le = Double.NaN;
    for (int i : order) {
      if (context == Context.GAUGE && k.labelName(i).equals("pid")) {
        continue; // the file's pid label replaces a stored one
      }
      if (context == Context.HISTOGRAM && k.labelName(i).equals("le")) {
        le = parsePythonFloat(k.labelValue(i));
        if (Double.isNaN(le)) {
          throw new DbFileException(file, -1, "bucket bound le=\"" + k.labelValue(i) + "\" of "
              + k.sampleName() + " is not a number");
        }
        le += 0.0; // -0.0 and 0.0 are one bucket, as in Python
        continue;
      }
      pairs[m++] = k.labelName(i);
      pairs[m++] = k.labelValue(i);
    }
    return new SeriesShape(k.sampleName(), k.metricName(), k.help(),
        new LabelSet(m == pairs.length ? pairs : Arrays.copyOf(pairs, m)), le);
  }

  private static int compare(DbKey k, int a, int b) {
    int c = k.labelName(a).compareTo(k.labelName(b));
    return c != 0 ? c : k.labelValue(a).compareTo(k.labelValue(b));
  }

  /** Python's {@code float(text)}, or NaN when it would raise (or is NaN). */
  public static double parsePythonFloat(String text) {
    String t = text.strip().replace("_", "");
    String l = t.toLowerCase(Locale.ROOT);
    String body = l.startsWith("+") || l.startsWith("-") ? l.substring(1) : l;
    if (body.equals("inf") || body.equals("infinity")) {
      return l.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (!PY_FLOAT.matcher(t).matches()) {
      return Double.NaN;
    }
    return Double.parseDouble(t);
  }

  /**
   * Label name/value pairs in a merge's key order, with hash and exposition {@link Labels}
   * cached. Immutable apart from the lazily built Labels.
   */
  public static final class LabelSet {
    final String[] pairs;
    private final int hash;
    private Labels labels;

    LabelSet(String[] pairs) {
      this.pairs = pairs;
      this.hash = Arrays.hashCode(pairs);
    }

    /** These pairs without those named {@code name} (this set when there are none). */
    public LabelSet without(String name) {
      int n = 0;
      for (int i = 0; i < pairs.length; i += 2) {
        if (pairs[i].equals(name)) {
          n++;
        }
      }
      if (n == 0) {
        return this;
      }
      String[] p = new String[pairs.length - 2 * n];
      int j = 0;
      for (int i = 0; i < pairs.length; i += 2) {
        if (!pairs[i].equals(name)) {
          p[j++] = pairs[i];
          p[j++] = pairs[i + 1];
        }
      }
      return new LabelSet(p);
    }

    /** These pairs followed by {@code name=value} (kept last, as the merge key has it). */
    public LabelSet with(String name, String value) {
      String[] p = Arrays.copyOf(pairs, pairs.length + 2);
      p[pairs.length] = name;
      p[pairs.length + 1] = value;
      return new LabelSet(p);
    }

    /** The exposition labels (sorted by name), built once. */
    public Labels labels() {
      Labels l = labels;
      if (l == null) {
        int n = pairs.length / 2;
        boolean sorted = true;
        for (int i = 1; i < n && sorted; i++) {
          sorted = pairs[2 * i - 2].compareTo(pairs[2 * i]) <= 0;
        }
        if (sorted) {
          l = Labels.of(pairs); // copies
          labels = l;
          return l;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
          order[i] = i;
        }
        Arrays.sort(order, (a, b) -> pairs[2 * a].compareTo(pairs[2 * b]));
        String[] kv = new String[pairs.length];
        for (int i = 0; i < n; i++) {
          kv[2 * i] = pairs[2 * order[i]];
          kv[2 * i + 1] = pairs[2 * order[i] + 1];
        }
        l = Labels.of(kv);
        labels = l;
      }
      return l;
    }

    @Override
    public boolean equals(Object o) {
      return o == this || o instanceof LabelSet && ((LabelSet) o).hash == hash
          && Arrays.equals(((LabelSet) o).pairs, pairs);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
