package dev.hearth;

import dev.hearth.internal.ModelAccess;
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
 * named without it and the sample with it. Whole increments are counted exactly in a long that
 * stripes itself across cells once threads contend (as {@code LongAdder} does, without the extra
 * object); fractional ones go to a separate double.
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
  long touchedNanos(Child child) {
    return child.touchedNanos;
  }

  @Override
  public CounterSnapshot snapshot() {
    List<CounterSnapshot.DataPoint> points = new ArrayList<>(childCount());
    forEachChild((labels, c) -> points.add(c.dataPoint(labels)));
    return ModelAccess.snapshot(MetricType.COUNTER, name, help, unit, points); // unchecked: valid by construction
  }

  @Override
  MetricSnapshot<?> emptySnapshot() {
    return new CounterSnapshot(name, help, unit, List.of());
  }

  /** One series of a counter. Thread-safe; lookup-free once obtained. */
  public final class Child {
    /*
     * Implementation notes: whole increments CAS `base`; the first failed CAS (another thread
     * got there) creates `cells`, after which each thread adds to its own cell with a single
     * getAndAdd. Cells are 128 bytes apart, and apart from the array header, so neighbours never
     * share a cache line; a thread's
     * cell is chosen by its id, so two threads rarely share one, and when they do the total
     * stays exact (getAndAdd), only slower. The series' total is base + every cell + the double.
     */
    private static final VarHandle BASE;
    private static final VarHandle CELLS;
    private static final VarHandle DOUBLE_BITS;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int PAD = 16; // longs per cell: 128 bytes
    private static final int STRIPES = Math.max(8,
        Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 4 - 1) << 1);

    static {
      try {
        MethodHandles.Lookup l = MethodHandles.lookup();
        BASE = l.findVarHandle(Child.class, "base", long.class);
        CELLS = l.findVarHandle(Child.class, "cells", long[].class);
        DOUBLE_BITS = l.findVarHandle(Child.class, "doubleBits", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final DoubleSlot slot;
    @SuppressWarnings("unused") // through BASE
    private volatile long base;
    @SuppressWarnings("unused") // through CELLS
    private volatile long[] cells;
    @SuppressWarnings("unused") // through DOUBLE_BITS
    private volatile long doubleBits;
    private final long createdMillis = System.currentTimeMillis();
    private volatile Exemplar exemplar;
    private long touchedNanos = System.nanoTime(); // read only when the metric expires series

    Child(DoubleSlot slot) {
      this.slot = slot;
    }

    /** Adds one. */
    public void inc() {
      if (expiring) {
        touchedNanos = System.nanoTime();
      }
      if (slot == null) {
        add(1);
      } else {
        slot.add(1);
      }
    }

    private void add(long x) {
      long[] cs = cells;
      if (cs == null) {
        long b = base;
        if (BASE.compareAndSet(this, b, b + x)) {
          return;
        }
        cs = contended();
      }
      LONGS.getAndAdd(cs, cellIndex(), x);
    }

    private long[] contended() {
      long[] cs = cells;
      if (cs == null) {
        // one padding cell before (the array header, whose length every access reads, must not
        // share a line with a written cell) and one after (the next object on the heap)
        long[] fresh = new long[(STRIPES + 2) * PAD];
        cs = CELLS.compareAndExchange(this, (long[]) null, fresh) == null ? fresh : cells;
      }
      return cs;
    }

    private static int cellIndex() {
      long id = Thread.currentThread().getId() * 0x9E3779B97F4A7C15L;
      return (((int) (id >>> 40) & (STRIPES - 1)) + 1) * PAD;
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
      if (expiring) {
        touchedNanos = System.nanoTime();
      }
      if (slot != null) {
        slot.add(amount);
      } else if (amount == (long) amount && amount < 0x1p53) {
        add((long) amount);
      } else {
        long bits;
        do {
          bits = (long) DOUBLE_BITS.getVolatile(this);
        } while (!DOUBLE_BITS.weakCompareAndSet(
            this, bits, Double.doubleToRawLongBits(Double.longBitsToDouble(bits) + amount)));
      }
    }

    /**
     * Adds {@code amount} and keeps it as this series' exemplar, labelled e.g. with a trace ID.
     *
     * @throws IllegalArgumentException, recording nothing, when {@code amount} is invalid or an
     *     exemplar label name is invalid or reserved, or names and values exceed 128 characters
     */
    public void inc(double amount, Map<String, String> exemplarLabels) {
      Exemplar e = exemplar(amount, exemplarLabels);
      inc(amount);
      exemplar = e;
    }

    /** The current total. */
    public double get() {
      if (slot != null) {
        return slot.get();
      }
      long sum = (long) BASE.getVolatile(this);
      long[] cs = cells;
      if (cs != null) {
        for (int i = PAD; i < cs.length - PAD; i += PAD) {
          sum += (long) LONGS.getVolatile(cs, i);
        }
      }
      return sum + Double.longBitsToDouble((long) DOUBLE_BITS.getVolatile(this));
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
