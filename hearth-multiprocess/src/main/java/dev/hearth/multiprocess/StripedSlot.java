package dev.hearth.multiprocess;

import dev.hearth.multiprocess.internal.MmapDbFile;
import dev.hearth.spi.DoubleSlot;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.IntFunction;

/**
 * The slot of an additive sample (a counter, a histogram bucket or sum, a summary count or sum),
 * striped over files as {@link java.util.concurrent.atomic.LongAdder} stripes over cells. Adds go
 * to the entry in the process' file ({@code counter_<id>.db}) with one compare-and-set; the first
 * time one fails (another thread changed the value in between), the slot switches for good to
 * stripes: stripe {@code k} ({@code 1..}{@link #STRIPES}) is the same key in
 * {@code <prefix>_<id>_s<k>.db}, created on first use. A thread keeps to one stripe (for every
 * series, so neighbouring entries of a stripe file are written by the same thread) and moves to
 * another one when a compare-and-set there fails.
 *
 * <p>Every add is in a mapping when it returns: nothing is buffered on the heap. Readers sum all
 * files of a type whatever the id in their names (Python: {@code parts[0]} only), so the total
 * is the base entry plus the stripes, in Hearth and in Python. Thread-safe.
 */
final class StripedSlot implements DoubleSlot {
  private static final System.Logger LOG = System.getLogger(StripedSlot.class.getName());

  /**
   * The number of stripes: a power of two at least twice the processors, from 2 to 16.
   */
  static final int STRIPES = stripeCount(Runtime.getRuntime().availableProcessors());

  private static final VarHandle STRIPES_FIELD;
  private static final VarHandle ELEMENTS = MethodHandles.arrayElementVarHandle(Stripe[].class);

