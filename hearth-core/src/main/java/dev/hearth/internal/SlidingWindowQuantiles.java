package dev.hearth.internal;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Estimates targeted quantiles (for example the median within 5% and the 99th percentile within
 * 0.1% of rank) of the observations made during a sliding time window, in memory that does not
 * grow with the number of observations. This backs the quantiles of {@code Summary}.
 *
 * <p>Each configured quantile {@code q} with allowed error {@code e} is answered with an observed
 * value whose rank, among the {@code n} observations in the window, is within {@code e * n} of the
 * target rank {@code max(1, ceil(q * n))} (1-based, ties ordered arbitrarily). Quantile 0 returns
 * the window's minimum and quantile 1 its maximum.
 *
 * <p>Every observation counts for at least {@code maxAgeMillis} and stops counting at most one
 * bucket duration ({@code maxAgeMillis / ageBuckets}) later. NaN observations are ignored: they
 * have no rank.
 *
 * <p>Thread-safe. Quantile summaries are the one place where Hearth takes a lock on the recording
 * path, as Prometheus client_java does: {@link #insert} holds this window's lock only to append
 * to a small buffer, and once every 500 observations to merge the sorted buffer
 * into the estimators.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class SlidingWindowQuantiles {
  /*
   * Implementation notes.
   *
   * CKMS (Cormode, Korn, Muthukrishnan, Srivastava, "Effective Computation of Biased Quantiles
   * over Data Streams", ICDE 2005). A stream of n observations is summarised by tuples (v, g, d)
   * sorted by v. rmin(i) = g(0) + ... + g(i) is a lower bound on the rank of v(i), rmin(i) + d(i)
   * an upper bound; r(i) = rmin(i - 1) is the rank before the tuple. The invariant
   *   g(i) + d(i) <= max(1, f(r(i), n)),   f(r, n) = min over targets j of f_j(r, n)
   * is kept by inserting with d = min(f - 1, g(succ) + d(succ) - 1) and by merging a tuple into
   * its successor when the sum still satisfies it (compress, after every buffer merge). For a
   * target (q, e) with e < q < 1 - e:
   *   f_j(r, n) = max(c (n - r), k r),   c = 2e / (1 - q + e),   k = 2e / q.
   * The paper uses c = 2e / (1 - q), which can miss by up to 2e^2 n / (1 - q) ranks (the tests'
   * sorted input shows it); the smaller c makes the guarantee exact. With R the target rank, let
   * i be the first tuple whose upper bound exceeds R + e n. Then r(i) >= R - e n, because for
   * r(i) < R - e n both branches give g(i) + d(i) <= R + e n - r(i), which would keep tuple i's
   * upper bound within R + e n. So tuple i - 1, with rank interval [r(i), <= R + e n], lies
   * within e n of R, and the query, which returns the tuple whose rank interval deviates least
   * from R, is within e n too. Both branches
   * never decrease as observations arrive (the lower one depends on n - r, which an insert below
   * leaves alone and an insert above grows; the upper one only grows with r), so the invariant
   * holds without revisiting tuples, and it lets the tuples around rank q n hold about 2 e n
   * observations, so the summary stays small. Targets with q <= e or q >= 1 - e need no term:
   * the first tuple is always the exact minimum and every upper bound is at most n.
   *
   * Window: ageBuckets + 1 estimators take every observation; every bucket duration the oldest
   * is cleared and becomes the newest. Queries read the oldest, which was cleared ageBuckets
   * rotations before the last one and so covers between maxAge and maxAge + one bucket. (Prometheus
   * client_java 0.x uses ageBuckets estimators, whose oldest covers between maxAge - one bucket and
   * maxAge: with one age bucket it empties at every rotation.) Rotation instants are
   * start + floor(k * maxAge / ageBuckets), so ageBuckets rotations always span exactly maxAge.
   * One shared insert buffer sits in front of all estimators: it is sorted once and merged into
   * each when full, before a rotation, and before a query.
   */

  static final int BUFFER_SIZE = 500;
  private static final int MAX_AGE_BUCKETS = 1 << 16;

  private final double[] quantiles;
  private final long maxAgeMillis;
  private final int ageBuckets;
  private final LongSupplier clockMillis;
  private final ReentrantLock lock = new ReentrantLock();
  private final Ckms[] estimators;
  private final double[] buffer = new double[BUFFER_SIZE];
  private int buffered;
  private int oldest;
  private long nextRotationMillis;
  private int rotationPhase;

  /**
   * Creates a window.
   *
   * @param quantiles quantiles to estimate, each in [0, 1]
   * @param errors allowed rank error of each quantile, each in (0, 1)
   * @param maxAgeMillis how long an observation counts, > 0
   * @param ageBuckets how many steps the window slides in per {@code maxAgeMillis}, >= 1
   * @param clockMillis current time in epoch milliseconds
   * @throws IllegalArgumentException if an argument is out of range or the arrays' lengths differ
   */
  public SlidingWindowQuantiles(
      double[] quantiles,
      double[] errors,
      long maxAgeMillis,
      int ageBuckets,
      LongSupplier clockMillis) {
    Objects.requireNonNull(quantiles, "quantiles");
    Objects.requireNonNull(errors, "errors");
    Objects.requireNonNull(clockMillis, "clockMillis");
    if (quantiles.length != errors.length) {
      throw new IllegalArgumentException(
          "quantiles and errors must have the same length, got "
              + quantiles.length
              + " quantiles and "
              + errors.length
              + " errors");
    }
    for (int i = 0; i < quantiles.length; i++) {
      if (!(quantiles[i] >= 0 && quantiles[i] <= 1)) {
        throw new IllegalArgumentException("quantile must be in [0, 1], got " + quantiles[i]);
      }
      if (!(errors[i] > 0 && errors[i] < 1)) {
        throw new IllegalArgumentException(
            "error must be in (0, 1), got " + errors[i] + " for quantile " + quantiles[i]);
      }
    }
    if (maxAgeMillis <= 0) {
      throw new IllegalArgumentException("maxAgeMillis must be > 0, got " + maxAgeMillis);
    }
    if (ageBuckets < 1 || ageBuckets > MAX_AGE_BUCKETS) {
      throw new IllegalArgumentException(
          "ageBuckets must be in [1, " + MAX_AGE_BUCKETS + "], got " + ageBuckets);
    }
    this.quantiles = quantiles.clone();
    this.maxAgeMillis = maxAgeMillis;
    this.ageBuckets = ageBuckets;
    this.clockMillis = clockMillis;
    Invariant invariant = new Invariant(quantiles, errors);
    this.estimators = new Ckms[ageBuckets + 1];
    for (int i = 0; i < estimators.length; i++) {
      estimators[i] = new Ckms(invariant);
    }
    this.nextRotationMillis = clockMillis.getAsLong() + rotationStep(0);
    this.rotationPhase = 1 % ageBuckets;
  }

  /** Records an observation; NaN is ignored. */
  public void insert(double value) {
    if (Double.isNaN(value)) {
      return;
    }
    long now = clockMillis.getAsLong();
    lock.lock();
    try {
      rotateIfDue(now);
      buffer[buffered++] = value;
      if (buffered == BUFFER_SIZE) {
        flush();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns the estimate of each configured quantile over the current window, in the order they
   * were given, or NaN for each when the window holds no observations.
   */
  public double[] get() {
    long now = clockMillis.getAsLong();
    lock.lock();
    try {
      rotateIfDue(now);
      flush();
      return estimators[oldest].query(quantiles);
    } finally {
      lock.unlock();
    }
  }

  /** Number of observations in the current window. */
  long count() {
    long now = clockMillis.getAsLong();
    lock.lock();
    try {
      rotateIfDue(now);
      flush();
      return estimators[oldest].count;
    } finally {
      lock.unlock();
    }
  }

  /** Number of tuples held by all estimators together, after merging the buffer. */
  int sampleCount() {
    lock.lock();
    try {
      flush();
      int total = 0;
      for (Ckms estimator : estimators) {
        total += estimator.size;
      }
      return total;
    } finally {
      lock.unlock();
    }
  }

  /** Milliseconds from rotation {@code phase} to the next one; ageBuckets steps sum to maxAge. */
  private long rotationStep(int phase) {
    long base = maxAgeMillis / ageBuckets;
    long remainder = maxAgeMillis % ageBuckets;
    return base + (phase + 1) * remainder / ageBuckets - phase * remainder / ageBuckets;
  }

  private void rotateIfDue(long now) {
    if (now - nextRotationMillis < 0) {
      return;
    }
    flush(); // buffered observations predate the pending rotations
    long behind = now - nextRotationMillis;
    if (behind >= maxAgeMillis) {
      // More than ageBuckets + 1 rotations are due: every estimator expires. Whole maxAge cycles
      // keep the rotation phase.
      nextRotationMillis += behind / maxAgeMillis * maxAgeMillis;
      for (Ckms estimator : estimators) {
        estimator.reset();
      }
    }
    while (now - nextRotationMillis >= 0) {
      estimators[oldest].reset();
      oldest = (oldest + 1) % estimators.length;
      nextRotationMillis += rotationStep(rotationPhase);
      rotationPhase = (rotationPhase + 1) % ageBuckets;
    }
  }

  private void flush() {
    if (buffered == 0) {
      return;
    }
    Arrays.sort(buffer, 0, buffered);
    for (Ckms estimator : estimators) {
      estimator.merge(buffer, buffered);
    }
    buffered = 0;
  }

  /** The CKMS error function f(r, n) of all targets together; see the implementation notes. */
  private static final class Invariant {
    private final double[] lower;
    private final double[] upper;

    Invariant(double[] quantiles, double[] errors) {
      int m = 0;
      double[] lo = new double[quantiles.length];
      double[] up = new double[quantiles.length];
      for (int i = 0; i < quantiles.length; i++) {
        double q = quantiles[i];
        double e = errors[i];
        if (q > e && q < 1 - e) {
          // The factor keeps floating-point rounding from loosening the bound.
          lo[m] = 2 * e / (1 - q + e) * (1 - 1e-9);
          up[m] = 2 * e / q * (1 - 1e-9);
          m++;
        }
      }
      this.lower = Arrays.copyOf(lo, m);
      this.upper = Arrays.copyOf(up, m);
    }

    /** Largest allowed g + d of a tuple preceded by rank {@code r} among {@code n}; may be +Inf. */
    double allowed(long r, long n) {
      double f = Double.POSITIVE_INFINITY;
      for (int j = 0; j < lower.length; j++) {
        double fj = Math.max(lower[j] * (n - r), upper[j] * r);
        if (fj < f) {
          f = fj;
        }
      }
      return f;
    }
  }

  /** One CKMS summary; not thread-safe. */
  private static final class Ckms {
    private static final double[] NO_VALUES = {};
    private static final long[] NO_LONGS = {};

    private final Invariant invariant;
    private double[] value = NO_VALUES;
    private long[] g = NO_LONGS;
    private long[] delta = NO_LONGS;
    int size;
    long count;

    Ckms(Invariant invariant) {
      this.invariant = invariant;
    }

    void reset() {
      size = 0;
      count = 0;
      if (value.length > 4 * BUFFER_SIZE) {
        value = NO_VALUES;
        g = NO_LONGS;
        delta = NO_LONGS;
      }
    }

    /** Inserts {@code sorted[0..len)}, which is in ascending order, then compresses. */
    void merge(double[] sorted, int len) {
      int s = size;
      long n = count + len;
      ensureCapacity(s + len);
      // Move the tuples to the tail, then merge forwards: the write index never passes the read.
      System.arraycopy(value, 0, value, len, s);
      System.arraycopy(g, 0, g, len, s);
      System.arraycopy(delta, 0, delta, len, s);
      int end = len + s;
      int i = len;
      int w = 0;
      long r = 0;
      for (int j = 0; j < len; w++) {
        if (i < end && value[i] <= sorted[j]) {
          value[w] = value[i];
          g[w] = g[i];
          delta[w] = delta[i];
          i++;
        } else {
          long d = 0; // a new minimum or maximum has an exact rank
          if (w > 0 && i < end) {
            double limit = Math.floor(invariant.allowed(r, n)) - 1;
            d = (long) Math.max(0, Math.min(g[i] + delta[i] - 1, limit));
          }
          value[w] = sorted[j++];
          g[w] = 1;
          delta[w] = d;
        }
        r += g[w];
      }
      size = end; // the remaining old tuples are already in place
      count = n;
      compress();
    }

    private void ensureCapacity(int needed) {
      int capacity = value.length;
      if (capacity < needed) {
        capacity = Math.max(needed, capacity + (capacity >> 1));
      } else if (capacity > 4 * needed && capacity > 4 * BUFFER_SIZE) {
        capacity = 2 * needed;
      } else {
        return;
      }
      value = Arrays.copyOf(value, capacity);
      g = Arrays.copyOf(g, capacity);
      delta = Arrays.copyOf(delta, capacity);
    }

    /** Merges each tuple but the first into its successor where the invariant allows. */
    private void compress() {
      if (size < 3) {
        return;
      }
      int w = size - 1;
      double headValue = value[w];
      long headG = g[w];
      long headDelta = delta[w];
      long suffix = headG; // sum of g from i + 1 to the end
      for (int i = size - 2; i >= 1; i--) {
        long gi = g[i];
        long r = count - suffix - gi;
        if (gi + headG + headDelta <= invariant.allowed(r, count)) {
          headG += gi;
        } else {
          value[w] = headValue;
          g[w] = headG;
          delta[w] = headDelta;
          w--;
          headValue = value[i];
          headG = gi;
          headDelta = delta[i];
        }
        suffix += gi;
      }
      value[w] = headValue;
      g[w] = headG;
      delta[w] = headDelta;
      int kept = size - w;
      System.arraycopy(value, w, value, 1, kept);
      System.arraycopy(g, w, g, 1, kept);
      System.arraycopy(delta, w, delta, 1, kept);
      size = 1 + kept;
    }

    double[] query(double[] quantiles) {
      double[] result = new double[quantiles.length];
      for (int q = 0; q < quantiles.length; q++) {
        result[q] = size == 0 ? Double.NaN : estimate(quantiles[q]);
      }
      return result;
    }

    /** The value whose rank interval lies closest to the target rank. */
    private double estimate(double quantile) {
      long target = Math.max(1, Math.min(count, (long) Math.ceil(quantile * count)));
      long rmin = 0;
      long best = Long.MAX_VALUE;
      double estimate = Double.NaN;
      for (int i = 0; i < size; i++) {
        rmin += g[i];
        long deviation = Math.max(target - rmin, rmin + delta[i] - target);
        if (deviation < best) {
          best = deviation;
          estimate = value[i];
        }
        if (rmin - target >= best) {
          break;
        }
      }
      return estimate;
    }
  }
}
