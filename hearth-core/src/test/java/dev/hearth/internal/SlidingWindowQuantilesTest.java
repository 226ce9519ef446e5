package dev.hearth.internal;

import dev.hearth.testing.RandomCases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SlidingWindowQuantilesTest {
  private static final double[] QUANTILES = {0.0, 0.5, 0.9, 0.99, 1.0};
  private static final double[] ERRORS = {0.01, 0.05, 0.01, 0.001, 0.001};
  private static final double[] MIN_MEDIAN_MAX = {0, 0.5, 1};
  private static final double[] MEDIAN = {0.5};
  private static final double[] ERRORS_1PCT = {0.01, 0.01, 0.01};
  private static final double[] ERROR_1PCT = {0.01};
  private static final long MAX_AGE = 60_000;

  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);

  private SlidingWindowQuantiles window(
      double[] quantiles, double[] errors, long maxAge, int buckets) {
    return new SlidingWindowQuantiles(quantiles, errors, maxAge, buckets, clock::get);
  }

  private SlidingWindowQuantiles window() {
    return window(QUANTILES, ERRORS, MAX_AGE, 5);
  }

  // ---------------------------------------------------------------- accuracy

  @ParameterizedTest
  @ValueSource(strings = {"uniform", "shuffled", "exponential", "fewDistinct"})
  void estimatesAreWithinTheirRankErrors(String distribution) {
    int n = 100_000;
    Random random = new Random(42);
    double[] data = new double[n];
    switch (distribution) {
      case "uniform":
        fill(data, random::nextDouble);
        break;
      case "shuffled":
        for (int i = 0; i < n; i++) {
          data[i] = i + 1;
        }
        shuffle(data, random);
        break;
      case "exponential":
        fill(data, () -> -Math.log(1 - random.nextDouble()) * 1e-3);
        break;
      default:
        fill(data, () -> random.nextInt(20));
    }
    SlidingWindowQuantiles window = window();
    for (double d : data) {
      window.insert(d);
    }
    assertWithinRankErrors(data, QUANTILES, ERRORS, window.get());
    assertThat(window.count()).isEqualTo(n);
  }

  @Test
  void sortedInputIsAccurateToo() {
    int n = 100_000;
    double[] ascending = new double[n];
    double[] descending = new double[n];
    for (int i = 0; i < n; i++) {
      ascending[i] = i;
      descending[i] = n - i;
    }
    for (double[] data : List.of(ascending, descending)) {
      SlidingWindowQuantiles window = window();
      for (double d : data) {
        window.insert(d);
      }
      assertWithinRankErrors(data, QUANTILES, ERRORS, window.get());
    }
  }

  @Test
  void extremesAreExact() {
    SlidingWindowQuantiles window = window(new double[] {0, 1}, new double[] {.1, .1}, MAX_AGE, 1);
    Random random = new Random(7);
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < 50_000; i++) {
      double d = random.nextGaussian();
      min = Math.min(min, d);
      max = Math.max(max, d);
      window.insert(d);
    }
    assertThat(window.get()).containsExactly(min, max);
    assertThat(window.sampleCount()).isLessThan(10);
  }

  @Test
  void smallWindowsAreExact() {
    SlidingWindowQuantiles window = window();
    assertThat(window.get()).containsOnly(Double.NaN);
    window.insert(3);
    assertThat(window.get()).containsOnly(3.0);
    window.insert(1);
    window.insert(2);
    // target ranks max(1, ceil(q * 3)): 1, 2, 3, 3, 3
    assertThat(window.get()).containsExactly(1, 2, 3, 3, 3);
  }

  @Test
  void ignoresNanAndHandlesInfinities() {
    SlidingWindowQuantiles window = window(MIN_MEDIAN_MAX, ERRORS_1PCT, MAX_AGE, 1);
    window.insert(Double.NaN);
    assertThat(window.get()).containsOnly(Double.NaN);
    window.insert(Double.NEGATIVE_INFINITY);
    window.insert(0);
    window.insert(Double.POSITIVE_INFINITY);
    assertThat(window.get()).containsExactly(Double.NEGATIVE_INFINITY, 0, Double.POSITIVE_INFINITY);
    assertThat(window.count()).isEqualTo(3);
  }

  @Test
  void noQuantilesGiveAnEmptyResult() {
    SlidingWindowQuantiles window = window(new double[0], new double[0], MAX_AGE, 1);
    window.insert(1);
    assertThat(window.get()).isEmpty();
    assertThat(window.count()).isEqualTo(1);
  }

  @Test
  void rankErrorBoundHoldsForRandomInputsAndTargets() {
    RandomCases.check(300, r -> {
      int n = r.nextInt(4001);
      double[] data = new double[n];
      for (int i = 0; i < n; i++) {
        switch (r.nextInt(3)) {
          case 0:
            data[i] = r.nextInt(11) - 5;
            break;
          case 1:
            data[i] = (r.nextDouble() * 2 - 1) * 1e6;
            break;
          default:
            data[i] = Math.pow(r.nextDouble(), 8) * 1e3;
        }
      }
      int targets = 1 + r.nextInt(5);
      double[] quantiles = new double[targets];
      double[] errors = new double[targets];
      double[] fixedQ = {0.0, 0.5, 0.9, 0.99, 0.999, 1.0};
      double[] fixedE = {0.001, 0.01, 0.05};
      for (int t = 0; t < targets; t++) {
        quantiles[t] = r.nextBoolean() ? fixedQ[r.nextInt(fixedQ.length)]
            : Math.round(r.nextDouble() * 1e6) / 1e6;
        errors[t] = r.nextBoolean() ? fixedE[r.nextInt(fixedE.length)]
            : Math.max(0.0005, Math.round(r.nextDouble() * 0.3 * 1e5) / 1e5);
      }
      int buckets = 1 + r.nextInt(4);
      SlidingWindowQuantiles window = window(quantiles, errors, MAX_AGE, buckets);
      for (int i = 0; i < n; i++) {
        window.insert(data[i]);
        if (i % 777 == 0) {
          window.get(); // queries flush partial buffers
        }
      }
      double[] estimates = window.get();
      if (n == 0) {
        assertThat(estimates).containsOnly(Double.NaN);
      } else {
        assertWithinRankErrors(data, quantiles, errors, estimates);
      }
    });
  }

  // ---------------------------------------------------------------- window

  @Test
  void expiresEverythingAfterMaxAge() {
    SlidingWindowQuantiles window = window();
    for (int i = 0; i < 1000; i++) {
      window.insert(i);
    }
    clock.addAndGet(MAX_AGE + MAX_AGE / 5);
    assertThat(window.get()).containsOnly(Double.NaN);
    assertThat(window.count()).isZero();
    window.insert(5);
    assertThat(window.get()).containsOnly(5.0);
  }

  @Test
  void partialRotationKeepsRecentValues() {
    SlidingWindowQuantiles window = window(MIN_MEDIAN_MAX, ERRORS_1PCT, 1000, 5);
    for (int i = 0; i < 100; i++) {
      window.insert(1); // at t = 0
    }
    clock.addAndGet(600);
    for (int i = 0; i < 100; i++) {
      window.insert(2); // at t = 600, buffered across the coming rotations
    }
    clock.addAndGet(600); // t = 1200: the values of t = 0 are older than maxAge + one bucket
    assertThat(window.get()).containsExactly(2, 2, 2);
    assertThat(window.count()).isEqualTo(100);
    clock.addAndGet(500); // t = 1700: the values of t = 600 are 1100 ms old, still within
    assertThat(window.count()).isEqualTo(100);
    clock.addAndGet(100); // t = 1800: 1200 ms old
    assertThat(window.count()).isZero();
  }

  /** Every observation counts for at least maxAge and stops counting within one bucket after. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 7, 1000, 1500})
  void observationsCountForMaxAgePlusAtMostOneBucket(int buckets) {
    long maxAge = 1000;
    long bucket = (maxAge + buckets - 1) / buckets;
    for (long offset = 0; offset < 3 * maxAge; offset += 37) {
      clock.set(0);
      SlidingWindowQuantiles window = window(MEDIAN, ERROR_1PCT, maxAge, buckets);
      clock.set(offset);
      window.get(); // rotations up to now happen before the insert
      window.insert(1);
      clock.set(offset + maxAge);
      assertThat(window.count()).as("offset %d, at maxAge", offset).isEqualTo(1);
      clock.set(offset + maxAge + bucket);
      assertThat(window.count()).as("offset %d, one bucket later", offset).isZero();
    }
  }

  @Test
  void longIdlePeriodsAndBackwardClocksAreHarmless() {
    SlidingWindowQuantiles window = window(MEDIAN, ERROR_1PCT, 1000, 4);
    window.insert(1);
    clock.addAndGet(1_000_000_000_123L);
    assertThat(window.get()).containsOnly(Double.NaN);
    window.insert(2);
    clock.addAndGet(-5_000);
    window.insert(3);
    assertThat(window.count()).isEqualTo(2);
    clock.addAndGet(5_000 + 999);
    assertThat(window.count()).isEqualTo(2);
    clock.addAndGet(1_000 + 250);
    assertThat(window.count()).isZero();
  }

  @Test
  void foreverWindowDoesNotOverflow() {
    SlidingWindowQuantiles window = window(MEDIAN, ERROR_1PCT, Long.MAX_VALUE, 3);
    window.insert(1);
    clock.addAndGet(Long.MAX_VALUE / 3 + 1); // first rotation
    assertThat(window.count()).isEqualTo(1);
    clock.addAndGet(Long.MAX_VALUE / 3); // second rotation: the next one is past Long.MAX_VALUE
    assertThat(window.count()).isEqualTo(1);
    window.insert(2);
    assertThat(window.count()).isEqualTo(2);
  }

  // ---------------------------------------------------------------- concurrency and memory

  @Test
  void concurrentInsertsAreAllCounted() throws Exception {
    int threads = 4;
    int perThread = 50_000;
    SlidingWindowQuantiles window = window();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    window.insert(i * threads + thread); // together: 0 .. 199_999
                    if (i % 10_000 == 0) {
                      assertThat(window.get()).hasSize(QUANTILES.length);
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    double[] all = new double[threads * perThread];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    assertThat(window.count()).isEqualTo(all.length);
    assertWithinRankErrors(all, QUANTILES, ERRORS, window.get());
  }

  @Test
  void memoryStaysBounded() {
    SlidingWindowQuantiles window = window(QUANTILES, ERRORS, MAX_AGE, 2);
    Random random = new Random(1);
    int atHalf = 0;
    for (int i = 1; i <= 1_000_000; i++) {
      window.insert(random.nextDouble());
      if (i == 500_000) {
        atHalf = window.sampleCount();
      }
    }
    int atEnd = window.sampleCount();
    // 3 estimators of about 45 tuples each here; CKMS grows with log(n) at most.
    assertThat(atEnd).isLessThan(3 * 100);
    assertThat(atEnd).isLessThan(atHalf + atHalf / 4);
  }

  // ---------------------------------------------------------------- validation

  @Test
  void rejectsBadArguments() {
    double[] q = {0.5};
    double[] e = {0.01};
    assertThatThrownBy(() -> window(new double[] {0.5, 0.9}, e, 1000, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 quantiles and 1 errors");
    assertThatThrownBy(() -> window(new double[] {1.5}, e, 1000, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("quantile must be in [0, 1], got 1.5");
    assertThatThrownBy(() -> window(new double[] {-0.1}, e, 1000, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got -0.1");
    assertThatThrownBy(() -> window(new double[] {Double.NaN}, e, 1000, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got NaN");
    assertThatThrownBy(() -> window(q, new double[] {0}, 1000, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("error must be in (0, 1), got 0.0 for quantile 0.5");
    assertThatThrownBy(() -> window(q, new double[] {1}, 1000, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 1.0");
    assertThatThrownBy(() -> window(q, e, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAgeMillis must be > 0, got 0");
    assertThatThrownBy(() -> window(q, e, -5, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got -5");
    assertThatThrownBy(() -> window(q, e, 1000, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ageBuckets must be in [1, 65536], got 0");
    assertThatThrownBy(() -> window(q, e, 1000, Integer.MAX_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got " + Integer.MAX_VALUE);
    assertThatThrownBy(() -> window(null, e, 1000, 1)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void copiesItsArguments() {
    double[] q = {0.5};
    SlidingWindowQuantiles window = window(q, new double[] {0.01}, 1000, 1);
    q[0] = 1;
    for (int i = 1; i <= 3; i++) {
      window.insert(i);
    }
    assertThat(window.get()).containsExactly(2);
  }

  // ---------------------------------------------------------------- helpers

  private static void fill(double[] data, DoubleSupplier supplier) {
    for (int i = 0; i < data.length; i++) {
      data[i] = supplier.getAsDouble();
    }
  }

  private static void shuffle(double[] data, Random random) {
    for (int i = data.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      double t = data[i];
      data[i] = data[j];
      data[j] = t;
    }
  }

  /**
   * Checks that each estimate is an observed value one of whose ranks (1-based; equal values share
   * a range of ranks) is within {@code error * n} of the target rank {@code max(1, ceil(q * n))}.
   */
  static void assertWithinRankErrors(
      double[] data, double[] quantiles, double[] errors, double[] estimates) {
    double[] sorted = data.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    assertThat(estimates).hasSize(quantiles.length);
    for (int i = 0; i < quantiles.length; i++) {
      long target = Math.max(1, Math.min(n, (long) Math.ceil(quantiles[i] * n)));
      long lo = countBelow(sorted, estimates[i], false) + 1;
      long hi = countBelow(sorted, estimates[i], true);
      assertThat(hi)
          .as("estimate %s of q=%s was observed", estimates[i], quantiles[i])
          .isGreaterThanOrEqualTo(lo);
      long rankError = target < lo ? lo - target : target > hi ? target - hi : 0;
      assertThat((double) rankError)
          .as("rank error of q=%s (error %s, n=%d, estimate %s)", quantiles[i], errors[i], n,
              estimates[i])
          .isLessThanOrEqualTo(errors[i] * n);
    }
  }

  /** Number of values {@code < x}, or {@code <= x} if {@code inclusive}; -0.0 equals 0.0. */
  private static int countBelow(double[] sorted, double x, boolean inclusive) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < x || (inclusive && sorted[mid] == x)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
