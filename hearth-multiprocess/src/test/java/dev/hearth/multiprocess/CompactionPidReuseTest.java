package dev.hearth.multiprocess;

import static dev.hearth.multiprocess.CompactionSupport.deadWriter;
import static dev.hearth.multiprocess.CompactionSupport.expected;
import static dev.hearth.multiprocess.CompactionSupport.totals;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new writer reusing the id of a dead process that a compaction is folding waits for the
 * compaction, then starts fresh files: old and new values are each counted exactly once.
 */
class CompactionPidReuseTest {

  /** A compaction paused right after proving {@code id} dead; {@link #resume()} lets it go on. */
  private static final class Paused implements AutoCloseable {
    final CountDownLatch paused = new CountDownLatch(1);
    final CountDownLatch resume = new CountDownLatch(1);
    final CompletableFuture<CompactionResult> result;

    Paused(Path dir, String id) throws InterruptedException {
      Compactor.Hook hook = (phase, detail) -> {
        if (phase == Compactor.Phase.DEATH_PROVEN && detail.equals(id)) {
          paused.countDown();
          try {
            resume.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        }
      };
      result = CompletableFuture.supplyAsync(
          () -> MultiProcess.compact(dir, hook, Integer.MAX_VALUE));
      assertThat(paused.await(30, TimeUnit.SECONDS)).as("compaction paused").isTrue();
    }

    CompactionResult resume() throws Exception {
      resume.countDown();
      return result.get(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      resume.countDown();
    }
  }

  @Test
  void aWriterOfThisJvmReusingTheIdWaitsAndStartsAFreshFile(@TempDir Path dir) throws Exception {
    deadWriter(dir, "reused", FormatVersion.V2, 5);
    AtomicReference<MmapValueStorage> storage = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch recorded = new CountDownLatch(1);
    try (Paused compaction = new Paused(dir, "reused")) {
      Thread writer = new Thread(() -> {
        try {
          MmapValueStorage s = MmapValueStorage.builder(dir).processId("reused").build();
          storage.set(s);
          LiveInteropTest.record(s, 7);
          recorded.countDown();
        } catch (Throwable t) {
          failure.set(t);
        }
      });
      writer.start();
      assertThat(recorded.await(500, TimeUnit.MILLISECONDS)).as("recorded during the pause")
          .isFalse();
      assertThat(writer.getState()).isIn(Thread.State.WAITING, Thread.State.TIMED_WAITING);

      CompactionResult r = compaction.resume();

      assertThat(r.foldedProcesses()).containsExactly("reused");
      assertThat(recorded.await(30, TimeUnit.SECONDS)).isTrue();
      writer.join();
      assertThat(failure.get()).isNull();
    }
    MmapValueStorage s = storage.get();
    try {
      assertThat(totals(dir)).isEqualTo(expected(12));
      // the new writer's file holds only its own values: a fresh file
      assertThat(CompactionSupport.value(dir.resolve("counter_reused.db"), "\"/a\"")).isEqualTo(7.0);
      assertThat(CompactionSupport.value(dir.resolve("counter_hearth-compacted.db"), "\"/a\""))
          .isEqualTo(5.0);
      LiveInteropTest.record(s, 3); // and keeps recording there
      assertThat(totals(dir)).isEqualTo(expected(15));
      assertThat(MultiProcess.compact(dir).foldedProcesses()).isEmpty(); // it lives
    } finally {
      s.close();
    }
    assertThat(MultiProcess.compact(dir).foldedProcesses()).containsExactly("reused");
    assertThat(totals(dir)).isEqualTo(expected(15));
    assertThat(CompactionSupport.value(dir.resolve("counter_hearth-compacted.db"), "\"/a\""))
        .isEqualTo(15.0);
  }

  @Test
  void aForkedWriterReusingTheIdWaitsAndStartsAFreshFile(@TempDir Path dir) throws Exception {
    deadWriter(dir, "again", FormatVersion.V2, 5);
    Process child;
    AtomicReference<String> said = new AtomicReference<>();
    try (Paused compaction = new Paused(dir, "again")) {
      child = LiveInteropTest.forkJvm(dir, "again", "v2", 7, false);
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
          said.set(r.readLine());
        } catch (Exception e) {
          said.set(e.toString());
        }
      });
      reader.setDaemon(true);
      reader.start();
      Thread.sleep(2000); // a JVM starts and records in well under that when nothing blocks it
      assertThat(said.get()).as("the forked writer waits").isNull();
      assertThat(child.isAlive()).isTrue();

      assertThat(compaction.resume().foldedProcesses()).containsExactly("again");

      child.getOutputStream().close();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      reader.join(10_000);
      assertThat(said.get()).isEqualTo("done");
      assertThat(child.exitValue()).as(new String(child.getErrorStream().readAllBytes(),
          StandardCharsets.UTF_8)).isZero();
    }
    assertThat(totals(dir)).isEqualTo(expected(12));
    assertThat(CompactionSupport.value(dir.resolve("counter_again.db"), "\"/a\"")).isEqualTo(7.0);
    assertThat(MultiProcess.compact(dir).foldedProcesses()).containsExactly("again");
    assertThat(totals(dir)).isEqualTo(expected(12));
  }

  @Test
  void aWriterWithTheIdOfALiveWriterStillFailsAtOnce(@TempDir Path dir) throws Exception {
    try (MmapValueStorage a = MmapValueStorage.builder(dir).processId("dup").build();
        MmapValueStorage b = MmapValueStorage.builder(dir).processId("dup").build()) {
      LiveInteropTest.record(a, 1);
      long t0 = System.nanoTime();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> LiveInteropTest.record(b, 1))
          .hasMessageContaining("already being written").hasMessageContaining("dup");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5000);
    }
  }
}
