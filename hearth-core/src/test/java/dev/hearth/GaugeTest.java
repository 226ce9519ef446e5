package dev.hearth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GaugeTest {
  private final CollectorRegistry registry = new CollectorRegistry();

  @Test
  void incDecSet() {
    Gauge g = Gauge.builder("g").help("h").register(registry);
    g.inc();
    g.inc(2.5);
    g.dec();
    g.dec(0.5);
    assertThat(g.get()).isEqualTo(2.0);
    g.set(-7);
    assertThat(registry.getSampleValue("g")).isEqualTo(-7.0);
  }

  @Test
  void setToCurrentTimeUsesSeconds() {
    Gauge g = Gauge.builder("g").help("h").register(registry);
    g.setToCurrentTime();
    assertThat(g.get()).isCloseTo(System.currentTimeMillis() / 1000.0, within(5.0));
  }

  @Test
  void trackIncrementsWhileInProgress() {
    Gauge g = Gauge.builder("in_progress").help("h").register(registry);
    Gauge.InProgress a = g.track();
    Gauge.InProgress b = g.track();
    assertThat(g.get()).isEqualTo(2.0);
    a.close();
    a.close(); // idempotent
    assertThat(g.get()).isEqualTo(1.0);
    b.close();
    assertThat(g.get()).isZero();
  }

  @Test
  void timerSetsDurationInSeconds() throws Exception {
    Gauge g = Gauge.builder("last_duration_seconds").help("h").register(registry);
    double d = g.time(() -> sleep(20));
    assertThat(d).isGreaterThanOrEqualTo(0.019);
    assertThat(g.get()).isEqualTo(d);
    String r = g.time(() -> "done");
    assertThat(r).isEqualTo("done");
    // the second call set its own duration (no bound on it: a GC pause may make it long)
    assertThat(g.get()).isGreaterThanOrEqualTo(0).isNotEqualTo(d);
  }

  @Test
  void callbackIsReadAtScrapeTime() {
    AtomicInteger queue = new AtomicInteger(3);
    Gauge g = Gauge.builder("queue_size").help("h").labelNames("q").register(registry);
    g.labels("a").setFunction(queue::get);
    assertThat(registry.getSampleValue("queue_size", java.util.Map.of("q", "a"))).isEqualTo(3.0);
    queue.set(9);
    assertThat(registry.getSampleValue("queue_size", java.util.Map.of("q", "a"))).isEqualTo(9.0);
  }

  @Test
  void multiprocessModeIsAcceptedWithoutStorage() {
    Gauge g = Gauge.builder("g").help("h").multiprocessMode(MultiprocessMode.LIVESUM).register(registry);
    g.set(1);
    assertThat(g.get()).isEqualTo(1.0);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
