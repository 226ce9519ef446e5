package dev.hearth.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Left padding of a {@link Cell}: 120 bytes after the object header. */
abstract class CellLeftPad {
  long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}

/** The value of a {@link Cell}, between its paddings (fields of a superclass come first). */
abstract class CellValue extends CellLeftPad {
  volatile long value;
}

/** Right padding of a {@link Cell}: 120 bytes after the value. */
abstract class CellRightPad extends CellValue {
  long q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;
}

/**
 * One striped cell of a contended counter: a long on a cache line of its own (padded on both
 * sides, since cells are created at run time next to arbitrary objects), chosen by thread id.
 * Counters create cells lazily and grow their table of cells by doubling up to {@link #MAX_CELLS},
 * as {@code java.util.concurrent.atomic.Striped64} does.
 */
public final class Cell extends CellRightPad {
  /** The largest table of cells: the CPU count rounded up to a power of two, at least 2. */
  public static final int MAX_CELLS =
      Math.max(2, Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 2 - 1));

  private static final VarHandle VALUE;

  static {
    try {
      VALUE = MethodHandles.lookup().findVarHandle(CellValue.class, "value", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** A cell holding {@code initial}. */
  public Cell(long initial) {
    VALUE.setRelease(this, initial);
  }

  /** The cell index of the calling thread in a table of {@code length} (a power of two). */
  public static int indexFor(int length) {
    long id = Thread.currentThread().getId() * 0x9E3779B97F4A7C15L;
    return (int) (id >>> 32) & (length - 1);
  }

  /** Adds {@code x} with one compare-and-set; false when another thread got there first. */
  public boolean tryAdd(long x) {
    long v = value;
    return VALUE.compareAndSet(this, v, v + x);
  }

  /** Adds {@code x} whatever other threads do (for threads that share a cell). */
  public void getAndAdd(long x) {
    VALUE.getAndAdd(this, x);
  }

  /** The current value. */
  public long get() {
    return value;
  }
}
