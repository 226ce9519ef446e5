package dev.hearth;

import dev.hearth.internal.Cell;
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
 * stripes itself across padded cells once threads contend, as {@code LongAdder} does: the table of
 * cells starts at two, each cell is created when a thread first needs it, and the table doubles
 * on contention up to the CPU count; fractional increments go to a separate double.
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
  Child newChild(String[] values, boolean detached) {
    return new Child(slot(detached, name + "_total", values, null, null));
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
     * Implementation notes (Striped64's scheme, on whole increments): an uncontended series CASes
     * `base`. The first failed CAS creates a table of two cells; each thread adds to the cell its
     * id hashes to, and a cell is created only when a thread first needs it. A failed CAS on a
     * cell (two threads on one cell) doubles the table, up to the CPU count; at that size threads
     * that still share a cell use getAndAdd, exact but slower. Creating a cell and growing the
     * table take the `cellsBusy` spin lock (rare, never on the hot path), so no cell is ever
     * created in a table that is being replaced; cells are published with release stores and
     * read with acquire loads. The series' total is base + every cell + the double.
     */
    private static final VarHandle BASE;
    private static final VarHandle CELLS;
    private static final VarHandle CELLS_BUSY;
    private static final VarHandle DOUBLE_BITS;
    private static final VarHandle CELL_AT = MethodHandles.arrayElementVarHandle(Cell[].class);

    static {
      try {
        MethodHandles.Lookup l = MethodHandles.lookup();
        BASE = l.findVarHandle(Child.class, "base", long.class);
        CELLS = l.findVarHandle(Child.class, "cells", Cell[].class);
        CELLS_BUSY = l.findVarHandle(Child.class, "cellsBusy", int.class);
        DOUBLE_BITS = l.findVarHandle(Child.class, "doubleBits", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final DoubleSlot slot;
    @SuppressWarnings("unused") // through BASE
    private volatile long base;
    @SuppressWarnings("unused") // through CELLS
    private volatile Cell[] cells;
    @SuppressWarnings("unused") // through CELLS_BUSY
    private volatile int cellsBusy;
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
      Cell[] cs = cells;
      if (cs == null) {
        long b = base;
        if (BASE.compareAndSet(this, b, b + x)) {
          return;
        }
      } else {
        Cell c = (Cell) CELL_AT.getAcquire(cs, Cell.indexFor(cs.length));
        if (c != null && c.tryAdd(x)) {
          return;
        }
      }
      addContended(x);
    }

    /** The slow path of {@link #add}: creates cells, grows the table, or shares a cell. */
    private void addContended(long x) {
      boolean collided = false;
      while (true) {
        Cell[] cs = cells;
        if (cs == null) {
          if (lockCells()) {
            try {
              if (cells == null) {
                Cell[] fresh = new Cell[2];
                fresh[Cell.indexFor(2)] = new Cell(x);
                cells = fresh; // volatile write publishes the array and its cell
                return;
              }
            } finally {
              cellsBusy = 0;
            }
          } else {
            long b = base;
            if (BASE.compareAndSet(this, b, b + x)) {
              return;
            }
          }
          continue;
        }
        int i = Cell.indexFor(cs.length);
        Cell c = (Cell) CELL_AT.getAcquire(cs, i);
        if (c == null) {
          if (lockCells()) {
            try {
              if (cells == cs && CELL_AT.getAcquire(cs, i) == null) {
                CELL_AT.setRelease(cs, i, new Cell(x));
                return;
              }
            } finally {
              cellsBusy = 0;
            }
            continue;
          }
          long b = base; // another thread is creating cells or growing the table: try the base
          if (BASE.compareAndSet(this, b, b + x)) {
            return;
          }
          continue;
        }
        if (c.tryAdd(x)) {
          return;
        }
        if (cs.length >= Cell.MAX_CELLS || cells != cs) {
          c.getAndAdd(x); // the table cannot grow (or just grew): share the cell, exactly
          return;
        }
        if (!collided) {
          collided = true; // retry once before growing: the other thread may have moved on
          continue;
        }
        if (lockCells()) {
          try {
            if (cells == cs) {
              cells = java.util.Arrays.copyOf(cs, cs.length * 2);
            }
          } finally {
            cellsBusy = 0;
          }
        }
        collided = false;
      }
    }

    /** The length of the table of cells, 0 before the first lost CAS (for tests). */
    int cellTableLength() {
      Cell[] cs = cells;
      return cs == null ? 0 : cs.length;
    }

    private boolean lockCells() {
      return cellsBusy == 0 && CELLS_BUSY.compareAndSet(this, 0, 1);
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
      Cell[] cs = cells;
      if (cs != null) {
        for (int i = 0; i < cs.length; i++) {
          Cell c = (Cell) CELL_AT.getAcquire(cs, i);
          if (c != null) {
            sum += c.get();
          }
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
