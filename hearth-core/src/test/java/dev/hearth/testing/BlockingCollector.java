package dev.hearth.testing;

import dev.hearth.Collector;
import dev.hearth.GaugeMetricFamily;
import dev.hearth.model.MetricSnapshot;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A collector whose collections block until {@link #release} is counted down (at most 20 s),
 * counting its calls; it then returns one gauge {@code name} with value 1.
 */
public final class BlockingCollector implements Collector {
  /** Count down to let collections finish. */
  public final CountDownLatch release = new CountDownLatch(1);
  /** Collections started. */
  public final AtomicInteger calls = new AtomicInteger();
  private final String name;

  /** A collector of the gauge {@code name}. */
  public BlockingCollector(String name) {
    this.name = name;
  }

  @Override
  public List<MetricSnapshot<?>> collect() {
    calls.incrementAndGet();
    try {
      release.await(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return List.of(new GaugeMetricFamily(name, "Slow").addMetric(1).build());
  }
}
