package dev.hearth;

import dev.hearth.internal.ModelAccess;
import dev.hearth.model.DataPoint;
import dev.hearth.model.GaugeSnapshot;
import dev.hearth.model.Labels;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.MetricType;
import dev.hearth.spi.DoubleSlot;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.DoubleSupplier;

/**
 * A value that goes up and down: in-flight requests, queue sizes, temperatures.
 *
 * <pre>{@code
 * Gauge inFlight = Gauge.builder("http_requests_in_progress").help("Requests being served").register();
 * try (Gauge.InProgress p = inFlight.track()) {
 *   handle(request);
 * }
 * Gauge queue = Gauge.builder("queue_size").help("Items queued").register();
 * queue.setFunction(q::size);              // read at scrape time
 * }</pre>
 *
 * <p>In multi-process mode {@link Builder#multiprocessMode(MultiprocessMode)} says how the values
 * of several processes are combined. Thread-safe.
 */
public final class Gauge extends Metric<Gauge.Child> {

  private Gauge(Builder b) {
    super(b);
    init();
  }

  /** A builder for a gauge named {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  @Override
  MetricType type() {
    return MetricType.GAUGE;
  }

  @Override
  Child newChild(String[] values, boolean detached) {
    return new Child(slot(detached, name, values, null, null));
  }

  /** See {@link Child#inc()}. */
  public void inc() {
    noLabelsChild().inc(1);
  }

  /** See {@link Child#inc(double)}. */
  public void inc(double amount) {
    noLabelsChild().inc(amount);
  }

  /** See {@link Child#dec()}. */
  public void dec() {
    noLabelsChild().inc(-1);
  }

  /** See {@link Child#dec(double)}. */
  public void dec(double amount) {
    noLabelsChild().inc(-amount);
  }

  /** See {@link Child#set(double)}. */
  public void set(double value) {
    noLabelsChild().set(value);
  }

  /** See {@link Child#setToCurrentTime()}. */
  public void setToCurrentTime() {
    noLabelsChild().setToCurrentTime();
  }

  /** See {@link Child#setFunction(DoubleSupplier)}. */
  public void setFunction(DoubleSupplier function) {
    noLabelsChild().setFunction(function);
  }

  /** See {@link Child#track()}. */
  public InProgress track() {
    return noLabelsChild().track();
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

  /** The value of a gauge without labels. */
  public double get() {
    return noLabelsChild().get();
  }

  @Override
  long touchedNanos(Child child) {
    return child.touchedNanos;
  }

  @Override
  public GaugeSnapshot snapshot() {
    List<GaugeSnapshot.DataPoint> points = new ArrayList<>(childCount());
    forEachChild((labels, c) -> points.add(c.dataPoint(labels)));
    return ModelAccess.snapshot(MetricType.GAUGE, name, help, unit, points); // unchecked: valid by construction
  }

  @Override
  MetricSnapshot<?> emptySnapshot() {
    return new GaugeSnapshot(name, help, unit, List.of());
  }

  /** Decrements its gauge once when closed; see {@link Child#track()}. Not thread-safe. */
  public static final class InProgress implements AutoCloseable {
    private final Child child;
    private boolean closed;

    InProgress(Child child) {
      this.child = child;
    }

    /** Decrements the gauge (the first call only). */
    @Override
    public void close() {
      if (!closed) {
        closed = true;
        child.inc(-1);
      }
    }
  }

  /** One series of a gauge. Thread-safe. */
  public final class Child {
    private static final VarHandle BITS;

    static {
      try {
        BITS = MethodHandles.lookup().findVarHandle(Child.class, "bits", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final DoubleSlot slot;
    @SuppressWarnings("unused") // through BITS
    private volatile long bits;
    private volatile DoubleSupplier function;
    private long touchedNanos = System.nanoTime(); // read only when the metric expires series

    Child(DoubleSlot slot) {
      this.slot = slot;
    }

    /** Adds one. */
    public void inc() {
      inc(1);
    }

    /** Adds {@code amount} (may be negative). */
    public void inc(double amount) {
      if (expiring) {
        touchedNanos = System.nanoTime();
      }
      if (slot != null) {
        slot.add(amount);
        return;
      }
      long b;
      do {
        b = (long) BITS.getVolatile(this);
      } while (!BITS.weakCompareAndSet(
          this, b, Double.doubleToRawLongBits(Double.longBitsToDouble(b) + amount)));
    }

    /** Subtracts one. */
    public void dec() {
      inc(-1);
    }

    /** Subtracts {@code amount}. */
    public void dec(double amount) {
      inc(-amount);
    }

    /** Sets the value. */
    public void set(double value) {
      if (expiring) {
        touchedNanos = System.nanoTime();
      }
      if (slot != null) {
        slot.set(value);
      } else {
        BITS.setVolatile(this, Double.doubleToRawLongBits(value));
      }
    }

    /** Sets the value to the current Unix time in seconds. */
    public void setToCurrentTime() {
      set(System.currentTimeMillis() / 1000.0);
    }

    /**
     * Reads the value from {@code function} at every scrape from now on (Python's
     * {@code set_function}). The function must be fast and thread-safe.
     *
     * @throws IllegalStateException when values live in a storage other than the heap (e.g.
     *     multi-process files): a multi-process collector reads the files, never this process's
     *     function (Python's {@code set_function} has the same blind spot in multiprocess mode)
     */
    public void setFunction(DoubleSupplier function) {
      Objects.requireNonNull(function, "function");
      if (storage != null) {
        throw new IllegalStateException(describeForErrors() + ": setFunction() is not supported"
            + " when values live in " + storage + ": collectors of the shared storage read the"
            + " stored value, never this process's function, so the function's values would never"
            + " be exposed (Python's set_function has the same blind spot in multiprocess mode)."
            + " Build the gauge with heapStorage() and expose it from this process, or set() the"
            + " value periodically.");
      }
      this.function = function;
    }

    /** Increments now and decrements when the returned handle is closed. */
    public InProgress track() {
      inc(1);
      return new InProgress(this);
    }

    /** A timer that sets this gauge to the elapsed seconds when closed. */
    public Timer startTimer() {
      return new Timer(this::set);
    }

    /** Runs {@code work} and sets the gauge to its duration in seconds, which it returns. */
    public double time(Runnable work) {
      return Timer.time(this::set, work);
    }

    /** Calls {@code work}, sets the gauge to its duration in seconds, and returns its result. */
    public <T> T time(Callable<T> work) throws Exception {
      return Timer.time(this::set, work);
    }

    /** The current value (from the function, when one is set). */
    public double get() {
      DoubleSupplier f = function;
      if (f != null) {
        return f.getAsDouble();
      }
      return slot != null ? slot.get() : Double.longBitsToDouble((long) BITS.getVolatile(this));
    }

    GaugeSnapshot.DataPoint dataPoint(Labels labels) {
      return new GaugeSnapshot.DataPoint(labels, get(), DataPoint.NO_TIMESTAMP);
    }
  }

  /** Builds a {@link Gauge}. */
  public static final class Builder extends Metric.Builder<Builder, Gauge> {
    private Builder(String name) {
      super(name);
    }

    @Override
    Builder self() {
      return this;
    }

    /** How values of several processes are combined in multi-process mode (default {@code ALL}). */
    public Builder multiprocessMode(MultiprocessMode mode) {
      this.multiprocessMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    @Override
    public Gauge build() {
      validate();
      return new Gauge(this);
    }
  }
}
