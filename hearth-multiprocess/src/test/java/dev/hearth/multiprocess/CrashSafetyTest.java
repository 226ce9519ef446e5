package dev.hearth.multiprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.CounterSnapshot;
import dev.hearth.model.HistogramSnapshot;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.Sample;
import dev.hearth.testing.Peers;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A forked JVM writing counters and histograms from several threads, creating series (so its
 * files grow) all the time, is killed with SIGKILL. The directory it leaves must read without
 * error in Hearth and in Python 0.16, both must agree on every sample, and the totals may lose
 * at most the operations in flight: never one the child reported complete.
 */
class CrashSafetyTest {
  static final int THREADS = 4;

  @Test
  void directoryOfAKilledWriterReadsCleanly(@TempDir Path dir) throws Exception {
    Peers.requirePython();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        CrashWriter.class.getName(), dir.toString(), String.valueOf(THREADS))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    AtomicLong lastReported = new AtomicLong(-1);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.startsWith("progress ")) {
            lastReported.set(Long.parseLong(line.substring("progress ".length())));
          }
        }
      } catch (Exception e) {
        // the pipe breaks when the child dies
      }
    });
    reader.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (lastReported.get() <= 0 && System.nanoTime() < deadline && child.isAlive()) {
        Thread.sleep(10);
      }
      assertThat(lastReported.get()).as("child made progress").isPositive();
      Thread.sleep(1000);
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as("killed by SIGKILL (128 + 9)").isEqualTo(137);
    reader.join(10_000);
    long reported = lastReported.get();

    MultiProcessCollector collector = new MultiProcessCollector(dir);
    List<MetricSnapshot<?>> families = collector.collect();
    assertThat(collector.readErrors()).isEmpty();
    assertThat(MultiProcessCollectorVectorTest.names(families))
        .containsExactlyInAnyOrder("crash_ops", "crash_latency_seconds");

    double counterTotal = 0;
    double histogramCount = 0;
    int counterSeries = 0;
    for (MetricSnapshot<?> f : families) {
      if (f instanceof CounterSnapshot) {
        for (Sample s : f.samples()) {
          counterTotal += s.value();
          counterSeries++;
        }
      } else {
        assertThat(f).isInstanceOf(HistogramSnapshot.class);
        for (Sample s : f.samples()) {
          if (s.name().endsWith("_count")) {
            histogramCount += s.value();
          }
        }
      }
    }
    // each operation is inc() then observe() then "completed": reported <= histogram <= counter
    assertThat(histogramCount).isGreaterThanOrEqualTo(reported);
    assertThat(counterTotal).isGreaterThanOrEqualTo(histogramCount)
        .isLessThanOrEqualTo(histogramCount + THREADS);
    assertThat(counterSeries).as("the files grew").isGreaterThan(THREADS);

    LiveInteropTest.assertSameAsPython(dir);
  }
}
