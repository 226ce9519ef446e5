package dev.hearth.multiprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.Gauge;
import dev.hearth.Histogram;
import dev.hearth.MultiprocessMode;
import dev.hearth.Summary;
import dev.hearth.exposition.Exposition;
import dev.hearth.spi.ValueStorages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Hearth metrics on the mapped storage, merged by the collector. */
class MmapValueStorageTest {
  @AfterEach
  void uninstall() {
    ValueStorages.uninstall();
  }

  /** Records the same things as a process with id {@code id} would. */
  static void record(MmapValueStorage s, double gaugeValue) {
    Counter c = Counter.builder("app_requests_total").help("Requests.").labelNames("path")
        .storage(s).build();
    c.labels("/a\"b").inc(3);
    c.labels("/c").inc();
    Gauge all = Gauge.builder("app_temp").help("Temp.").storage(s).build();
    all.set(gaugeValue);
    Gauge live = Gauge.builder("app_inflight").help("In flight.")
        .multiprocessMode(MultiprocessMode.LIVESUM).storage(s).build();
    live.inc(2);
    Gauge max = Gauge.builder("app_max").help("Max.")
        .multiprocessMode(MultiprocessMode.MAX).storage(s).build();
    max.set(gaugeValue);
    Histogram h = Histogram.builder("app_latency_seconds").help("Latency.").buckets(0.5, 1)
        .storage(s).build();
    h.observe(0.25);
    h.observe(0.75);
    h.observe(5);
    Summary sum = Summary.builder("app_size_bytes").help("Sizes.").storage(s).build();
    sum.observe(10);
  }

