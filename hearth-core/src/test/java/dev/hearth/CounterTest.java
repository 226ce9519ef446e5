package dev.hearth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.model.CounterSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class CounterTest {
  private final CollectorRegistry registry = new CollectorRegistry();

  @Test
  void totalSuffixIsOptionalAndExposedOnce() {
    Counter a = Counter.builder("jobs_total").help("h").register(registry);
    Counter b = Counter.builder("tasks").help("h").register(registry);
    a.inc();
    b.inc(2);
    assertThat(a.name()).isEqualTo("jobs");
    assertThat(registry.getSampleValue("jobs_total")).isEqualTo(1.0);
    assertThat(registry.getSampleValue("tasks_total")).isEqualTo(2.0);
    assertThat(registry.getSampleValue("jobs_created")).isPositive();
    assertThat(registry.getSampleValue("jobs")).isNull();
  }

  @Test
  void namespaceSubsystemAndUnitBuildTheName() {
    Counter c = Counter.builder("sent_total").namespace("app").subsystem("net").unit("bytes")
        .help("h").register(registry);
    assertThat(c.name()).isEqualTo("app_net_sent_bytes");
    c.inc(10);
    assertThat(registry.getSampleValue("app_net_sent_bytes_total")).isEqualTo(10.0);
  }

  @Test
  void invalidIncrementsThrowNamingTheMetricAndKeepTheValue() {
    Counter c = Counter.builder("requests").help("h").register(registry);
    c.inc(3);
    for (double bad : new double[] {-1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertThatThrownBy(() -> c.inc(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'requests'")
          .hasMessageContaining(String.valueOf(bad));
    }
    assertThat(c.get()).isEqualTo(3.0);
  }

  /**
   * Issue 11 item 3: {@code inc(1, Map.of("bad-name", "x"))} was accepted and Prometheus then
   * rejected the whole scrape. The call is refused before anything is recorded.
   */
  @Test
  void invalidExemplarLabelNamesAreRejectedBeforeRecording() {
    Counter c = Counter.builder("requests").help("h").labelNames("path").register(registry);
    Counter.Child child = c.labels("/a");
    child.inc(1, Map.of("trace_id", "t1"));
    for (String bad : List.of("bad-name", "1abc", "", "__reserved", "tr\u00e4ce")) {
      assertThatThrownBy(() -> child.inc(1, Map.of(bad, "x")))
          .as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Counter 'requests'").hasMessageContaining("'" + bad + "'");
    }
    Histogram h = Histogram.builder("lat").help("h").buckets(1).register(registry);
    assertThatThrownBy(() -> h.observe(0.5, Map.of("span-id", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Histogram 'lat'").hasMessageContaining("'span-id'");
    assertThatThrownBy(() -> h.observe(0.5, Map.of("span_id", "x".repeat(200))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Histogram 'lat'");
    // nothing recorded by the rejected calls, the earlier exemplar kept
    assertThat(child.get()).isEqualTo(1.0);
    assertThat(c.snapshot().dataPoints().get(0).exemplar().labels().get("trace_id")).isEqualTo("t1");
    assertThat(h.snapshot().dataPoints().get(0).count()).isZero();
    // the model API is checked too, so no exemplar on the wire can be invalid
    assertThatThrownBy(() -> dev.hearth.model.Exemplar.of(
        dev.hearth.model.Labels.of("bad-name", "x"), 1, dev.hearth.model.DataPoint.NO_TIMESTAMP))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bad-name'");
    assertThat(dev.hearth.exposition.Exposition.generateLatest(registry,
        dev.hearth.exposition.ExpositionFormat.OPENMETRICS_1_0_0))
        .contains("requests_total{path=\"/a\"} 1.0 # {trace_id=\"t1\"} 1.0 ");
  }

  @Test
  void fractionalAndWholeIncrementsAddUp() {
    Counter c = Counter.builder("c").help("h").register(registry);
    c.inc(0.5);
    c.inc(2);
    c.inc(0.25);
    c.inc(1e20);
    assertThat(c.get()).isEqualTo(1e20 + 2.75);
  }

  @Test
  void labelsPositionalAndByNameReachTheSameChild() {
    Counter c = Counter.builder("http_requests_total").help("h").labelNames("method", "status")
        .register(registry);
    c.labels("GET", "200").inc();
    c.labels(Map.of("status", "200", "method", "GET")).inc();
    assertThat(c.labels("GET", "200")).isSameAs(c.labels(Map.of("method", "GET", "status", "200")));
    assertThat(registry.getSampleValue("http_requests_total", Map.of("method", "GET", "status", "200")))
        .isEqualTo(2.0);
    assertThat(registry.getSampleValue("http_requests_total", Map.of("method", "PUT", "status", "200")))
        .isNull();
  }

  @Test
  void wrongLabelsAreRejectedWithNames() {
    Counter c = Counter.builder("reqs").help("h").labelNames("method", "status").register(registry);
    assertThatThrownBy(() -> c.labels("GET"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'reqs'").hasMessageContaining("[method, status]").hasMessageContaining("got 1");
    assertThatThrownBy(() -> c.labels("a", "b", "c", "d"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 4");
    assertThatThrownBy(() -> c.labels(Map.of("method", "GET", "code", "200")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing [status]").hasMessageContaining("unknown [code]");
    assertThatThrownBy(() -> c.labels("GET", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'status' is null");
    assertThatThrownBy(c::inc)
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("labels(...)");
  }

  @Test
  void labelNamesAreValidatedAtBuildTime() {
    assertThatThrownBy(() -> Counter.builder("x").labelNames("1a").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'1a'");
    assertThatThrownBy(() -> Counter.builder("x").labelNames("__a").build())
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> Counter.builder("x").labelNames("a", "a").build())
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> Counter.builder("x-y").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x-y'");
    assertThatThrownBy(() -> Histogram.builder("h").labelNames("le").build())
        .hasMessageContaining("'le'").hasMessageContaining("reserved");
    // le is fine outside histograms, as in Python
    Counter.builder("x").labelNames("le").build();
  }

  @Test
  void removeAndClearDropChildrenAndHandlesKeepWorking() {
    Counter c = Counter.builder("c").help("h").labelNames("k").register(registry);
    Counter.Child a = c.labels("a");
    a.inc();
    c.labels("b").inc();
    c.remove("a");
    assertThat(c.childCount()).isEqualTo(1);
    assertThat(registry.getSampleValue("c_total", Map.of("k", "a"))).isNull();
    a.inc(); // detached, no error
    assertThat(c.labels("a").get()).isZero();
    c.clear();
    assertThat(c.childCount()).isZero();
    assertThat(c.snapshot().dataPoints()).isEmpty();
  }

  @Test
  void manyChildrenSurviveTableGrowth() {
    Counter c = Counter.builder("c").help("h").labelNames("a", "b", "cc").register(registry);
    for (int i = 0; i < 5000; i++) {
      c.labels("x" + i, "y" + (i % 7), "z").inc(i);
    }
    for (int i = 0; i < 5000; i += 97) {
      assertThat(c.labels("x" + i, "y" + (i % 7), "z").get()).isEqualTo(i);
    }
    assertThat(c.childCount()).isEqualTo(5000);
    c.remove("x5", "y5", "z");
    assertThat(c.childCount()).isEqualTo(4999);
    assertThat(c.labels("x6", "y6", "z").get()).isEqualTo(6.0);
  }

  @Test
  void exemplarIsKeptAndLimitedTo128Characters() {
    Counter c = Counter.builder("c").help("h").register(registry);
    c.inc(2, Map.of("trace_id", "abc123"));
    CounterSnapshot.DataPoint dp = c.snapshot().dataPoints().get(0);
    assertThat(dp.exemplar().labels().get("trace_id")).isEqualTo("abc123");
    assertThat(dp.exemplar().value()).isEqualTo(2.0);
    assertThat(dp.exemplar().hasTimestamp()).isTrue();
    String ok = "x".repeat(128 - "trace_id".length());
    c.inc(1, Map.of("trace_id", ok));
    assertThatThrownBy(() -> c.inc(1, Map.of("trace_id", ok + "y")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("129");
    assertThat(c.get()).isEqualTo(3.0);
  }

  /** Starts {@code threads} threads at once on {@code work} (given the thread's index), joins them. */
  private static void runTogether(int threads, java.util.function.IntConsumer work)
      throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
        work.accept(id);
      });
      th.start();
      ts.add(th);
    }
    start.countDown();
    for (Thread th : ts) {
      th.join();
    }
  }

  @Test
  void concurrentIncrementsAreExact() throws Exception {
    Counter c = Counter.builder("c").help("h").labelNames("k").register(registry);
    Counter plain = Counter.builder("p").help("h").register(registry);
    int threads = 8;
    int perThread = 200_000;
    runTogether(threads, id -> {
      for (int i = 0; i < perThread; i++) {
        c.labels(i % 2 == 0 ? "even" : "odd" + (id % 2)).inc();
        plain.inc();
      }
    });
    assertThat(plain.get()).isEqualTo((double) threads * perThread);
    double total = c.labels("even").get() + c.labels("odd0").get() + c.labels("odd1").get();
    assertThat(total).isEqualTo((double) threads * perThread);
    assertThat(c.labels("even").get()).isEqualTo(threads * perThread / 2.0);
  }

  @Test
  void aContendedSeriesIsExactAndNeverGoesBackWhileItsCellsAreCreatedAndGrown() throws Exception {
    // many more threads than cores, so cells are created and the table doubles while others add
    Counter c = Counter.builder("grown").help("h").register(registry);
    int threads = 16;
    int perThread = 50_000;
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicReference<String> wentBack = new java.util.concurrent.atomic.AtomicReference<>();
    Thread reader = new Thread(() -> {
      double last = 0;
      while (!done.get()) {
        double now = c.get();
        if (now < last) {
          wentBack.set(now + " after " + last);
        }
        last = now;
      }
    });
    reader.start();
    // Whether two threads ever collide depends on the scheduler: on a loaded 2-core machine the
    // threads may run one after another. Rounds repeat (each checked exactly) until cells exist.
    int rounds = 0;
    do {
      runTogether(threads, id -> {
        for (int i = 0; i < perThread; i++) {
          c.inc(i % 2 == 0 ? 1 : 3);
        }
      });
      rounds++;
      assertThat(c.get()).as("after round %d", rounds)
          .isEqualTo(rounds * threads * (perThread / 2 * 1.0 + perThread / 2 * 3.0));
    } while (c.noLabelsChild().cellTableLength() == 0 && rounds < 50);
    done.set(true);
    reader.join();
    assertThat(wentBack.get()).as("a read saw the total go back").isNull();
    assertThat(c.noLabelsChild().cellTableLength())
        .as("cells were created (in %d rounds), within the CPU bound", rounds)
        .isBetween(2, dev.hearth.internal.Cell.MAX_CELLS);
  }
}
