package dev.hearth;

import dev.hearth.internal.ModelAccess;
import dev.hearth.model.DataPoint;
import dev.hearth.model.Exemplar;
import dev.hearth.model.HistogramSnapshot;
import dev.hearth.model.Labels;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.MetricType;
import dev.hearth.spi.DoubleSlot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts observations in buckets with explicit upper bounds, plus their count and sum.
 *
 * <pre>{@code
 * Histogram latency = Histogram.builder("db_query_duration_seconds").help("Database query latency")
 *     .buckets(0.001, 0.01, 0.1, 1).register();
 * latency.observe(0.042);
 * try (Timer t = latency.startTimer()) { runQuery(); }
 * latency.observe(0.25, Map.of("trace_id", "abc123"));   // with an exemplar
 * }</pre>
 *
 * <p>Each bucket counts in its own {@code LongAdder}; {@code _count} is the sum of the buckets, so
 * every scrape sees {@code _count} equal to the {@code +Inf} bucket and cumulative buckets, and a
 * series never goes down from one scrape to the next, with no lock between writers and scrapes.
 * {@code _sum} may lag the buckets by the observations in flight.
 *
 * <p>A NaN observation is ignored (no bucket, {@code _count} or {@code _sum} changes) and counted
 * in {@link #ignoredNaNObservations()}: OpenMetrics says bucket values and the sum are counters
 * and MUST NOT be NaN, and one NaN would make {@code _sum} NaN for good (client_java also ignores
 * NaN). Infinities are recorded ({@code +Inf} lands in the {@code +Inf} bucket); observing both
 * {@code +Inf} and {@code -Inf} makes {@code _sum} NaN, which is the caller's arithmetic.
 *
 * <p>Thread-safe.
 */
public final class Histogram extends Metric<Histogram.Child> {
  private final double[] upperBounds; // ends with +Inf
  private final String[] leValues;

  private Histogram(Builder b) {
    super(b);
    this.upperBounds = b.bounds;
    this.leValues = new String[upperBounds.length];
    for (int i = 0; i < upperBounds.length; i++) {
      leValues[i] = HistogramSnapshot.formatLe(upperBounds[i]);
    }
    init();
  }

  /** A builder for a histogram named {@code name}, with the default buckets. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  @Override
  MetricType type() {
    return MetricType.HISTOGRAM;
  }

  @Override
  Child newChild(String[] values, boolean detached) {
    return new Child(values, detached);
  }

  /** See {@link Child#observe(double)}. */
  public void observe(double value) {
    noLabelsChild().observe(value);
  }

  /** See {@link Child#observe(double, Map)}. */
  public void observe(double value, Map<String, String> exemplarLabels) {
    noLabelsChild().observe(value, exemplarLabels);
  }

  /** See {@link Child#startTimer()}. */
  public Timer startTimer() {
    return noLabelsChild().startTimer();
  }

  /** See {@link Child#time(Runnable)}. */
  public double time(Runnable work) {
    return noLabelsChild().time(work);
  }

  /** See {@link Child#time(Callable)}. */
  public <T> T time(Callable<T> work) throws Exception {
    return noLabelsChild().time(work);
  }

  /** The bucket upper bounds, ending with {@code +Inf} (a copy). */
  public double[] upperBounds() {
    return upperBounds.clone();
  }

  @Override
  long touchedNanos(Child child) {
    return child.touchedNanos;
  }

  @Override
  public HistogramSnapshot snapshot() {
    List<HistogramSnapshot.DataPoint> points = new ArrayList<>(childCount());
    forEachChild((labels, c) -> points.add(c.dataPoint(labels)));
    return ModelAccess.snapshot(MetricType.HISTOGRAM, name, help, unit, points); // unchecked: valid by construction
  }

  @Override
  MetricSnapshot<?> emptySnapshot() {
    return new HistogramSnapshot(name, help, unit, List.of());
  }

  /** The index of the first bucket whose bound is {@code >= value} (never called with NaN). */
  int bucketIndex(double value) {
    double[] b = upperBounds;
    int lo = 0;
    int hi = b.length - 1; // +Inf: every non-NaN value fits there
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (value <= b[mid]) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** One series of a histogram. Thread-safe. */
  public final class Child {
    private final LongAdder[] counts; // per bucket, not cumulative; null with a storage
    private final DoubleAdder sum;
    private final DoubleSlot[] bucketSlots; // null on the heap
    private final DoubleSlot sumSlot;
    private final long createdMillis = System.currentTimeMillis();
    private volatile AtomicReferenceArray<Exemplar> exemplars;
    private long touchedNanos = System.nanoTime(); // read only when the metric expires series

    Child(String[] values, boolean detached) {
      int n = upperBounds.length;
      if (storage == null || detached) {
        counts = new LongAdder[n];
        for (int i = 0; i < n; i++) {
          counts[i] = new LongAdder();
        }
        sum = new DoubleAdder();
        bucketSlots = null;
        sumSlot = null;
      } else {
        counts = null;
        sum = null;
        bucketSlots = new DoubleSlot[n];
        for (int i = 0; i < n; i++) {
          bucketSlots[i] = slot(false, name + "_bucket", values, "le", leValues[i]);
        }
        sumSlot = slot(false, name + "_sum", values, null, null);
      }
    }

    /** Records one observation; NaN is ignored and counted (see {@link Histogram}). */
    public void observe(double value) {
      if (value != value) {
        ignoredNaN.increment();
        return;
      }
      if (expiring) {
        touchedNanos = System.nanoTime();
      }
      int i = bucketIndex(value);
      LongAdder[] c = counts;
      if (c != null) {
        c[i].increment();
        sum.add(value);
      } else {
        bucketSlots[i].add(1);
        sumSlot.add(value);
      }
    }

    /**
     * Records one observation and keeps it as its bucket's exemplar (e.g. with a trace ID). NaN
     * is ignored and counted, with its exemplar.
     *
     * @throws IllegalArgumentException, recording nothing, when an exemplar label name is invalid
     *     or reserved, or names and values exceed 128 characters
     */
    public void observe(double value, Map<String, String> exemplarLabels) {
      Exemplar e = exemplar(value, exemplarLabels);
      if (value != value) {
        ignoredNaN.increment();
        return;
      }
      observe(value);
      AtomicReferenceArray<Exemplar> ex = exemplars;
      if (ex == null) {
        synchronized (this) {
          ex = exemplars;
          if (ex == null) {
            ex = new AtomicReferenceArray<>(upperBounds.length);
            exemplars = ex;
          }
        }
      }
      ex.set(bucketIndex(value), e);
    }

    /** A timer that observes the elapsed seconds when closed. */
    public Timer startTimer() {
      return new Timer(this::observe);
    }

    /** Runs {@code work}, observes its duration in seconds and returns it. */
    public double time(Runnable work) {
      return Timer.time(this::observe, work);
    }

    /** Calls {@code work}, observes its duration in seconds, and returns its result. */
    public <T> T time(Callable<T> work) throws Exception {
      return Timer.time(this::observe, work);
    }

    /** The number of observations so far. */
    public long count() {
      long n = 0;
      for (int i = 0; i < upperBounds.length; i++) {
        n += counts != null ? counts[i].sum() : (long) bucketSlots[i].get();
      }
      return n;
    }

    /** The sum of observations so far. */
    public double sum() {
      return sum != null ? sum.sum() : sumSlot.get();
    }

    HistogramSnapshot.DataPoint dataPoint(Labels labels) {
      int n = upperBounds.length;
      double[] cumulative = new double[n];
      double s = sum();
      long acc = 0;
      for (int i = 0; i < n; i++) {
        acc += counts != null ? counts[i].sum() : (long) bucketSlots[i].get();
        cumulative[i] = acc;
      }
      Exemplar[] ex = null;
      AtomicReferenceArray<Exemplar> e = exemplars;
      if (e != null) {
        ex = new Exemplar[n];
        for (int i = 0; i < n; i++) {
          ex[i] = e.get(i);
        }
      }
      return new HistogramSnapshot.DataPoint(labels, upperBounds, cumulative, s, ex, createdMillis,
          DataPoint.NO_TIMESTAMP);
    }
  }

  /** Builds a {@link Histogram}. */
  public static final class Builder extends Metric.Builder<Builder, Histogram> {
    private double[] requested = Buckets.defaults();
    private double[] bounds;

    private Builder(String name) {
      super(name);
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * The bucket upper bounds: sorted, distinct, not NaN; {@code +Inf} is appended when missing.
     * Validated by {@link #build()}.
     */
    public Builder buckets(double... bounds) {
      this.requested = bounds.clone();
      return this;
    }

    @Override
    List<String> reservedLabels() {
      return List.of("le");
    }

    @Override
    public Histogram build() {
      validate();
      bounds = Buckets.normalize(familyName(), requested);
      return new Histogram(this);
    }
  }
}
