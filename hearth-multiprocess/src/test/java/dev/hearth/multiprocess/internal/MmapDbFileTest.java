package dev.hearth.multiprocess.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.multiprocess.FormatVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Atomic updates in the mapping, also while the file grows and is remapped. */
class MmapDbFileTest {
  private static final int THREADS = 4;
  private static final int INCREMENTS = 200_000;

  @ParameterizedTest
  @EnumSource(FormatVersion.class)
  void concurrentAddsLoseNothing(FormatVersion version, @TempDir Path dir) throws Exception {
    try (MmapDbFile f = MmapDbFile.open(dir.resolve("counter_1.db"), version)) {
      int v = f.valueOffset("[\"c\", \"c_total\", {}, \"h\"]");
      runThreads(t -> {
        for (int i = 0; i < INCREMENTS; i++) {
          f.add(v, 1.0);
        }
      });
      assertThat(f.get(v)).isEqualTo((double) THREADS * INCREMENTS);
    }
  }

  @ParameterizedTest
  @EnumSource(FormatVersion.class)
  void addsDuringGrowthLoseNothing(FormatVersion version, @TempDir Path dir) throws Exception {
    Path path = dir.resolve("counter_2.db");
    try (MmapDbFile f = MmapDbFile.open(path, version)) {
      int v = f.valueOffset("[\"c\", \"c_total\", {}, \"h\"]");
      runThreads(t -> {
        for (int i = 0; i < INCREMENTS / 10; i++) {
          f.add(v, 0.5);
          if (t == 0 && i % 20 == 0) { // new keys: the file doubles several times meanwhile
            f.add(f.valueOffset("[\"g\", \"g_total\", {\"i\": \"" + "x".repeat(200) + i
                + "\"}, \"h\"]"), 1);
          }
        }
      });
      assertThat(f.get(v)).isEqualTo(THREADS * INCREMENTS / 10 * 0.5);
      assertThat(Files.size(path)).isGreaterThan(65536);
    }
    try (MmapDbFile again = MmapDbFile.open(path, version)) { // values continue after reopening
      int v = again.valueOffset("[\"c\", \"c_total\", {}, \"h\"]");
      assertThat(again.get(v)).isEqualTo(THREADS * INCREMENTS / 10 * 0.5);
    }
  }

  interface Body {
    void run(int thread) throws Exception;
  }

  static void runThreads(Body body) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int id = t;
      Thread th = new Thread(() -> {
        try {
          start.await();
          body.run(id);
        } catch (Throwable e) {
          synchronized (errors) {
            errors.add(e);
          }
        }
      });
      th.start();
      threads.add(th);
    }
    start.countDown();
    for (Thread th : threads) {
      th.join();
    }
    assertThat(errors).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(FormatVersion.class)
  void aNewFileAppearsSizedWithItsHeaderAndNoTemporaryIsLeft(FormatVersion version, @TempDir Path dir)
      throws Exception {
    Path p = dir.resolve("counter_1.db");
    try (MmapDbFile f = MmapDbFile.open(p, version)) {
      assertThat(Files.size(p)).isEqualTo(DbLayout.INITIAL_SIZE);
      java.nio.ByteBuffer head = java.nio.ByteBuffer.wrap(Files.readAllBytes(p))
          .order(java.nio.ByteOrder.LITTLE_ENDIAN);
      assertThat(head.getInt(0)).isEqualTo(DbLayout.HEADER_SIZE);
      f.valueOffset("[\"a\", \"a_total\", {}, \"h\"]");
    }
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(x -> x.getFileName().toString())).containsExactly("counter_1.db");
    }
  }
}
