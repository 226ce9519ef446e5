package dev.hearth;

import dev.hearth.model.CounterSnapshot;
import dev.hearth.model.DataPoint;
import dev.hearth.model.Exemplar;
import dev.hearth.model.Labels;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.MetricType;
import dev.hearth.spi.DoubleSlot;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A monotonic total, exposed as {@code <name>_total} and {@code <name>_created}.
 *
 * <pre>{@code
 * Counter requests = Counter.builder("http_requests_total")
 *     .help("Total HTTP requests").labelNames("method", "status").register();
 * requests.labels("GET", "200").inc();
 * Counter.Child ok = requests.labels("GET", "200");   // keep the handle on hot paths
 * ok.inc(2);
 * }</pre>
 *
 * <p>As in Python prometheus_client, the {@code _total} suffix may be given or not: the family is
 * named without it and the sample with it. Whole increments go to a {@code LongAdder}, so they are
 * exact and scale across threads; fractional ones to a separate double.
 *
 * <p>Thread-safe.
 */
public final class Counter extends Metric<Counter.Child> {

  private Counter(Builder b) {
    super(b);
    init();
  }

  /** A builder for a counter named {@code name} (with or without {@code _total}). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  @Override
  MetricType type() {
    return MetricType.COUNTER;
  }

  @Override
  Child newChild(String[] values) {
    return new Child(slot(name + "_total", values, null, null));
  }

  /** Adds one to the series of a counter without labels. */
  public void inc() {
    noLabelsChild().inc();
  }

  /** Adds {@code amount} (finite, {@code >= 0}) to the series of a counter without labels. */
  public void inc(double amount) {
    noLabelsChild().inc(amount);
  }

  /** Adds {@code amount} and records it as the exemplar with these labels (e.g. a trace ID). */
  public void inc(double amount, Map<String, String> exemplarLabels) {
    noLabelsChild().inc(amount, exemplarLabels);
  }

  /** The total of a counter without labels. */
  public double get() {
    return noLabelsChild().get();
  }

  @Override
  public CounterSnapshot snapshot() {
    List<CounterSnapshot.DataPoint> points = new ArrayList<>(childCount());
    forEachChild((labels, c) -> points.add(c.dataPoint(labels)));
    return new CounterSnapshot(name, help, unit, points);
  }

  @Override
  MetricSnapshot<?> emptySnapshot() {
    return new CounterSnapshot(name, help, unit, List.of());
  }

  /** One series of a counter. Thread-safe; lookup-free once obtained. */
  public final class Child {
    private static final VarHandle DOUBLE_BITS;

    static {
      try {
        DOUBLE_BITS = MethodHandles.lookup().findVarHandle(Child.class, "doubleBits", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final LongAdder longs;
    private final DoubleSlot slot;
    @SuppressWarnings("unused") // through DOUBLE_BITS
    private volatile long doubleBits;
    private final long createdMillis = System.currentTimeMillis();
    private volatile Exemplar exemplar;

    Child(DoubleSlot slot) {
      this.slot = slot;
      this.longs = slot == null ? new LongAdder() : null;
    }

    /** Adds one. */
    public void inc() {
      LongAdder a = longs;
      if (a != null) {
        a.increment();
      } else {
        slot.add(1);
      }
    }

    /**
     * Adds {@code amount}.
     *
     * @throws IllegalArgumentException when {@code amount} is negative, NaN or infinite
     */
    public void inc(double amount) {
      if (!(amount >= 0 && amount < Double.POSITIVE_INFINITY)) {
        throw new IllegalArgumentException("Counter '" + name + "': increment " + amount
            + " is invalid; counters only go up by finite, non-negative amounts");
      }
      LongAdder a = longs;
      if (a == null) {
        slot.add(amount);
      } else if (amount == (long) amount && amount < 0x1p53) {
        a.add((long) amount);
      } else {
        long bits;
        do {
          bits = (long) DOUBLE_BITS.getVolatile(this);
        } while (!DOUBLE_BITS.weakCompareAndSet(
            this, bits, Double.doubleToRawLongBits(Double.longBitsToDouble(bits) + amount)));
      }
    }

    /** Adds {@code amount} and keeps it as this series' exemplar, labelled e.g. with a trace ID. */
    public void inc(double amount, Map<String, String> exemplarLabels) {
      Exemplar e = Exemplar.of(Labels.of(exemplarLabels), amount, System.currentTimeMillis());
      inc(amount);
      exemplar = e;
    }

    /** The current total. */
    public double get() {
      LongAdder a = longs;
      if (a == null) {
        return slot.get();
      }
      return a.sum() + Double.longBitsToDouble((long) DOUBLE_BITS.getVolatile(this));
    }

    CounterSnapshot.DataPoint dataPoint(Labels labels) {
      return new CounterSnapshot.DataPoint(labels, get(), exemplar, createdMillis, DataPoint.NO_TIMESTAMP);
    }
  }

  /** Builds a {@link Counter}. */
  public static final class Builder extends Metric.Builder<Builder, Counter> {
    private Builder(String name) {
      super(name);
    }

    @Override
    Builder self() {
      return this;
    }

    @Override
    String strippedSuffix() {
      return "_total";
    }

    @Override
    public Counter build() {
      validate();
      return new Counter(this);
    }
  }
}
