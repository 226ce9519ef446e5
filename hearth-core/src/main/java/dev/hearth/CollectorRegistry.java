package dev.hearth;

import dev.hearth.internal.ExposedNames;
import dev.hearth.internal.Names;
import dev.hearth.internal.ThrottledLogger;
import dev.hearth.model.Labels;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.MetricType;
import dev.hearth.model.Sample;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A set of collectors scraped together, as Python prometheus_client's {@code CollectorRegistry}.
 *
 * <pre>{@code
 * CollectorRegistry registry = new CollectorRegistry();
 * Counter c = Counter.builder("jobs_total").help("Jobs run").register(registry);
 * c.inc();
 * registry.getSampleValue("jobs_total");   // 1.0
 * }</pre>
 *
 * <p>Registration rejects a collector whose exposed sample names (e.g. {@code x}, {@code x_total},
 * {@code x_created}, {@code x_bucket}) clash with those of an already registered one. A collector
 * that throws during a scrape (including an invalid snapshot, which the snapshot constructors
 * refuse, or a null list or family) is skipped for that scrape, logged (rate-limited) and counted
 * in {@code hearth_collector_errors_total{collector="..."}}, unless the registry was built with
 * {@link Builder#failOnCollectorError(boolean)}.
 *
 * <p>A duplicate family never reaches the wire. Collectors that do not {@link Collector#describe()}
 * their families escape the registration check, so every scrape checks again: when a family
 * exposes a sample name that an earlier family of the scrape already exposes (the same name, or
 * counter {@code x} and gauge {@code x_total}, histogram {@code h} and gauge {@code h_count}, info
 * {@code i} and gauge {@code i_info}, ...), the later family is left out and its collector is
 * logged and counted as above; the registry's own families come first. Merging is not attempted:
 * it is undefined across types, and within a type it would hide a naming mistake. With
 * {@code failOnCollectorError(true)} the scrape fails with an {@link IllegalStateException}
 * naming both collectors and the sample name. The exposition writers refuse such a list from
 * any other source ({@code Exposition.write}).
 *
 * <p>Thread-safe. Scrapes never block registration or recording.
 */
public final class CollectorRegistry {
  private static final System.Logger LOG = System.getLogger(CollectorRegistry.class.getName());
  /** The families of the registry's own series, reserved at registration and in every scrape. */
  private static final List<String> SELF_FAMILIES = List.of("hearth_collector_errors",
      "hearth_metric_series", "hearth_cardinality_overflow", "hearth_ignored_nan_observations");

  private static MetricType selfType(String family) {
    return family.equals("hearth_metric_series") ? MetricType.GAUGE : MetricType.COUNTER;
  }

  /** Owns {@link #SELF_FAMILIES} in clash reports. */
  private static final Collector SELF = new Collector() {
    @Override
    public List<MetricSnapshot<?>> collect() {
      return List.of();
    }

    @Override
    public String collectorName() {
      return "the registry's self-metrics";
    }
  };
  private static final CollectorRegistry DEFAULT = new CollectorRegistry();

  private final boolean failOnCollectorError;
  private final int defaultMaxSeries;
  private final CardinalityPolicy defaultPolicy;
  private final CopyOnWriteArrayList<Collector> collectors = new CopyOnWriteArrayList<>();
  /** Exposed sample name -> owning collector; guarded by {@code this}. */
  private final Map<String, Collector> namesToCollectors = new LinkedHashMap<>();
  /** Collector -> the names it claimed; guarded by {@code this}. */
  private final Map<Collector, List<String>> collectorsToNames = new IdentityHashMap<>();
  private final Counter collectorErrors;
  private final ThrottledLogger errorLog = new ThrottledLogger(LOG, 60_000);

  /** A registry that skips and counts failing collectors. */
  public CollectorRegistry() {
    this(new Builder());
  }

  private CollectorRegistry(Builder b) {
    this.failOnCollectorError = b.failOnCollectorError;
    this.defaultMaxSeries = b.defaultMaxSeries;
    this.defaultPolicy = b.defaultPolicy;
    this.collectorErrors = Counter.builder("hearth_collector_errors_total")
        .help("Scrapes in which a collector threw and was skipped.")
        .labelNames("collector")
        .heapStorage() // a per-process fact: never in a process-wide storage (multi-process files)
        .build();
    // the registry's own series: a metric registered under one of these names would clash
    for (String family : SELF_FAMILIES) {
      for (String name : exposedNames(family, selfType(family))) {
        namesToCollectors.put(name, SELF);
      }
    }
  }

  /** The process-wide registry that {@code register()} without an argument uses. */
  public static CollectorRegistry defaultRegistry() {
    return DEFAULT;
  }

  /** A builder for registries with non-default options. */
  public static Builder builder() {
    return new Builder();
  }

  /** Options of a {@link CollectorRegistry}. */
  public static final class Builder {
    private boolean failOnCollectorError;
    private int defaultMaxSeries = Metric.DEFAULT_MAX_SERIES;
    private CardinalityPolicy defaultPolicy = CardinalityPolicy.OVERFLOW;

    private Builder() {}

    /**
     * The series limit of registered metrics that set none themselves (default 10,000: the
     * safe range of one Prometheus server per metric).
     */
    public Builder defaultMaxSeries(int maxSeries) {
      if (maxSeries < 1) {
        throw new IllegalArgumentException("defaultMaxSeries must be >= 1, got " + maxSeries);
      }
      this.defaultMaxSeries = maxSeries;
      return this;
    }

    /** No series limit for registered metrics that set none themselves. */
    public Builder unlimitedSeriesByDefault() {
      this.defaultMaxSeries = Metric.UNLIMITED;
      return this;
    }

    /** The policy past the limit for registered metrics that set none themselves. */
    public Builder defaultCardinalityPolicy(CardinalityPolicy policy) {
      this.defaultPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** When true, a collector that throws fails the whole scrape instead of being skipped. */
    public Builder failOnCollectorError(boolean fail) {
      this.failOnCollectorError = fail;
      return this;
    }

    /** The registry. */
    public CollectorRegistry build() {
      return new CollectorRegistry(this);
    }
  }

  /**
   * Adds a collector.
   *
   * @throws IllegalArgumentException when one of its names is already taken, naming both
   *     collectors and the name, or when it is already registered
   */
  public void register(Collector collector) {
    Objects.requireNonNull(collector, "collector");
    List<String> names = exposedNames(collector.describe());
    synchronized (this) {
      if (collectorsToNames.containsKey(collector)) {
        throw new IllegalArgumentException(
            "Collector " + describe(collector) + " is already registered");
      }
      for (String name : names) {
        Collector other = namesToCollectors.get(name);
        if (other != null) {
          throw new IllegalArgumentException("Collector " + describe(collector)
              + " exposes '" + name + "', which " + describe(other) + " already exposes");
        }
      }
      Map<String, Boolean> own = new LinkedHashMap<>();
      for (String name : names) {
        if (own.put(name, Boolean.TRUE) != null) {
          throw new IllegalArgumentException(
              "Collector " + describe(collector) + " exposes '" + name + "' twice");
        }
      }
      for (String name : names) {
        namesToCollectors.put(name, collector);
      }
      collectorsToNames.put(collector, names);
      if (collector instanceof Metric) {
        ((Metric<?>) collector).applyRegistryDefaults(defaultMaxSeries, defaultPolicy);
      }
      collectors.add(collector);
    }
  }

  /** Removes a collector; does nothing when it is not registered. */
  public void unregister(Collector collector) {
    synchronized (this) {
      List<String> names = collectorsToNames.remove(collector);
      if (names != null) {
        names.forEach(namesToCollectors::remove);
      }
      collectors.remove(collector);
    }
  }

  /** Removes every collector. */
  public synchronized void clear() {
    for (Collector c : new ArrayList<>(collectors)) {
      unregister(c);
    }
  }

  /** The registered collectors, in registration order (a snapshot). */
  public List<Collector> collectors() {
    return Collections.unmodifiableList(new ArrayList<>(collectors));
  }

  /**
   * Which registered metrics hold how many series, their limits, and the labels that cause them
   * (metrics with the most series first).
   */
  public CardinalityReport cardinality() {
    return CardinalityReport.of(collectors());
  }

  /** Collects every registered collector. */
  public List<MetricSnapshot<?>> collect() {
    return collect(ALL);
  }

  /** The filter of {@link #collect()}: lets {@link #matches} skip computing exposed names. */
  private static final Predicate<String> ALL = name -> true;

  /**
   * Collects the families whose name, or one of whose exposed sample names, {@code filter}
   * accepts (as Python's {@code restricted_registry} for {@code name[]} scrapes).
   */
  public List<MetricSnapshot<?>> collect(Predicate<String> filter) {
    List<MetricSnapshot<?>> out = new ArrayList<>();
    ExposedNames<Collector> claimed = new ExposedNames<>();
    for (String family : SELF_FAMILIES) {
      claimed.claim(family, selfType(family), SELF);
    }
    for (Collector c : collectors) {
      List<MetricSnapshot<?>> got;
      try {
        got = c.collect();
        checkNotNull(c, got);
      } catch (RuntimeException | Error e) {
        if (failOnCollectorError || e instanceof VirtualMachineError) {
          throw e;
        }
        skipped(c, "failed and was skipped in this scrape", e);
        continue;
      }
      for (MetricSnapshot<?> s : got) {
        ExposedNames.Claim<Collector> earlier = claimed.claim(s.name(), s.type(), c);
        if (earlier != null) {
          String why = "exposes '" + claimed.clashName() + "' with its " + s.type().openMetricsName()
              + " family '" + s.name() + "', which " + describe(earlier.owner())
              + (earlier.owner() == c ? " itself" : "") + " exposes with its " + earlier
              + " in this scrape";
          if (failOnCollectorError) {
            throw new IllegalStateException("Collector " + describe(c) + " " + why);
          }
          skipped(c, why + "; the family was left out", null);
        } else if (matches(s, filter)) {
          out.add(s);
        }
      }
    }
    if (collectorErrors.childCount() > 0) {
      addMatching(collectorErrors.collect(), filter, out);
    }
    addMatching(cardinalitySnapshots(), filter, out);
    return out;
  }

  /** A null list or family from {@code collect()} is a collector failure. */
  private static void checkNotNull(Collector c, List<MetricSnapshot<?>> got) {
    if (got == null) {
      throw new NullPointerException("Collector " + safeName(c) + " returned null");
    }
    for (MetricSnapshot<?> s : got) {
      if (s == null) { // List.contains(null) throws for List.of(...)
        throw new NullPointerException("Collector " + safeName(c) + " returned a null family");
      }
    }
  }

  /** Counts, and logs rate-limited, a collector's output left out of a scrape. */
  private void skipped(Collector c, String why, Throwable t) {
    String name = safeName(c);
    collectorErrors.labels(name).inc();
    errorLog.log(System.Logger.Level.WARNING, name, () -> "Collector " + name + " " + why, t);
  }

  private static void addMatching(List<MetricSnapshot<?>> families, Predicate<String> filter,
      List<MetricSnapshot<?>> out) {
    for (MetricSnapshot<?> s : families) {
      if (matches(s, filter)) {
        out.add(s);
      }
    }
  }

  /**
   * {@code hearth_metric_series{metric}} for every registered labelled metric,
   * {@code hearth_cardinality_overflow_total{metric}} for those that hit their limit and
   * {@code hearth_ignored_nan_observations_total{metric}} for those that ignored a NaN.
   */
  private List<MetricSnapshot<?>> cardinalitySnapshots() {
    GaugeMetricFamily series = new GaugeMetricFamily("hearth_metric_series",
        "Series of each labelled metric in this registry.", List.of("metric"));
    CounterMetricFamily overflow = new CounterMetricFamily("hearth_cardinality_overflow_total",
        "Lookups of new label combinations past a metric's series limit (routed to the overflow series or dropped).",
        List.of("metric"));
    CounterMetricFamily nan = new CounterMetricFamily("hearth_ignored_nan_observations_total",
        "NaN observations a histogram or summary ignored (OpenMetrics forbids a NaN _sum).",
        List.of("metric"));
    boolean anySeries = false;
    boolean anyOverflow = false;
    boolean anyNaN = false;
    for (Collector c : collectors) {
      long ignored = c instanceof Metric ? ((Metric<?>) c).ignoredNaNObservations() : 0;
      if (ignored > 0) {
        nan.addMetric(List.of(((Metric<?>) c).name()), ignored);
        anyNaN = true;
      }
      if (c instanceof Metric && !((Metric<?>) c).labelNames().isEmpty()) {
        Metric<?> m = (Metric<?>) c;
        series.addMetric(List.of(m.name()), m.childCount());
        anySeries = true;
        long o = m.overflowCount();
        if (o > 0) {
          overflow.addMetric(List.of(m.name()), o);
          anyOverflow = true;
        }
      }
    }
    List<MetricSnapshot<?>> out = new ArrayList<>(3);
    if (anySeries) {
      out.add(series.build());
    }
    if (anyOverflow) {
      out.add(overflow.build());
    }
    if (anyNaN) {
      out.add(nan.build());
    }
    return out;
  }

  private static boolean matches(MetricSnapshot<?> s, Predicate<String> filter) {
    if (filter == ALL) {
      return true;
    }
    for (String n : exposedNames(s)) {
      if (filter.test(n)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The value of a sample in the current state, or {@code null} when absent. For tests:
   * collects the whole registry.
   */
  public Double getSampleValue(String sampleName) {
    return getSampleValue(sampleName, Map.of());
  }

  /**
   * The value of the sample named {@code sampleName} (e.g. {@code requests_total},
   * {@code latency_bucket}) with exactly these labels, or {@code null} when absent.
   */
  public Double getSampleValue(String sampleName, Map<String, String> labels) {
    Objects.requireNonNull(sampleName, "sampleName");
    Labels wanted = Labels.of(labels);
    for (MetricSnapshot<?> family : collect()) {
      if (!sampleName.startsWith(family.name())) {
        continue;
      }
      for (Sample s : family.samples()) {
        if (s.name().equals(sampleName) && s.labels().equals(wanted)) {
          return s.value();
        }
      }
    }
    return null;
  }

  private static String safeName(Collector c) {
    try {
      return c.collectorName();
    } catch (RuntimeException e) {
      return c.getClass().getName();
    }
  }

  private static String describe(Collector c) {
    return c instanceof Metric ? ((Metric) c).describeForErrors() : safeName(c);
  }

  private static List<String> exposedNames(List<MetricSnapshot<?>> families) {
    List<String> out = new ArrayList<>();
    for (MetricSnapshot<?> f : families) {
      out.addAll(exposedNames(f));
    }
    return out;
  }

  /** Every sample name a family may expose, as Python's registry computes them. */
  static List<String> exposedNames(MetricSnapshot<?> f) {
    return exposedNames(f.name(), f.type());
  }

  static List<String> exposedNames(String name, MetricType type) {
    List<String> suffixes = Names.exposedSuffixes(type);
    List<String> names = new ArrayList<>(suffixes.size());
    for (String suffix : suffixes) {
      names.add(name + suffix);
    }
    return names;
  }
}
