package dev.hearth.multiprocess.internal;

/**
 * What a multiprocess file name says, read as Python's collector reads it
 * ({@code basename.split('_')}): the type, and for gauges the mode and pid. For counters,
 * histograms and summaries anything after the type is ignored, as in Python.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class DbFileName {
  /** {@code counter}, {@code gauge}, {@code histogram} or {@code summary}. */
  public final String type;
  /** The file type as a merge context. */
  public final SeriesShape.Context context;
  /** The gauge mode (e.g. {@code livesum}), null for other types. */
  public final String mode;
  /** The gauge file's pid part, null for other types. */
  public final String pid;

  private DbFileName(String type, SeriesShape.Context context, String mode, String pid) {
    this.type = type;
    this.context = context;
    this.mode = mode;
    this.pid = pid;
  }

  /** The parsed name of a {@code *.db} file, or null when it is not a multiprocess file name. */
  public static DbFileName parse(String name) {
    if (!name.endsWith(".db")) {
      return null;
    }
    String base = name.substring(0, name.length() - 3);
    int u = base.indexOf('_');
    if (u <= 0) {
      return null;
    }
    String type = base.substring(0, u);
    switch (type) {
      case "counter":
        return new DbFileName(type, SeriesShape.Context.COUNTER, null, null);
      case "histogram":
        return new DbFileName(type, SeriesShape.Context.HISTOGRAM, null, null);
      case "summary":
        return new DbFileName(type, SeriesShape.Context.SUMMARY, null, null);
      case "gauge":
        String[] parts = name.split("_", -1);
        if (parts.length < 3) {
          return null;
        }
        String pid = parts[2].substring(0, Math.max(0, parts[2].length() - 3)); // parts[2][:-3]
        if (pid.isEmpty()) {
          return null;
        }
        return new DbFileName(type, SeriesShape.Context.GAUGE, parts[1], pid);
      default:
        return null;
    }
  }

  /** True for {@code gauge_live*} files, which only live processes should contribute. */
  public boolean live() {
    return mode != null && mode.startsWith("live");
  }
}
