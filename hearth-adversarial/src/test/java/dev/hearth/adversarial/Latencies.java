package dev.hearth.adversarial;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/** Thread-safe latency recorder with nearest-rank percentiles, for the printed figures. */
final class Latencies {
  private long[] nanos = new long[1024];
  private int n;
  final AtomicLong failures = new AtomicLong();

  synchronized void add(long elapsedNanos) {
    if (n == nanos.length) {
      nanos = Arrays.copyOf(nanos, n * 2);
    }
    nanos[n++] = elapsedNanos;
  }

  synchronized int count() {
    return n;
  }

  /** The {@code p}-th percentile (0 < p <= 100) in milliseconds, nearest rank; 0 when empty. */
  synchronized double percentileMillis(double p) {
    if (n == 0) {
      return 0;
    }
    long[] sorted = Arrays.copyOf(nanos, n);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * n);
    return sorted[Math.max(0, Math.min(n, rank) - 1)] / 1e6;
  }

  /** Successes divided by attempts (successes plus failures); 1 when nothing was tried. */
  double successRatio() {
    long ok = count();
    long total = ok + failures.get();
    return total == 0 ? 1 : (double) ok / total;
  }

  String summary() {
    return String.format("%d ok, %d failed, p50 %.1f ms, p99 %.1f ms, max %.1f ms", count(),
        failures.get(), percentileMillis(50), percentileMillis(99), percentileMillis(100));
  }
}
