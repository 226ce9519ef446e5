package dev.hearth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.model.MetricType;
import dev.hearth.spi.DoubleSlot;
import dev.hearth.spi.ValueStorage;
import dev.hearth.spi.ValueStorages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How metrics use a process-wide {@link ValueStorage}: self-metrics and {@code heapStorage()}
 * metrics never ask it for slots, DROP leaves nothing in it, OVERFLOW one series, and what it
 * cannot undo (remove, clear, expireAfter, setFunction) is refused instead of silently ignored.
 */
class StorageOptionsTest {
  /** A storage that remembers every slot it handed out, as {@code sample{values}}. */
  static final class RecordingStorage implements ValueStorage {
    final List<String> slots = new ArrayList<>();

    @Override
    public synchronized DoubleSlot slot(String familyName, String sampleName,
        List<String> labelNames, List<String> labelValues, String help, MetricType type,
        MultiprocessMode mode) {
      slots.add(sampleName + labelValues);
      double[] v = new double[1];
      return new DoubleSlot() {
        @Override
        public synchronized void add(double delta) {
          v[0] += delta;
        }

        @Override
        public synchronized void set(double value) {
          v[0] = value;
        }

        @Override
        public synchronized double get() {
          return v[0];
        }
      };
    }

    @Override
    public String toString() {
      return "RecordingStorage[test]";
    }
  }

  private final RecordingStorage storage = new RecordingStorage();

  @AfterEach
  void uninstall() {
    ValueStorages.uninstall();
  }

  @Test
  void selfMetricsAndHeapStorageMetricsStayOnTheHeap() {
    ValueStorages.install(storage);
    CollectorRegistry registry = new CollectorRegistry();
    registry.register(new Collector() {
      @Override
      public List<dev.hearth.model.MetricSnapshot<?>> collect() {
        throw new IllegalStateException("broken");
      }

      @Override
      public String collectorName() {
        return "broken";
      }
    });
    Counter local = Counter.builder("local_total").help("h").labelNames("k").heapStorage()
        .register(registry);
    local.labels("x").inc(2);
    local.remove("x"); // allowed: on the heap
    registry.collect();
    assertThat(registry.getSampleValue("hearth_collector_errors_total",
        java.util.Map.of("collector", "broken"))).isEqualTo(2.0); // two scrapes so far
    assertThat(storage.slots).isEmpty();

    Counter shared = Counter.builder("shared_total").help("h").build();
    shared.inc();
    assertThat(storage.slots).containsExactly("shared_total[]");
    // the last of storage(...) and heapStorage() wins
    Counter.builder("again_total").help("h").heapStorage().storage(storage).build();
    assertThat(storage.slots).containsExactly("shared_total[]", "again_total[]");
  }

  @Test
  void dropWritesNothingPastTheLimitAndOverflowOneSeries() {
    Counter drop = Counter.builder("drop_total").help("h").labelNames("user").maxSeries(1)
        .cardinalityPolicy(CardinalityPolicy.DROP).storage(storage).build();
    drop.labels("a").inc();
    drop.labels("b").inc(5);
    drop.labels("c").inc(6);
    Histogram hist = Histogram.builder("drop_seconds").help("h").labelNames("user").buckets(1)
        .maxSeries(1).cardinalityPolicy(CardinalityPolicy.DROP).storage(storage).build();
    hist.labels("a").observe(1);
    hist.labels("b").observe(1);
    Summary sum = Summary.builder("drop_bytes").help("h").labelNames("user").maxSeries(1)
        .cardinalityPolicy(CardinalityPolicy.DROP).storage(storage).build();
    sum.labels("a").observe(1);
    sum.labels("b").observe(1);
    Gauge gauge = Gauge.builder("drop_gauge").help("h").labelNames("user").maxSeries(1)
        .cardinalityPolicy(CardinalityPolicy.DROP).storage(storage).build();
    gauge.labels("a").set(1);
    gauge.labels("b").set(2);
    assertThat(storage.slots).noneMatch(s -> s.contains(CardinalityPolicy.OVERFLOW_VALUE))
        .hasSize(1 + 3 + 2 + 1);
    assertThat(drop.overflowCount()).isEqualTo(2);

    storage.slots.clear();
    Counter overflow = Counter.builder("over_total").help("h").labelNames("user").maxSeries(1)
        .storage(storage).build();
    overflow.labels("a").inc();
    overflow.labels("b").inc(5);
    overflow.labels("c").inc(6);
    assertThat(storage.slots).containsExactly("over_total[a]", "over_total[__overflow__]");
    assertThat(overflow.labels("d").get()).isEqualTo(11.0);
  }

  @Test
  void whatAStorageCannotUndoIsRefused() {
    Counter c = Counter.builder("c_total").help("h").labelNames("k").storage(storage).build();
    c.labels("x").inc(3);
    assertThatThrownBy(() -> c.remove("x")).isInstanceOf(IllegalStateException.class)
        .hasMessage("Counter 'c': remove({k=\"x\"}) is not supported when values live in"
            + " RecordingStorage[test]: " + Metric.STAYS
            + " Build the metric with heapStorage() to remove series.");
    assertThatThrownBy(() -> c.remove(java.util.Map.of("k", "x")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(c::clear).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Counter 'c': clear() is not supported when values live in"
            + " RecordingStorage[test]");
    assertThat(c.labels("x").get()).isEqualTo(3.0);
    assertThat(c.childCount()).isEqualTo(1);

    assertThatThrownBy(() -> Gauge.builder("g").help("h").labelNames("k")
        .expireAfter(Duration.ofSeconds(30)).storage(storage).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Gauge 'g': expireAfter(PT30S) is not supported when values"
            + " live in RecordingStorage[test]");
    Gauge g = Gauge.builder("g").help("h").storage(storage).build();
    g.set(4);
    assertThatThrownBy(() -> g.setFunction(() -> 9)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Gauge 'g': setFunction() is not supported");
    assertThat(g.get()).isEqualTo(4.0);

    // on the heap, all of it works as before
    Gauge heap = Gauge.builder("g").help("h").labelNames("k").expireAfter(Duration.ofSeconds(30))
        .build();
    heap.labels("x").setFunction(() -> 9);
    assertThat(heap.labels("x").get()).isEqualTo(9.0);
    heap.remove("x");
    heap.clear();
    assertThat(heap.childCount()).isZero();
  }
}
