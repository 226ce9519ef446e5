package dev.hearth;

import dev.hearth.internal.ModelAccess;
import dev.hearth.internal.SlidingWindowQuantiles;
import dev.hearth.model.DataPoint;
import dev.hearth.model.Labels;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.MetricType;
import dev.hearth.model.SummarySnapshot;
import dev.hearth.spi.DoubleSlot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Count and sum of observations, plus optional quantiles over a sliding time window (which
 * Python prometheus_client lacks).
 *
 * <pre>{@code
 * Summary s = Summary.builder("payload_bytes").help("Request payload sizes")
 *     .quantile(0.5, 0.01).quantile(0.99, 0.001)       // quantile, allowed rank error
 *     .maxAge(Duration.ofMinutes(10)).ageBuckets(5)    // the window (these are the defaults)
 *     .register();
 * s.observe(512);
 * }</pre>
 *
 * <p>Count and sum are lock-free; quantile estimation (CKMS over rotating windows) takes a
 * short lock per observation, so declare quantiles only where you need them. Quantiles are per
 * process: in multi-process mode only count and sum are shared, as in Python.
 *
 * <p>A NaN observation is ignored (count, sum and quantiles unchanged) and counted in
 * {@link #ignoredNaNObservations()}, as for {@link Histogram}: OpenMetrics forbids a NaN
 * {@code _sum} or {@code _count}. Thread-safe.
 */
public final class Summary extends Metric<Summary.Child> {
  private final double[] quantiles;
  private final double[] errors;
  private final long maxAgeMillis;
  private final int ageBuckets;

  private Summary(Builder b) {
    super(b);
    this.quantiles = b.quantiles.stream().mapToDouble(q -> q[0]).toArray();
    this.errors = b.quantiles.stream().mapToDouble(q -> q[1]).toArray();
    this.maxAgeMillis = b.maxAge.toMillis();
    this.ageBuckets = b.ageBuckets;
    init();
  }

  /** A builder for a summary named {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  @Override
  MetricType type() {
    return MetricType.SUMMARY;
  }

  @Override
  Child newChild(String[] values, boolean detached) {
    return new Child(values, detached);
  }

  /** See {@link Child#observe(double)}. */
  public void observe(double value) {
    noLabelsChild().observe(value);
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

  @Override
  long touchedNanos(Child child) {
    return child.touchedNanos;
  }

  @Override
  public SummarySnapshot snapshot() {
    List<SummarySnapshot.DataPoint> points = new ArrayList<>(childCount());
    forEachChild((labels, c) -> points.add(c.dataPoint(labels)));
    return ModelAccess.snapshot(MetricType.SUMMARY, name, help, unit, points); // unchecked: valid by construction
  }

  @Override
  MetricSnapshot<?> emptySnapshot() {
    return new SummarySnapshot(name, help, unit, List.of());
  }

  /** One series of a summary. Thread-safe. */
  public final class Child {
    private final LongAdder count;
    private final DoubleAdder sum;
    private final DoubleSlot countSlot;
    private final DoubleSlot sumSlot;
    private final SlidingWindowQuantiles window;
    private final long createdMillis = System.currentTimeMillis();
    private long touchedNanos = System.nanoTime(); // read only when the metric expires series

    Child(String[] values, boolean detached) {
      if (storage == null || detached) {
        count = new LongAdder();
        sum = new DoubleAdder();
        countSlot = null;
        sumSlot = null;
      } else {
        count = null;
        sum = null;
        countSlot = slot(false, name + "_count", values, null, null);
        sumSlot = slot(false, name + "_sum", values, null, null);
      }
      window = quantiles.length == 0 ? null
          : new SlidingWindowQuantiles(quantiles, errors, maxAgeMillis, ageBuckets, System::currentTimeMillis);
    }

    /** Records one observation; NaN is ignored and counted (see {@link Summary}). */
    public void observe(double value) {
      if (value != value) {
        ignoredNaN.increment();
        return;
      }
      if (expiring) {
        touchedNanos = System.nanoTime();
      }
      if (count != null) {
        count.increment();
        sum.add(value);
      } else {
        countSlot.add(1);
        sumSlot.add(value);
      }
      if (window != null) {
        window.insert(value);
      }
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

    /** The number of observations. */
    public double count() {
      return count != null ? count.sum() : countSlot.get();
    }

    /** The sum of observations. */
    public double sum() {
      return sum != null ? sum.sum() : sumSlot.get();
    }

    SummarySnapshot.DataPoint dataPoint(Labels labels) {
      double[] values = window == null ? new double[0] : window.get();
      return new SummarySnapshot.DataPoint(labels, count(), sum(), quantiles, values, createdMillis,
          DataPoint.NO_TIMESTAMP);
    }
  }

  /** Builds a {@link Summary}. */
  public static final class Builder extends Metric.Builder<Builder, Summary> {
    private final List<double[]> quantiles = new ArrayList<>();
    private Duration maxAge = Duration.ofMinutes(10);
    private int ageBuckets = 5;

    private Builder(String name) {
      super(name);
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * Adds a quantile to estimate, in [0, 1], with its allowed rank error in (0, 1), e.g.
     * {@code quantile(0.99, 0.001)}.
     */
    public Builder quantile(double quantile, double error) {
      if (!(quantile >= 0 && quantile <= 1)) {
        throw new IllegalArgumentException(
            "Summary '" + name + "': quantile " + quantile + " is not in [0, 1]");
      }
      if (!(error > 0 && error < 1)) {
        throw new IllegalArgumentException(
            "Summary '" + name + "': error " + error + " of quantile " + quantile + " is not in (0, 1)");
      }
      for (double[] q : quantiles) {
        if (q[0] == quantile) {
          throw new IllegalArgumentException(
              "Summary '" + name + "': quantile " + quantile + " is given twice");
        }
      }
      quantiles.add(new double[] {quantile, error});
      return this;
    }

    /** How far back quantiles look (default 10 minutes). */
    public Builder maxAge(Duration maxAge) {
      Objects.requireNonNull(maxAge, "maxAge");
      if (maxAge.toMillis() <= 0) {
        throw new IllegalArgumentException("Summary '" + name + "': maxAge must be positive, got " + maxAge);
      }
      this.maxAge = maxAge;
      return this;
    }

    /** Into how many rotating buckets the window is cut (default 5). */
    public Builder ageBuckets(int ageBuckets) {
      if (ageBuckets < 1) {
        throw new IllegalArgumentException("Summary '" + name + "': ageBuckets must be >= 1, got " + ageBuckets);
      }
      this.ageBuckets = ageBuckets;
      return this;
    }

    @Override
    List<String> reservedLabels() {
      return List.of("quantile");
    }

    @Override
    public Summary build() {
      validate();
      quantiles.sort((a, b) -> Double.compare(a[0], b[0]));
      return new Summary(this);
    }
  }

  @Override
  public String toString() {
    return "Summary " + name + " quantiles " + Arrays.toString(quantiles);
  }
}
