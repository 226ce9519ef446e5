package dev.hearth;

import dev.hearth.internal.ChildTable;
import dev.hearth.internal.ModelAccess;
import dev.hearth.internal.Names;
import dev.hearth.model.Exemplar;
import dev.hearth.model.Labels;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.MetricType;
import dev.hearth.spi.DoubleSlot;
import dev.hearth.spi.ValueStorage;
import dev.hearth.spi.ValueStorages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The base of Hearth's metric types: a named family with fixed label names and one child (series)
 * per combination of label values.
 *
 * <p>Look a child up with {@link #labels(String...)} (positional, in {@code labelNames} order) or
 * {@link #labels(Map)} (by name); keep the returned handle to skip the lookup on hot paths. A
 * metric without labels records directly ({@code counter.inc()}).
 *
 * <p>Thread-safe. Positional lookups of existing children take no lock and allocate nothing;
 * {@link #labels(Map)} allocates the values array it builds from the map.
 *
 * @param <C> the child type
 */
public abstract class Metric<C> implements Collector {
  final String name;
  final String help;
  final String unit;
  final String[] labelNames;
  final ValueStorage storage;
  final MultiprocessMode multiprocessMode;
  private final ChildTable<C> children;
  /** The only child of a metric without labels; null when labelled. Set by {@link #init()}. */
  C noLabels;

  /** Marks "no limit" in {@link #maxSeries}. */
  static final int UNLIMITED = Integer.MAX_VALUE;
  /** The limit used when neither the builder nor the registry gives one. */
  static final int DEFAULT_MAX_SERIES = 10_000;
  private final boolean explicitLimit;
  private final boolean explicitPolicy;
  private volatile int maxSeries;
  private volatile CardinalityPolicy policy;
  /** Lazily created: the all-{@code __overflow__} series, and the detached child for DROP. */
  private volatile C overflow;
  private volatile C dropped;
  private final java.util.concurrent.atomic.LongAdder overflowEvents = new java.util.concurrent.atomic.LongAdder();
  /** NaN observations ignored by a histogram or summary (always 0 for other types). */
  final java.util.concurrent.atomic.LongAdder ignoredNaN = new java.util.concurrent.atomic.LongAdder();
  private volatile boolean limitWarned;
  /** Series not recorded to for this long are removed at the next scrape; 0: never. */
  final long expireAfterNanos;
  /** {@code expireAfterNanos > 0}: children note the time of each recording. */
  final boolean expiring;
  private static final System.Logger LOG = System.getLogger(Metric.class.getName());
  /** Why removing series cannot work with a storage such as multi-process files. */
  static final String STAYS = "a series' value stays in the storage (in multi-process mode, its"
      + " entry in the process's .db file), and Hearth's and Python's MultiProcessCollector keep"
      + " exposing it; Python's remove()/clear() leave the file entry the same way.";

  Metric(Builder<?, ?> b) {
    this.name = b.familyName();
    this.help = b.help;
    this.unit = b.unit;
    this.labelNames = b.labelNames.clone();
    this.children = new ChildTable<>(labelNames.length);
    this.storage = b.heap || b.heapOnly() ? null
        : b.storage != null ? b.storage : ValueStorages.current();
    this.multiprocessMode = b.multiprocessMode;
    this.explicitLimit = b.maxSeries != null;
    this.explicitPolicy = b.policy != null;
    if (b.expireAfter != null && storage != null) {
      throw new IllegalStateException(describeForErrors() + ": expireAfter(" + b.expireAfter
          + ") is not supported when values live in " + storage + ": " + STAYS
          + " Use heapStorage() for this metric, or no expiry.");
    }
    this.expireAfterNanos = b.expireAfter == null ? 0 : b.expireAfter.toNanos();
    this.expiring = expireAfterNanos > 0;
    this.maxSeries = b.maxSeries != null ? b.maxSeries : DEFAULT_MAX_SERIES;
    this.policy = b.policy != null ? b.policy : CardinalityPolicy.OVERFLOW;
  }

  /** Applies a registry's defaults to options the builder left open. */
  final void applyRegistryDefaults(int defaultMaxSeries, CardinalityPolicy defaultPolicy) {
    if (!explicitLimit) {
      maxSeries = defaultMaxSeries;
    }
    if (!explicitPolicy) {
      policy = defaultPolicy;
    }
  }

  /** The series limit ({@link Integer#MAX_VALUE} when unlimited). */
  public int maxSeries() {
    return maxSeries;
  }

  /** What happens to new label combinations past {@link #maxSeries()}. */
  public CardinalityPolicy cardinalityPolicy() {
    return policy;
  }

  /** Lookups routed to the overflow series or dropped because of the limit, so far. */
  public long overflowCount() {
    return overflowEvents.sum();
  }

  /**
   * NaN observations a {@link Histogram} or {@link Summary} ignored so far (0 for other types);
   * exposed by the registry as {@code hearth_ignored_nan_observations_total{metric}}.
   */
  public long ignoredNaNObservations() {
    return ignoredNaN.sum();
  }

  /** Creates the single child of a metric without labels; subclass constructors call it last. */
  final void init() {
    if (labelNames.length == 0) {
      noLabels = children.computeIfAbsent(new String[0], v -> newChild(v, false));
    }
  }

  /** The family name (a counter's without {@code _total}). */
  public String name() {
    return name;
  }

  /** The label names, in declaration order. */
  public List<String> labelNames() {
    return Collections.unmodifiableList(Arrays.asList(labelNames));
  }

  /** The family's type. */
  abstract MetricType type();

  /** When a child was last recorded to ({@link System#nanoTime()}); used only when expiring. */
  long touchedNanos(C child) {
    return Long.MAX_VALUE;
  }

  /**
   * Creates a child; {@code values} is owned by the child and never modified. With
   * {@code detached}, its values stay on the heap whatever the storage: a child that is never
   * exposed (the DROP policy's) must leave no trace in a shared storage.
   */
  abstract C newChild(String[] values, boolean detached);

  /**
   * The child for these label values, in {@code labelNames} order, created when absent.
   *
   * @throws IllegalArgumentException when the count is wrong or a value is null
   */
  public C labels(String... values) {
    if (values.length != labelNames.length) {
      throw wrongCount(values.length);
    }
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        throw nullValue(i);
      }
    }
    C c = children.get(values);
    return c != null ? c : create(values);
  }

  /** The child for one label value; see {@link #labels(String...)}. */
  public C labels(String v0) {
    if (labelNames.length != 1) {
      throw wrongCount(1);
    }
    if (v0 == null) {
      throw nullValue(0);
    }
    C c = children.get1(v0);
    return c != null ? c : createFrom(v0);
  }

  /** The child for two label values; see {@link #labels(String...)}. */
  public C labels(String v0, String v1) {
    if (labelNames.length != 2) {
      throw wrongCount(2);
    }
    if (v0 == null || v1 == null) {
      throw nullValue(v0 == null ? 0 : 1);
    }
    C c = children.get2(v0, v1);
    return c != null ? c : createFrom(v0, v1);
  }

  /** The child for three label values; see {@link #labels(String...)}. */
  public C labels(String v0, String v1, String v2) {
    if (labelNames.length != 3) {
      throw wrongCount(3);
    }
    if (v0 == null || v1 == null || v2 == null) {
      throw nullValue(v0 == null ? 0 : v1 == null ? 1 : 2);
    }
    C c = children.get3(v0, v1, v2);
    return c != null ? c : createFrom(v0, v1, v2);
  }

  /**
   * The child for these labels given by name, so their order cannot be wrong.
   *
   * @throws IllegalArgumentException when a name is unknown or missing, naming them
   */
  public C labels(Map<String, String> labels) {
    return labels(valuesOf(labels));
  }

  /**
   * Removes the series with these label values; a no-op when absent.
   *
   * @throws IllegalStateException when values live in a storage other than the heap (e.g.
   *     multi-process files), where the series would stay exposed
   */
  public void remove(String... values) {
    if (values.length != labelNames.length) {
      throw wrongCount(values.length);
    }
    if (labelNames.length == 0) {
      throw new IllegalStateException(describeForErrors() + " has no labels; nothing to remove");
    }
    checkRemovable("remove(" + labelsOf(values.clone()) + ")");
    children.remove(values);
  }

  /** Throws when series cannot be removed because their values live in a storage. */
  final void checkRemovable(String operation) {
    if (storage != null) {
      throw new IllegalStateException(describeForErrors() + ": " + operation
          + " is not supported when values live in " + storage + ": " + STAYS
          + " Build the metric with heapStorage() to remove series.");
    }
  }

  /** Removes the series with these labels, given by name. */
  public void remove(Map<String, String> labels) {
    remove(valuesOf(labels));
  }

  /**
   * Removes every series (a metric without labels keeps its single series).
   *
   * @throws IllegalStateException when values live in a storage other than the heap (e.g.
   *     multi-process files), where the series would stay exposed
   */
  public void clear() {
    checkRemovable("clear()");
    if (labelNames.length > 0) {
      children.clear();
      overflow = null;
    }
  }

  /** The number of exposed series (the overflow series included). */
  public int childCount() {
    return children.size() + (overflow != null ? 1 : 0);
  }

  /** The miss path of labels(v0..): out of line, so the hot lookup stays small enough to inline. */
  private C createFrom(String... values) {
    return create(values);
  }

  /**
   * The miss path of a lookup: create the child, or apply the cardinality policy. A real value
   * equal to {@link CardinalityPolicy#OVERFLOW_VALUE} is refused here (existing children are never
   * looked at again), so it cannot become a second series with the overflow series' labels.
   */
  private C create(String[] values) {
    for (int i = 0; i < values.length; i++) {
      if (values[i].equals(CardinalityPolicy.OVERFLOW_VALUE)) {
        throw new IllegalArgumentException(describeForErrors() + ": label '" + labelNames[i]
            + "' has the value '" + CardinalityPolicy.OVERFLOW_VALUE
            + "', which is reserved for the overflow series (see CardinalityPolicy)");
      }
    }
    C c = children.computeIfAbsent(values, v -> newChild(v, false), maxSeries);
    if (c != null) {
      return c;
    }
    return overLimit(values);
  }

  private C overLimit(String[] values) {
    if (!limitWarned) {
      limitWarned = true;
      LOG.log(System.Logger.Level.WARNING, () -> describeForErrors() + " reached its limit of "
          + maxSeries + " series; new label combinations now follow policy " + policy
          + " (first rejected: " + labelsOf(values.clone()) + ")");
    }
    CardinalityPolicy p = policy;
    if (p == CardinalityPolicy.FAIL) {
      throw new CardinalityLimitExceededException(name, maxSeries, labelsOf(values.clone()).toString());
    }
    overflowEvents.increment();
    if (p == CardinalityPolicy.DROP) {
      C d = dropped;
      if (d == null) {
        synchronized (this) {
          d = dropped;
          if (d == null) {
            d = newChild(fill(CardinalityPolicy.OVERFLOW_VALUE), true);
            dropped = d;
          }
        }
      }
      return d;
    }
    C o = overflow;
    if (o == null) {
      synchronized (this) {
        o = overflow;
        if (o == null) {
          o = newChild(fill(CardinalityPolicy.OVERFLOW_VALUE), false);
          overflow = o;
        }
      }
    }
    return o;
  }

  private String[] fill(String value) {
    String[] v = new String[labelNames.length];
    java.util.Arrays.fill(v, value);
    return v;
  }

  /** The child of a metric without labels, or an error naming the labels to give. */
  final C noLabelsChild() {
    if (noLabels == null) {
      throw new IllegalStateException(describeForErrors() + " has labels " + labelNames()
          + "; call labels(...) to get a series first");
    }
    return noLabels;
  }

  private String[] valuesOf(Map<String, String> labels) {
    String[] values = new String[labelNames.length];
    int found = 0;
    for (int i = 0; i < labelNames.length; i++) {
      String v = labels.get(labelNames[i]);
      if (v != null) {
        values[i] = v;
        found++;
      }
    }
    if (found != labels.size() || found != labelNames.length) {
      List<String> missing = new ArrayList<>();
      for (int i = 0; i < labelNames.length; i++) {
        if (values[i] == null) {
          missing.add(labelNames[i]);
        }
      }
      List<String> unknown = new ArrayList<>();
      for (String k : labels.keySet()) {
        if (!Arrays.asList(labelNames).contains(k)) {
          unknown.add(k);
        }
      }
      throw new IllegalArgumentException(describeForErrors() + " has labels " + labelNames()
          + "; got " + labels.keySet() + (missing.isEmpty() ? "" : ", missing " + missing)
          + (unknown.isEmpty() ? "" : ", unknown " + unknown));
    }
    return values;
  }

  private IllegalArgumentException wrongCount(int got) {
    return new IllegalArgumentException(describeForErrors() + " expects " + labelNames.length
        + " label value(s) for " + labelNames() + ", but got " + got);
  }

  private IllegalArgumentException nullValue(int i) {
    return new IllegalArgumentException(
        describeForErrors() + ": label value for '" + labelNames[i] + "' is null");
  }

  /** E.g. {@code Counter 'http_requests'}. */
  String describeForErrors() {
    String t = getClass().getSimpleName();
    return t + " '" + name + "'";
  }

  /**
   * The exemplar of a recording, checked before anything is recorded (so a rejected exemplar
   * rejects the whole call and loses no data already recorded).
   *
   * @throws IllegalArgumentException naming this metric and the offending exemplar label
   */
  final Exemplar exemplar(double value, Map<String, String> exemplarLabels) {
    try {
      return Exemplar.of(Labels.of(exemplarLabels), value, System.currentTimeMillis());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(describeForErrors() + ": " + e.getMessage(), e);
    }
  }

  /** Labels of a child, sharing this metric's name array. */
  final Labels labelsOf(String[] values) {
    return ModelAccess.labels(labelNames, values);
  }

  /** Calls {@code action} with each child's labels and the child. */
  final void forEachChild(java.util.function.BiConsumer<Labels, C> action) {
    if (expiring) {
      long now = System.nanoTime();
      children.removeIf(c -> now - touchedNanos(c) > expireAfterNanos);
    }
    children.forEach((values, child) -> action.accept(labelsOf(values), child));
    C o = overflow;
    if (o != null) {
      action.accept(labelsOf(fill(CardinalityPolicy.OVERFLOW_VALUE)), o);
    }
  }

  /**
   * A storage slot for one sample of a series, or null when values live on the heap (always for
   * a {@code detached} child).
   */
  final DoubleSlot slot(boolean detached, String sampleName, String[] values, String extraName,
      String extraValue) {
    if (storage == null || detached) {
      return null;
    }
    List<String> names = new ArrayList<>(Arrays.asList(labelNames));
    List<String> vals = new ArrayList<>(Arrays.asList(values));
    if (extraName != null) {
      names.add(extraName);
      vals.add(extraValue);
    }
    return storage.slot(name, sampleName, names, vals, help, type(),
        multiprocessMode == null ? MultiprocessMode.ALL : multiprocessMode);
  }

  @Override
  public List<MetricSnapshot<?>> collect() {
    return List.of(snapshot());
  }

  /** This metric's current state. */
  public abstract MetricSnapshot<?> snapshot();

  @Override
  public List<MetricSnapshot<?>> describe() {
    return List.of(emptySnapshot());
  }

  abstract MetricSnapshot<?> emptySnapshot();

  @Override
  public String collectorName() {
    return name;
  }

  /**
   * Common builder options.
   *
   * @param <B> the concrete builder
   * @param <M> the metric it builds
   */
  public abstract static class Builder<B extends Builder<B, M>, M extends Metric<?>> {
    String name;
    String namespace = "";
    String subsystem = "";
    String help = "";
    String unit = "";
    String[] labelNames = new String[0];
    ValueStorage storage;
    boolean heap;
    MultiprocessMode multiprocessMode;
    Integer maxSeries;
    CardinalityPolicy policy;
    java.time.Duration expireAfter;

    Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
    }

    abstract B self();

    /** The help text shown in {@code # HELP}. */
    public B help(String help) {
      this.help = Objects.requireNonNull(help, "help");
      return self();
    }

    /** The label names, in the order {@code labels(...)} takes values. */
    public B labelNames(String... labelNames) {
      this.labelNames = labelNames.clone();
      return self();
    }

    /** A prefix joined with {@code _}, as in Python's {@code namespace}. */
    public B namespace(String namespace) {
      this.namespace = Objects.requireNonNull(namespace, "namespace");
      return self();
    }

    /** A middle part joined with {@code _}, as in Python's {@code subsystem}. */
    public B subsystem(String subsystem) {
      this.subsystem = Objects.requireNonNull(subsystem, "subsystem");
      return self();
    }

    /**
     * The unit, e.g. {@code seconds}; appended to the name as {@code _seconds} when missing, as
     * Python does, and exposed as OpenMetrics {@code # UNIT}.
     */
    public B unit(String unit) {
      this.unit = Objects.requireNonNull(unit, "unit");
      return self();
    }

    /**
     * At most {@code maxSeries} label combinations (default: the registry's, 10,000 unless
     * configured); past it, {@link #cardinalityPolicy(CardinalityPolicy)} applies.
     */
    public B maxSeries(int maxSeries) {
      if (maxSeries < 1) {
        throw new IllegalArgumentException(
            "Metric '" + name + "': maxSeries must be >= 1, got " + maxSeries);
      }
      this.maxSeries = maxSeries;
      return self();
    }

    /** No series limit: for those who really want it. */
    public B unlimitedSeries() {
      this.maxSeries = UNLIMITED;
      return self();
    }

    /** What happens past the series limit (default {@link CardinalityPolicy#OVERFLOW}). */
    public B cardinalityPolicy(CardinalityPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return self();
    }

    /**
     * Removes series not recorded to for {@code idle} (checked at each scrape), for labels such as
     * customer IDs whose values come and go. Off by default; when on, each recording also reads
     * the clock. A handle kept across the expiry records into a detached series. Heap storage
     * only: {@link #build()} throws {@link IllegalStateException} when values would live in a
     * storage such as multi-process files, where an expired series would stay exposed.
     */
    public B expireAfter(java.time.Duration idle) {
      Objects.requireNonNull(idle, "idle");
      if (idle.isNegative() || idle.isZero()) {
        throw new IllegalArgumentException("Metric '" + name + "': expireAfter must be positive, got " + idle);
      }
      this.expireAfter = idle;
      return self();
    }

    /** Stores values in {@code storage} instead of the installed default or the heap. */
    public B storage(ValueStorage storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      this.heap = false;
      return self();
    }

    /**
     * Keeps values on this process's heap even when a process-wide storage is installed (e.g.
     * multi-process mode): for per-process facts that must not be merged with other processes'
     * values, such as Hearth's own {@code hearth_*} metrics. Such a metric is exposed only by a
     * registry it is registered with in this process, never by a multi-process collector. The
     * last of {@code heapStorage()} and {@link #storage(ValueStorage)} wins.
     */
    public B heapStorage() {
      this.heap = true;
      this.storage = null;
      return self();
    }

    /** True for types whose values always live on the heap, as in Python (info, state set). */
    boolean heapOnly() {
      return false;
    }

    /** The suffix this type strips from a given name (counter: {@code _total}). */
    String strippedSuffix() {
      return null;
    }

    /** Label names this type reserves (histogram: {@code le}). */
    List<String> reservedLabels() {
      return List.of();
    }

    String familyName() {
      String full = name;
      if (!subsystem.isEmpty()) {
        full = subsystem + "_" + full;
      }
      if (!namespace.isEmpty()) {
        full = namespace + "_" + full;
      }
      String suffix = strippedSuffix();
      if (suffix != null && full.endsWith(suffix)) {
        full = full.substring(0, full.length() - suffix.length());
      }
      if (!unit.isEmpty() && !full.endsWith("_" + unit)) {
        full = full + "_" + unit;
      }
      return full;
    }

    void validate() {
      String family = familyName();
      Names.checkMetricName(family);
      if (!unit.isEmpty()) {
        Names.checkUnit(family, unit);
      }
      Names.checkLabelNames(family, labelNames, reservedLabels());
    }

    /** Builds the metric without registering it. */
    public abstract M build();

    /** Builds the metric and registers it with the default registry. */
    public M register() {
      return register(CollectorRegistry.defaultRegistry());
    }

    /** Builds the metric and registers it with {@code registry}. */
    public M register(CollectorRegistry registry) {
      M m = build();
      registry.register(m);
      return m;
    }
  }
}
