package dev.hearth.multiprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Liveness from file locks: a killed JVM's live* gauges drop out without markProcessDead. */
class LivenessTest {

  private static Process startHolding(Path dir, String id) throws Exception {
    Process p = LiveInteropTest.forkJvm(dir, id, "v2", 1, true);
    BufferedReader out = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (!"done".equals(line)) {
      p.destroyForcibly();
      throw new AssertionError("forked writer said " + line + ": "
          + new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
    return p;
  }

  private static CollectorRegistry registry(MultiProcessCollector c) {
    CollectorRegistry r = CollectorRegistry.builder().failOnCollectorError(true).build();
    r.register(c);
    return r;
  }

  @Test
  void killedJvmDropsOutOfLiveGauges(@TempDir Path dir) throws Exception {
    Process forked = startHolding(dir, "forked");
    try (MmapValueStorage mine = MmapValueStorage.builder(dir).processId("mine").build()) {
      LiveInteropTest.record(mine, 1);
      CollectorRegistry lockAware =
          registry(MultiProcessCollector.builder(dir).lockBasedLiveness(true).build());
      CollectorRegistry plain = registry(new MultiProcessCollector(dir));
      assertThat(lockAware.getSampleValue("interop_inflight")).isEqualTo(4.0);
      assertThat(plain.getSampleValue("interop_inflight")).isEqualTo(4.0);

      forked.destroyForcibly();
      assertThat(forked.waitFor(30, TimeUnit.SECONDS)).isTrue();

      assertThat(lockAware.getSampleValue("interop_inflight")).isEqualTo(2.0);
      assertThat(plain.getSampleValue("interop_inflight")).isEqualTo(4.0); // Python semantics
      // non-live modes keep the dead process, as in Python
      assertThat(lockAware.getSampleValue("interop_pid_value", Map.of("pid", "forked")))
          .isEqualTo(1.0);
      assertThat(lockAware.getSampleValue("interop_requests_total", Map.of("path", "/a")))
          .isEqualTo(2.0);
    } finally {
      forked.destroyForcibly();
    }
  }

  @Test
  void secondWriterWithTheSameIdFails(@TempDir Path dir) throws Exception {
    Process forked = startHolding(dir, "1");
    try (MmapValueStorage clash = MmapValueStorage.builder(dir).processId("1").build()) {
      assertThatThrownBy(() -> Counter.builder("interop_requests_total").help("Requests.")
          .labelNames("path").storage(clash).build().labels("/a").inc())
          .hasMessageContaining("counter_1.db")
          .hasMessageContaining("already being written");
    } finally {
      forked.destroyForcibly();
      forked.waitFor(30, TimeUnit.SECONDS);
    }
    try (MmapValueStorage a = MmapValueStorage.builder(dir).processId("2").build();
        MmapValueStorage b = MmapValueStorage.builder(dir).processId("2").build()) {
      Counter.builder("x").help("h").storage(a).build().inc();
      assertThatThrownBy(() -> Counter.builder("x").help("h").storage(b).build())
          .hasMessageContaining("counter_2.db").hasMessageContaining("already being written");
    }
  }
}