  @ParameterizedTest
  @EnumSource(FormatVersion.class)
  void twoProcessesMerge(FormatVersion format, @TempDir Path dir) throws Exception {
    try (MmapValueStorage p1 = MmapValueStorage.builder(dir).processId("11").format(format).build();
        MmapValueStorage p2 = MmapValueStorage.builder(dir).processId(12).format(format).build()) {
      record(p1, 1.5);
      record(p2, 4);
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString())
            .filter(n -> !n.startsWith(".")) // lock files (.hearth_<id>.lock)
            .collect(Collectors.toList()))
            .containsExactlyInAnyOrder("counter_11.db", "counter_12.db", "gauge_all_11.db",
                "gauge_all_12.db", "gauge_livesum_11.db", "gauge_livesum_12.db", "gauge_max_11.db",
                "gauge_max_12.db", "histogram_11.db", "histogram_12.db", "summary_11.db",
                "summary_12.db");
      }
      CollectorRegistry registry = new CollectorRegistry();
      registry.register(new MultiProcessCollector(dir));
      assertThat(registry.getSampleValue("app_requests_total", Map.of("path", "/a\"b"))).isEqualTo(6.0);
      assertThat(registry.getSampleValue("app_requests_total", Map.of("path", "/c"))).isEqualTo(2.0);
      assertThat(registry.getSampleValue("app_temp", Map.of("pid", "11"))).isEqualTo(1.5);
      assertThat(registry.getSampleValue("app_temp", Map.of("pid", "12"))).isEqualTo(4.0);
      assertThat(registry.getSampleValue("app_inflight")).isEqualTo(4.0);
      assertThat(registry.getSampleValue("app_max")).isEqualTo(4.0);
      assertThat(registry.getSampleValue("app_latency_seconds_bucket", Map.of("le", "0.5"))).isEqualTo(2.0);
      assertThat(registry.getSampleValue("app_latency_seconds_bucket", Map.of("le", "1.0"))).isEqualTo(4.0);
      assertThat(registry.getSampleValue("app_latency_seconds_bucket", Map.of("le", "+Inf"))).isEqualTo(6.0);
      assertThat(registry.getSampleValue("app_latency_seconds_count")).isEqualTo(6.0);
      assertThat(registry.getSampleValue("app_latency_seconds_sum")).isEqualTo(12.0);
      assertThat(registry.getSampleValue("app_size_bytes_count")).isEqualTo(2.0);
      assertThat(registry.getSampleValue("app_size_bytes_sum")).isEqualTo(20.0);
      assertThat(Exposition.generateLatest(registry))
          .contains("app_requests_total{path=\"/a\\\"b\"} 6.0\n")
          .contains("app_temp{pid=\"12\"} 4.0\n");

      assertThat(MultiProcess.markProcessDead(dir, "12"))
          .containsExactly(dir.resolve("gauge_livesum_12.db"));
      assertThat(registry.getSampleValue("app_inflight")).isEqualTo(2.0);
      assertThat(registry.getSampleValue("app_temp", Map.of("pid", "12"))).isEqualTo(4.0);
    }
  }

  @Test
  void mostRecentGaugeUsesTimestamps(@TempDir Path dir) throws Exception {
    try (MmapValueStorage p1 = MmapValueStorage.builder(dir).processId("1").build();
        MmapValueStorage p2 = MmapValueStorage.builder(dir).processId("2").build()) {
      Gauge g1 = Gauge.builder("g").help("h").multiprocessMode(MultiprocessMode.MOSTRECENT)
          .storage(p1).build();
      Gauge g2 = Gauge.builder("g").help("h").multiprocessMode(MultiprocessMode.MOSTRECENT)
          .storage(p2).build();
      MultiProcessCollector collector = new MultiProcessCollector(dir);
      CollectorRegistry registry = new CollectorRegistry();
      registry.register(collector);
      assertThat(registry.getSampleValue("g")).isNull(); // never set: no sample, as Python
      g2.set(7);
      Thread.sleep(5);
      g1.set(3);
      assertThat(registry.getSampleValue("g")).isEqualTo(3.0);
      Thread.sleep(5);
      g2.set(9);
      assertThat(registry.getSampleValue("g")).isEqualTo(9.0);
    }
  }

  @Test
  void errorsNameTheMetric(@TempDir Path dir) throws Exception {
    try (MmapValueStorage v1 = MmapValueStorage.builder(dir).format(FormatVersion.V1).build()) {
      assertThatThrownBy(() -> Gauge.builder("recent").help("h")
          .multiprocessMode(MultiprocessMode.LIVEMOSTRECENT).storage(v1).build())
          .hasMessageContaining("'recent'").hasMessageContaining("needs file format v2");
    }
    assertThatThrownBy(() -> MmapValueStorage.builder(dir).processId("a_b"))
        .hasMessageContaining("a_b");
  }

  @Test
  void enableChecksTheDirectoryAndReadsTheEnvironment(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> MultiProcess.enable(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
    Path file = Files.createFile(dir.resolve("file"));
    assertThatThrownBy(() -> MultiProcess.enable(file)).hasMessageContaining("is not a directory");
    assertThatThrownBy(() -> MultiProcess.directoryFromEnvironment(Map.of()))
        .hasMessageContaining("PROMETHEUS_MULTIPROC_DIR");
    assertThat(MultiProcess.directoryFromEnvironment(Map.of("prometheus_multiproc_dir", "/x")))
        .isEqualTo(Path.of("/x"));
    assertThatThrownBy(() -> MultiProcess.enable(dir, Map.of("HEARTH_MULTIPROC_FORMAT", "v3")))
        .hasMessageContaining("HEARTH_MULTIPROC_FORMAT").hasMessageContaining("v3");

    try (MmapValueStorage s = MultiProcess.enable(dir,
        Map.of("HEARTH_MULTIPROC_FORMAT", "V1", "HEARTH_MULTIPROC_PROCESS_ID", "7"))) {
      assertThat(ValueStorages.current()).isSameAs(s);
      assertThat(s.format()).isEqualTo(FormatVersion.V1);
      assertThat(s.processId()).isEqualTo("7");
      Counter.builder("c").help("h").build().inc();
      assertThat(Files.exists(dir.resolve("counter_7.db"))).isTrue();
      // enabling again (e.g. after the environment did) keeps the storage that holds the locks
      assertThat(MultiProcess.enable(dir.resolve("."),
          Map.of("HEARTH_MULTIPROC_FORMAT", "v1", "HEARTH_MULTIPROC_PROCESS_ID", "7"))).isSameAs(s);
      try (MmapValueStorage other = MultiProcess.enable(dir,
          Map.of("HEARTH_MULTIPROC_FORMAT", "v1", "HEARTH_MULTIPROC_PROCESS_ID", "8"))) {
        assertThat(other).isNotSameAs(s);
        assertThat(ValueStorages.current()).isSameAs(other);
      }
    }
    try (MmapValueStorage s = MultiProcess.enable(dir, Map.of())) {
      assertThat(s.format()).isEqualTo(FormatVersion.V2);
      assertThat(s.processId()).isEqualTo(String.valueOf(ProcessHandle.current().pid()));
    }
  }

  @Test
  void repeatedScrapesReuseParsedKeys(@TempDir Path dir) throws Exception {
    MultiProcessCollector collector = new MultiProcessCollector(dir);
    CollectorRegistry registry = new CollectorRegistry();
    registry.register(collector);
    try (MmapValueStorage s = MmapValueStorage.builder(dir).processId("5").build()) {
      Counter c = Counter.builder("reqs").help("h").labelNames("k").storage(s).build();
      c.labels("a").inc();
      assertThat(registry.getSampleValue("reqs_total", Map.of("k", "a"))).isEqualTo(1.0);
      c.labels("a").inc(2);
      c.labels("b").inc(5); // a new entry appended
      assertThat(registry.getSampleValue("reqs_total", Map.of("k", "a"))).isEqualTo(3.0);
      assertThat(registry.getSampleValue("reqs_total", Map.of("k", "b"))).isEqualTo(5.0);
      assertThat(collector.cacheOf("counter_5.db").fullParses()).isEqualTo(1);
    }
    Object firstState = collector.cacheOf("counter_5.db");
    // the file is replaced by a different one: parsed again from scratch
    Files.delete(dir.resolve("counter_5.db"));
    try (MmapValueStorage s = MmapValueStorage.builder(dir).processId("5").build()) {
      Counter.builder("other").help("h").storage(s).build().inc(4);
      Counter.builder("reqs").help("h").labelNames("k").storage(s).build().labels("z").inc(1);
    }
    List<String> lines = List.of(Exposition.generateLatest(registry).split("\n"));
    assertThat(lines).contains("other_total 4.0", "reqs_total{k=\"z\"} 1.0")
        .noneMatch(l -> l.contains("k=\"a\""));
    // another inode: a new read state, parsed from its first entry
    assertThat(collector.cacheOf("counter_5.db")).isNotSameAs(firstState);
    assertThat(collector.cacheOf("counter_5.db").fullParses()).isEqualTo(1);
  }

  @Test
  void filesOfProcessesShareParsedKeys(@TempDir Path dir) throws Exception {
    for (String id : List.of("1", "2", "3")) {
      try (MmapValueStorage s = MmapValueStorage.builder(dir).processId(id).build()) {
        Counter c = Counter.builder("reqs").help("h").labelNames("k").storage(s).build();
        c.labels("a").inc();
        c.labels("b").inc(2);
        Histogram.builder("lat").help("h").buckets(1.0).storage(s).build().observe(0.5);
      }
    }
    MultiProcessCollector collector = new MultiProcessCollector(dir);
    CollectorRegistry registry = new CollectorRegistry();
    registry.register(collector);
    for (int scrape = 0; scrape < 2; scrape++) {
      assertThat(registry.getSampleValue("reqs_total", Map.of("k", "a"))).isEqualTo(3.0);
      assertThat(registry.getSampleValue("reqs_total", Map.of("k", "b"))).isEqualTo(6.0);
      assertThat(registry.getSampleValue("lat_bucket", Map.of("le", "1.0"))).isEqualTo(3.0);
      assertThat(registry.getSampleValue("lat_count")).isEqualTo(3.0);
      assertThat(registry.getSampleValue("lat_sum")).isEqualTo(1.5);
    }
    // 2 counter keys; bucket 1.0, bucket +Inf and sum: each parsed once for the 3 processes
    assertThat(collector.sharedKeys()).isEqualTo(5);
    Files.delete(dir.resolve("counter_2.db"));
    assertThat(registry.getSampleValue("reqs_total", Map.of("k", "a"))).isEqualTo(2.0);
    assertThat(collector.sharedKeys()).isEqualTo(5); // files 1 and 3 still hold every key
    Files.delete(dir.resolve("counter_1.db"));
    Files.delete(dir.resolve("counter_3.db"));
    assertThat(registry.getSampleValue("reqs_total", Map.of("k", "a"))).isNull();
    assertThat(collector.sharedKeys()).isEqualTo(3); // the counter keys went with their files
    try (MmapValueStorage s = MmapValueStorage.builder(dir).processId("4").build()) {
      Counter.builder("reqs").help("h").labelNames("k").storage(s).build().labels("c").inc(7);
    }
    assertThat(registry.getSampleValue("reqs_total", Map.of("k", "c"))).isEqualTo(7.0);
    assertThat(registry.getSampleValue("reqs_total", Map.of("k", "b"))).isNull();
  }

  static CollectorRegistry registryOf(Path dir) {
    CollectorRegistry r = new CollectorRegistry();
    r.register(new MultiProcessCollector(dir));
    return r;
  }
}
