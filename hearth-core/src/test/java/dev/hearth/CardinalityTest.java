package dev.hearth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.testing.RandomCases;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CardinalityTest {
  private static final String OVER = CardinalityPolicy.OVERFLOW_VALUE;

  @Test
  void overflowKeepsTotalsRight() {
    CollectorRegistry registry = new CollectorRegistry();
    Counter c = Counter.builder("requests").help("h").labelNames("user", "path").maxSeries(3)
        .register(registry);
    for (int i = 0; i < 10; i++) {
      c.labels("u" + i, "/p").inc();
    }
    assertThat(c.childCount()).isEqualTo(4);
    assertThat(registry.getSampleValue("requests_total", Map.of("user", OVER, "path", OVER))).isEqualTo(7.0);
    assertThat(registry.getSampleValue("requests_total", Map.of("user", "u0", "path", "/p"))).isEqualTo(1.0);
    assertThat(registry.getSampleValue("hearth_metric_series", Map.of("metric", "requests"))).isEqualTo(4.0);
    assertThat(registry.getSampleValue("hearth_cardinality_overflow_total", Map.of("metric", "requests")))
        .isEqualTo(7.0);
    c.labels("u1", "/p").inc(); // existing series still work
    assertThat(registry.getSampleValue("requests_total", Map.of("user", "u1", "path", "/p"))).isEqualTo(2.0);
  }

  /**
   * Issue 11 item 4: with maxSeries(1), labels("__overflow__") then labels("other") wrote
   * ovf_total{t="__overflow__"} twice. The reserved value is refused when a series would be created.
   */
  @Test
  void realValueEqualToTheOverflowMarkerIsRejected() {
    CollectorRegistry registry = new CollectorRegistry();
    Counter c = Counter.builder("ovf").help("h").labelNames("t", "u").maxSeries(1).register(registry);
    assertThatThrownBy(() -> c.labels(OVER, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ovf'").hasMessageContaining("'t'").hasMessageContaining(OVER);
    assertThatThrownBy(() -> c.labels(Map.of("t", "x", "u", OVER)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'u'");
    assertThat(c.childCount()).isZero(); // nothing was created, the limit is untouched
    c.labels("a", "b").inc();
    c.labels("other", "b").inc(2);
    assertThatThrownBy(() -> c.labels(OVER, OVER)).isInstanceOf(IllegalArgumentException.class);
    String text = dev.hearth.exposition.Exposition.generateLatest(registry);
    assertThat(text.lines().filter(l -> l.startsWith("ovf_total{"))).containsExactly(
        "ovf_total{t=\"a\",u=\"b\"} 1.0",
        "ovf_total{t=\"__overflow__\",u=\"__overflow__\"} 2.0");
  }

  @Test
  void dropRecordsNothing() {
    CollectorRegistry registry = new CollectorRegistry();
    Histogram h = Histogram.builder("lat").help("h").labelNames("k").maxSeries(2)
        .cardinalityPolicy(CardinalityPolicy.DROP).register(registry);
    h.labels("a").observe(1);
    h.labels("b").observe(1);
    h.labels("c").observe(1);
    h.labels("d").observe(1);
    assertThat(h.childCount()).isEqualTo(2);
    assertThat(h.snapshot().dataPoints()).extracting(dp -> dp.labels().get("k")).containsExactlyInAnyOrder("a", "b");
    assertThat(h.overflowCount()).isEqualTo(2);
  }

  @Test
  void failThrowsADedicatedExceptionAndExistingSeriesWork() {
    Gauge g = Gauge.builder("temp").help("h").labelNames("room").maxSeries(1)
        .cardinalityPolicy(CardinalityPolicy.FAIL).build();
    Gauge.Child kitchen = g.labels("kitchen");
    assertThatThrownBy(() -> g.labels("attic"))
        .isInstanceOf(CardinalityLimitExceededException.class)
        .hasMessageContaining("'temp'").hasMessageContaining("limit of 1").hasMessageContaining("room=\"attic\"")
        .satisfies(e -> {
          assertThat(((CardinalityLimitExceededException) e).limit()).isEqualTo(1);
          assertThat(((CardinalityLimitExceededException) e).metric()).isEqualTo("temp");
        });
    kitchen.set(21);
    assertThat(g.labels("kitchen").get()).isEqualTo(21.0);
  }

  @Test
  void removeAndClearFreeRoom() {
    Counter c = Counter.builder("c").labelNames("k").maxSeries(2).cardinalityPolicy(CardinalityPolicy.FAIL).build();
    c.labels("a");
    c.labels("b");
    c.remove("a");
    c.labels("c").inc();
    c.clear();
    c.labels("x");
    c.labels("y");
    assertThat(c.childCount()).isEqualTo(2);
  }

  @Test
  void registryDefaultsApplyToMetricsWithoutTheirOwn() {
    CollectorRegistry registry = CollectorRegistry.builder().defaultMaxSeries(5)
        .defaultCardinalityPolicy(CardinalityPolicy.DROP).build();
    Counter own = Counter.builder("own").labelNames("k").maxSeries(50).register(registry);
    Counter dflt = Counter.builder("dflt").labelNames("k").register(registry);
    assertThat(own.maxSeries()).isEqualTo(50);
    assertThat(own.cardinalityPolicy()).isEqualTo(CardinalityPolicy.DROP);
    assertThat(dflt.maxSeries()).isEqualTo(5);
    assertThat(Counter.builder("x").labelNames("k").build().maxSeries()).isEqualTo(10_000);
    assertThat(Counter.builder("y").labelNames("k").unlimitedSeries().build().maxSeries())
        .isEqualTo(Integer.MAX_VALUE);
    CollectorRegistry unlimited = CollectorRegistry.builder().unlimitedSeriesByDefault().build();
    assertThat(Counter.builder("u").labelNames("k").register(unlimited).maxSeries())
        .isEqualTo(Integer.MAX_VALUE);
    assertThatThrownBy(() -> Counter.builder("z").maxSeries(0)).hasMessageContaining("maxSeries");
  }

  @Test
  void idleSeriesExpireAtScrapeAndFreeRoom() throws Exception {
    Counter c = Counter.builder("per_customer").labelNames("customer").maxSeries(2)
        .cardinalityPolicy(CardinalityPolicy.FAIL).expireAfter(java.time.Duration.ofMillis(200)).build();
    Histogram h = Histogram.builder("h").labelNames("k").expireAfter(java.time.Duration.ofMillis(200)).build();
    c.labels("a").inc();
    c.labels("b").inc();
    h.labels("x").observe(1);
    h.labels("y").observe(1);
    Thread.sleep(300);
    c.labels("a").inc();
    h.labels("x").observe(2);
    assertThat(c.snapshot().dataPoints()).extracting(dp -> dp.labels().get("customer")).containsExactly("a");
    assertThat(h.snapshot().dataPoints()).extracting(dp -> dp.labels().get("k")).containsExactly("x");
    c.labels("c").inc(); // room freed by the expired series
    assertThat(c.childCount()).isEqualTo(2);
    Counter never = Counter.builder("never").labelNames("k").build();
    never.labels("old").inc();
    Thread.sleep(10);
    assertThat(never.snapshot().dataPoints()).hasSize(1);
    assertThatThrownBy(() -> Counter.builder("x").expireAfter(java.time.Duration.ZERO))
        .hasMessageContaining("expireAfter");
  }

  /**
   * Random label sets thrown past the limit by concurrent writers, under every policy: totals,
   * series counts and self-metrics are exact.
   */
  @Test
  void randomLabelSetsPastTheLimitWithConcurrentWriters() {
    RandomCases.check(30, r -> {
      CardinalityPolicy policy = CardinalityPolicy.values()[r.nextInt(3)];
      int limit = 1 + r.nextInt(20);
      int distinct = 1 + r.nextInt(60);
      int threads = 1 + r.nextInt(4);
      int perThread = 1 + r.nextInt(2000);
      CollectorRegistry registry = new CollectorRegistry();
      Counter c = Counter.builder("events").labelNames("tenant", "kind").maxSeries(limit)
          .cardinalityPolicy(policy).register(registry);
      long seed = r.nextLong();
      AtomicLong rejected = new AtomicLong();
      Map<String, AtomicLong> attempts = new ConcurrentHashMap<>();
      runConcurrently(threads, t -> {
        java.util.Random tr = new java.util.Random(seed + t);
        for (int i = 0; i < perThread; i++) {
          String tenant = "t" + tr.nextInt(distinct);
          attempts.computeIfAbsent(tenant, k -> new AtomicLong()).incrementAndGet();
          try {
            c.labels(tenant, "x").inc();
          } catch (CardinalityLimitExceededException e) {
            rejected.incrementAndGet();
          }
        }
      });
      long total = (long) threads * perThread;
      int created = Math.min(limit, attempts.size());
      double recorded = 0;
      long overflowSeries = 0;
      Map<String, Double> values = new HashMap<>();
      for (var dp : c.snapshot().dataPoints()) {
        recorded += dp.value();
        values.put(dp.labels().get("tenant"), dp.value());
        if (OVER.equals(dp.labels().get("tenant"))) {
          overflowSeries++;
        }
      }
      long overLimitLookups = total - values.entrySet().stream()
          .filter(e -> !OVER.equals(e.getKey())).mapToLong(e -> e.getValue().longValue()).sum();
      boolean hit = attempts.size() > limit;
      assertThat(c.childCount()).isEqualTo(created + (policy == CardinalityPolicy.OVERFLOW && hit ? 1 : 0));
      assertThat(overflowSeries).isEqualTo(policy == CardinalityPolicy.OVERFLOW && hit ? 1 : 0);
      switch (policy) {
        case OVERFLOW:
          assertThat(recorded).isEqualTo((double) total);
          break;
        case DROP:
          assertThat(recorded).isEqualTo((double) (total - c.overflowCount()));
          break;
        default:
          assertThat(recorded).isEqualTo((double) (total - rejected.get()));
          assertThat(c.overflowCount()).isZero();
      }
      if (policy != CardinalityPolicy.FAIL) {
        assertThat(c.overflowCount()).isEqualTo(overLimitLookups);
        assertThat(registry.getSampleValue("hearth_cardinality_overflow_total", Map.of("metric", "events")))
            .isEqualTo(hit ? (double) overLimitLookups : null);
      } else {
        assertThat(rejected.get()).isEqualTo(overLimitLookups);
      }
      assertThat(registry.getSampleValue("hearth_metric_series", Map.of("metric", "events")))
          .isEqualTo((double) c.childCount());
    });
  }

  /** A million distinct label values against the default limit leave the heap bounded. */
  @Test
  void millionDistinctValuesStayBounded() {
    Counter c = Counter.builder("per_user").labelNames("user").build();
    long before = usedHeapAfterGc();
    for (int i = 0; i < 1_000_000; i++) {
      c.labels("user-" + i).inc();
    }
    long after = usedHeapAfterGc();
    assertThat(c.childCount()).isEqualTo(10_001);
    assertThat(c.overflowCount()).isEqualTo(990_000);
    // 10,001 series at ~100-200 B each is ~2 MB; allow generous headroom for GC noise
    assertThat(after - before).as("retained bytes").isLessThan(32L << 20);
    assertThat(c.labels("user-999999").get()).isEqualTo(990_000.0); // a new value past the limit: the overflow series
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static void runConcurrently(int threads, java.util.function.IntConsumer body) {
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> ts = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        try {
          start.await();
          body.accept(id);
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      th.start();
      ts.add(th);
    }
    start.countDown();
    for (Thread th : ts) {
      try {
        th.join();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    assertThat(failures).isEmpty();
  }
}
