package dev.hearth;

/**
 * How a gauge's values from several processes are combined in multi-process mode, with the same
 * meaning as Python prometheus_client's {@code multiprocess_mode}. The {@code LIVE*} modes count
 * only processes that are alive. Has no effect on metrics stored on the heap.
 */
public enum MultiprocessMode {
  /** One series per process, with a {@code pid} label (the default). */
  ALL("all"),
  /** As {@link #ALL}, live processes only. */
  LIVEALL("liveall"),
  /** The minimum over processes. */
  MIN("min"),
  /** As {@link #MIN}, live processes only. */
  LIVEMIN("livemin"),
  /** The maximum over processes. */
  MAX("max"),
  /** As {@link #MAX}, live processes only. */
  LIVEMAX("livemax"),
  /** The sum over processes. */
  SUM("sum"),
  /** As {@link #SUM}, live processes only. */
  LIVESUM("livesum"),
  /** The most recently set value (needs the v2 file format). */
  MOSTRECENT("mostrecent"),
  /** As {@link #MOSTRECENT}, live processes only. */
  LIVEMOSTRECENT("livemostrecent");

  private final String pythonName;

  MultiprocessMode(String pythonName) {
    this.pythonName = pythonName;
  }

  /** The name Python uses, e.g. {@code livesum}, which also appears in file names. */
  public String pythonName() {
    return pythonName;
  }
}
