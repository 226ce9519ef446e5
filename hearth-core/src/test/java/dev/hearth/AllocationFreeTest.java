package dev.hearth;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * The README's claim: {@code inc}, {@code set}, {@code observe} and positional label lookups of
 * existing series allocate nothing (measured with the JVM's per-thread allocation counter).
 */
class AllocationFreeTest {
  /**
   * com.sun.management.ThreadMXBean#getThreadAllocatedBytes, called reflectively: the tests are
   * compiled inside module dev.hearth.core, which reads only java.base.
   */
  private static long threadAllocatedBytes() {
    try {
      Object threads = Class.forName("java.lang.management.ManagementFactory")
          .getMethod("getThreadMXBean").invoke(null);
      Method allocated = Class.forName("com.sun.management.ThreadMXBean")
          .getMethod("getThreadAllocatedBytes", long.class);
      return (long) allocated.invoke(threads, Thread.currentThread().getId());
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static long allocatedBy(Runnable work) {
    for (int i = 0; i < 20_000; i++) {
      work.run(); // warm up: lazy class init and JIT compilation allocate
    }
    threadAllocatedBytes();
    long before = threadAllocatedBytes();
    for (int i = 0; i < 100_000; i++) {
      work.run();
    }
    return threadAllocatedBytes() - before;
  }

  @Test
  void recordingAndPositionalLookupsOfExistingSeriesAllocateNothing() {
    CollectorRegistry registry = new CollectorRegistry();
    Counter counter = Counter.builder("c").register(registry);
    Counter one = Counter.builder("c1").labelNames("a").register(registry);
    Counter two = Counter.builder("c2").labelNames("a", "b").register(registry);
    Counter three = Counter.builder("c3").labelNames("a", "b", "c").register(registry);
    Gauge gauge = Gauge.builder("g").register(registry);
    Histogram histogram = Histogram.builder("h").register(registry);
    Summary summary = Summary.builder("s").register(registry);
    String a = "x";
    String b = "y";
    String c = "z";
    one.labels(a);
    two.labels(a, b);
    three.labels(a, b, c);
    // 100,000 calls: an allocation per call would be >= 1.6 MB; the allowance covers the
    // reflective reads of the counter
    long allowance = 16 * 1024;
    assertThat(allocatedBy(counter::inc)).as("Counter.inc").isLessThan(allowance);
    assertThat(allocatedBy(() -> gauge.inc(1.5))).as("Gauge.inc").isLessThan(allowance);
    assertThat(allocatedBy(() -> gauge.set(2))).as("Gauge.set").isLessThan(allowance);
    assertThat(allocatedBy(() -> histogram.observe(0.3))).as("Histogram.observe").isLessThan(allowance);
    assertThat(allocatedBy(() -> summary.observe(0.3))).as("Summary.observe").isLessThan(allowance);
    assertThat(allocatedBy(() -> one.labels(a).inc())).as("labels(v0)").isLessThan(allowance);
    assertThat(allocatedBy(() -> two.labels(a, b).inc())).as("labels(v0, v1)").isLessThan(allowance);
    assertThat(allocatedBy(() -> three.labels(a, b, c).inc())).as("labels(v0, v1, v2)")
        .isLessThan(allowance);
  }
}