  static {
    try {
      STRIPES_FIELD =
          MethodHandles.lookup().findVarHandle(StripedSlot.class, "stripes", Stripe[].class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final MmapDbFile base;
  private final int baseOffset;
  private final String key;
  private final IntFunction<Stripe> stripeEntries;
  /** Null until a compare-and-set on the base entry fails; element {@code k - 1} is stripe k. */
  private volatile Stripe[] stripes;
  /** Set when a stripe could not be created: adds that have no stripe go to the base entry. */
  private volatile boolean stripeFailed;

  /**
   * A slot adding to {@code key} at {@code baseOffset} of {@code base}; {@code stripeEntries}
   * returns the entry of {@code key} in the file of stripe {@code k} (opening or extending the
   * file), or null when it cannot be written (e.g. a full disk: the storage logs and counts that).
   */
  StripedSlot(MmapDbFile base, int baseOffset, String key, IntFunction<Stripe> stripeEntries) {
    this.base = base;
    this.baseOffset = baseOffset;
    this.key = key;
    this.stripeEntries = stripeEntries;
  }

  /** A power of two at least {@code 2 * processors}, at least 2 and at most 16. */
  static int stripeCount(int processors) {
    int want = Math.max(2, Math.min(16, 2 * Math.max(1, processors)));
    int n = Integer.highestOneBit(want);
    return n < want ? n << 1 : n;
  }

  @Override
  public void add(double delta) {
    Stripe[] s = stripes;
    if (s == null) {
      if (base.tryAdd(baseOffset, delta)) {
        return;
      }
      s = contended();
    }
    Stripe st = (Stripe) ELEMENTS.getAcquire(s, Probe.index());
    if (st == null || !st.file.tryAdd(st.offset, delta)) {
      addSlowly(s, st, delta);
    }
  }

  /** After this thread's stripe was missing ({@code st} null) or a CAS on it failed. */
  private void addSlowly(Stripe[] s, Stripe st, double delta) {
    if (st == null) {
      st = stripe(s, Probe.index());
      if (st == null) {
        base.add(baseOffset, delta);
        return;
      }
      if (st.file.tryAdd(st.offset, delta)) {
        return;
      }
    }
    // another thread uses this stripe: move this thread to another one, and add there
    st = stripe(s, Probe.advance());
    if (st == null) {
      base.add(baseOffset, delta);
    } else {
      st.file.add(st.offset, delta);
    }
  }

  /** Stripe {@code i + 1}, created when absent; null when it cannot be created. */
  private Stripe stripe(Stripe[] s, int i) {
    Stripe st = (Stripe) ELEMENTS.getAcquire(s, i);
    return st != null ? st : create(s, i);
  }

  private Stripe[] contended() {
    Stripe[] s = stripes;
    if (s == null) {
      Stripe[] fresh = new Stripe[STRIPES];
      Stripe[] witness = (Stripe[]) STRIPES_FIELD.compareAndExchange(this, (Stripe[]) null, fresh);
      s = witness == null ? fresh : witness;
    }
    return s;
  }

  /** Creates stripe {@code i + 1} for this key, or returns null when it cannot be created. */
  private Stripe create(Stripe[] s, int i) {
    if (stripeFailed) {
      return null;
    }
    synchronized (this) {
      Stripe st = (Stripe) ELEMENTS.getAcquire(s, i);
      if (st != null) {
        return st;
      }
      try {
        st = stripeEntries.apply(i + 1);
      } catch (RuntimeException e) { // e.g. the storage was closed: the base entry still works
        stripeFailed = true;
        LOG.log(System.Logger.Level.WARNING, "Cannot create stripe " + (i + 1) + " of multiprocess"
            + " entry " + key + " of " + base.path() + "; adds without a stripe go to that file: " + e,
            e);
        return null;
      }
      if (st == null) { // the storage has logged and counted why
        stripeFailed = true;
        return null;
      }
      ELEMENTS.setRelease(s, i, st);
      return st;
    }
  }

  /** The base entry plus every stripe created so far (not a snapshot under concurrent adds). */
  @Override
  public double get() {
    double sum = base.get(baseOffset);
    Stripe[] s = stripes;
    if (s != null) {
      for (int i = 0; i < s.length; i++) {
        Stripe st = (Stripe) ELEMENTS.getAcquire(s, i);
        if (st != null) {
          sum += st.file.get(st.offset);
        }
      }
    }
    return sum;
  }

  /**
   * Unsupported: counters, histograms and summaries only add, and their value can be spread over
   * several files, which cannot be set atomically.
   */
  @Override
  public void set(double value) {
    throw new UnsupportedOperationException("Multiprocess entry " + key + " is additive (counter,"
        + " histogram or summary) and may be striped over several files: it supports add() and"
        + " get() only; set() is for gauges");
  }

  /** The stripes created so far, by stripe number minus one (null where none); for tests. */
  Stripe[] stripes() {
    return stripes;
  }

  /** Switches to stripes as a failed compare-and-set would; for tests. */
  void forceStriping() {
    contended();
  }

  /** One stripe's entry: a file and the offset of the key's value in it. */
  static final class Stripe {
    final MmapDbFile file;
    final int offset;

    Stripe(MmapDbFile file, int offset) {
      this.file = file;
      this.offset = offset;
    }
  }

  /**
   * Which stripe the current thread uses: a hash of its id mixed with a salt, which the thread
   * bumps when a compare-and-set on its stripe fails (another thread is on it) to move elsewhere.
   * No {@code ThreadLocal} lookup on the hot path. A salt is shared by the thread ids equal modulo
   * {@link #SALTS}; each sits alone on a cache line, and it is written only on a collision.
   */
  static final class Probe {
    private static final int BITS = Integer.numberOfTrailingZeros(STRIPES);
    private static final int SALTS = 64;
    private static final int PAD = 16; // ints per 64-byte cache line
    /** Salt {@code i} at {@code (i + 1) * PAD}: the first line holds the array header. */
    private static final int[] SALT = new int[(SALTS + 1) * PAD];

    private Probe() {}

    private static int saltIndex(long id) {
      return (((int) id & (SALTS - 1)) + 1) * PAD;
    }

    /** The current thread's stripe, {@code 0 .. STRIPES - 1}. */
    static int index() {
      long id = Thread.currentThread().getId();
      return index(id, SALT[saltIndex(id)]);
    }

    /**
     * The stripe of thread {@code id} with {@code salt}: with salt 0 Fibonacci hashing, which
     * spreads consecutive ids evenly; the salt is xor-ed in before the multiplication, so two
     * threads sharing a salt do not stay on the same stripe as it changes.
     */
    static int index(long id, int salt) {
      return (int) (((id ^ (salt * 0xC2B2AE3D27D4EB4FL)) * 0x9E3779B97F4A7C15L) >>> (64 - BITS));
    }

    /** Moves the current thread to another stripe (usually: the new one is random) and returns it. */
    static int advance() {
      long id = Thread.currentThread().getId();
      int i = saltIndex(id);
      int salt = SALT[i] + 1;
      SALT[i] = salt; // racy by design: a lost bump only delays a move
      return index(id, salt);
    }
  }
}
