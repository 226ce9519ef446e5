package dev.hearth.multiprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.CardinalityLimitExceededException;
import dev.hearth.CardinalityPolicy;
import dev.hearth.Collector;
import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.Gauge;
import dev.hearth.Histogram;
import dev.hearth.MultiprocessMode;
import dev.hearth.Summary;
import dev.hearth.exposition.Exposition;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.Sample;
import dev.hearth.spi.ValueStorages;
import dev.hearth.testing.Peers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Multi-process mode crossed with the other features, for each cardinality policy: metrics built
 * with no storage after {@link MultiProcess#enable(Path)} (plus a second "process", a storage
 * with another id, in the same directory), a gauge of every {@link MultiprocessMode}, a
 * collector that throws, the registries' self-metrics, and the rejected operations (remove,
 * clear, expireAfter, setFunction). The scrape registry (a {@link MultiProcessCollector} and the
 * failing collector) must pass {@code promtool check metrics} and expose exactly the expected
 * samples; the application registry's self-metrics stay on the heap.
 */
class MultiProcessCombinationsTest {

  @AfterEach
  void uninstall() {
    ValueStorages.uninstall();
  }

  @ParameterizedTest
  @EnumSource(CardinalityPolicy.class)
  void everyFeatureTogether(CardinalityPolicy policy, @TempDir Path dir) throws Exception {
    try (MmapValueStorage mine = MultiProcess.enable(dir);
        MmapValueStorage other = MmapValueStorage.builder(dir).processId("other").build()) {
      String me = mine.processId();
      CollectorRegistry app = new CollectorRegistry(); // built after enable: self-metrics on heap
      Collector failing = new Collector() {
        @Override
        public List<MetricSnapshot<?>> collect() {
          throw new IllegalStateException("broken on purpose");
        }

        @Override
        public String collectorName() {
          return "failing";
        }
      };
      app.register(failing);

      Counter req = Counter.builder("req_total").help("Requests.").labelNames("user")
          .maxSeries(2).cardinalityPolicy(policy).register(app);
      req.labels("a").inc(1);
      req.labels("b").inc(2);
      for (String user : List.of("c", "d")) {
        if (policy == CardinalityPolicy.FAIL) {
          assertThatThrownBy(() -> req.labels(user))
              .isInstanceOf(CardinalityLimitExceededException.class);
        } else {
          req.labels(user).inc(user.equals("c") ? 4 : 8);
        }
      }
      Counter.builder("req_total").help("Requests.").labelNames("user").storage(other).build()
          .labels("a").inc(16);

      Histogram lat = Histogram.builder("lat_seconds").help("Latency.").buckets(1).register(app);
      lat.observe(0.5);
      Histogram.builder("lat_seconds").help("Latency.").buckets(1).storage(other).build()
          .observe(2);
      Summary size = Summary.builder("size_bytes").help("Sizes.").register(app);
      size.observe(10);

      for (MultiprocessMode mode : MultiprocessMode.values()) {
        Gauge.builder("g_" + mode.pythonName() + "_mode").help("Mode " + mode.pythonName() + ".")
            .multiprocessMode(mode).register(app).set(3);
      }
      Thread.sleep(5); // "other" sets later, so mostrecent modes pick its value
      for (MultiprocessMode mode : MultiprocessMode.values()) {
        Gauge.builder("g_" + mode.pythonName() + "_mode").help("Mode " + mode.pythonName() + ".")
            .multiprocessMode(mode).storage(other).build().set(5);
      }

      // what the files cannot do is refused, naming the metric and the storage; nothing changes
      assertThatThrownBy(() -> req.remove("a")).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Counter 'req'").hasMessageContaining("remove({user=\"a\"})")
          .hasMessageContaining(dir.toString());
      assertThatThrownBy(req::clear).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Counter 'req': clear() is not supported");
      assertThatThrownBy(() -> Gauge.builder("fn").help("Function.").build().setFunction(() -> 1))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("setFunction()");
      assertThatThrownBy(() -> Counter.builder("idle_total").help("h").labelNames("k")
          .expireAfter(Duration.ofMinutes(1)).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Counter 'idle': expireAfter(PT1M) is not supported");
      assertThat(req.labels("a").get()).isEqualTo(1.0);

      CollectorRegistry scrape = new CollectorRegistry();
      scrape.register(new MultiProcessCollector(dir));
      scrape.register(failing);

      Map<String, Double> expected = new TreeMap<>();
      expected.put("req_total{user=a}", 17.0);
      expected.put("req_total{user=b}", 2.0);
      if (policy == CardinalityPolicy.OVERFLOW) {
        expected.put("req_total{user=__overflow__}", 12.0); // one entry, both lookups
      }
      expected.put("lat_seconds_bucket{le=1.0}", 1.0);
      expected.put("lat_seconds_bucket{le=+Inf}", 2.0);
      expected.put("lat_seconds_count{}", 2.0);
      expected.put("lat_seconds_sum{}", 2.5);
      expected.put("size_bytes_count{}", 1.0);
      expected.put("size_bytes_sum{}", 10.0);
      for (String mode : List.of("all", "liveall")) {
        expected.put("g_" + mode + "_mode{pid=" + me + "}", 3.0);
        expected.put("g_" + mode + "_mode{pid=other}", 5.0);
      }
      for (String mode : List.of("min", "livemin")) {
        expected.put("g_" + mode + "_mode{}", 3.0);
      }
      for (String mode : List.of("max", "livemax", "mostrecent", "livemostrecent")) {
        expected.put("g_" + mode + "_mode{}", 5.0);
      }
      for (String mode : List.of("sum", "livesum")) {
        expected.put("g_" + mode + "_mode{}", 8.0);
      }
      expected.put("fn{pid=" + me + "}", 0.0); // its setFunction was refused
      expected.put("hearth_collector_errors_total{collector=failing}", 1.0);
      assertThat(samples(scrape.collect())).isEqualTo(expected);

      // the application registry's self-metrics: heap values of this process only
      Map<String, Double> self = new TreeMap<>(samples(app.collect()));
      self.keySet().removeIf(k -> !k.startsWith("hearth_"));
      Map<String, Double> expectedSelf = new TreeMap<>();
      expectedSelf.put("hearth_collector_errors_total{collector=failing}", 1.0);
      expectedSelf.put("hearth_metric_series{metric=req}",
          policy == CardinalityPolicy.OVERFLOW ? 3.0 : 2.0);
      if (policy != CardinalityPolicy.FAIL) {
        expectedSelf.put("hearth_cardinality_overflow_total{metric=req}", 2.0);
      }
      assertThat(self).isEqualTo(expectedSelf);
      // ... and nothing of Hearth's own reached the files
      assertThat(new MultiProcessCollector(dir).collect())
          .noneMatch(f -> f.name().startsWith("hearth_"));

      if (Peers.hasPromtool() || Peers.peersRequired()) {
        Peers.requirePromtool();
        String text = Exposition.generateLatest(scrape);
        Peers.Result lint = Peers.run(List.of("promtool", "check", "metrics"),
            text.getBytes(StandardCharsets.UTF_8), null, 60);
        assertThat(lint.exitCode).as("%s\n%s", lint, text).isZero();
        assertThat(lint.stdout + lint.stderr).as(text).isEmpty();
      }
    }
  }

  /**
   * Every sample but {@code _created} ones (times) as {@code name{label=value,...}} (labels
   * sorted, unquoted) to its value.
   */
  static Map<String, Double> samples(List<MetricSnapshot<?>> families) {
    Map<String, Double> out = new TreeMap<>();
    for (MetricSnapshot<?> f : families) {
      for (Sample s : f.samples()) {
        if (s.name().endsWith("_created")) {
          continue;
        }
        StringBuilder key = new StringBuilder(s.name()).append('{');
        new TreeMap<>(s.labels().toMap()).forEach((k, v) -> key
            .append(key.charAt(key.length() - 1) == '{' ? "" : ",").append(k).append('=').append(v));
        Double previous = out.put(key.append('}').toString(), s.value());
        assertThat(previous).as("sample %s exposed twice", key).isNull();
      }
    }
    return out;
  }
}
