package dev.hearth.exposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.Gauge;
import dev.hearth.testing.Peers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextFileTest {
  @TempDir
  Path dir;

  private static CollectorRegistry registry() {
    CollectorRegistry r = new CollectorRegistry();
    Counter.builder("backup_runs").help("Backup runs").labelNames("result").register(r)
        .labels("ok").inc(4);
    Gauge.builder("backup_last_success_timestamp_seconds").help("Last success").register(r)
        .set(1.7e9);
    return r;
  }

  private List<String> dirEntries() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void writesText004AndLeavesNoTemporaryFile() throws Exception {
    CollectorRegistry r = registry();
    Path file = dir.resolve("backup.prom");
    TextFile.write(r, file);
    assertThat(Files.readString(file)).isEqualTo(Exposition.generateLatest(r));
    assertThat(dirEntries()).containsExactly("backup.prom");
    // replaces an existing file
    Gauge.builder("backup_size_bytes").help("Size").register(r).set(42);
    TextFile.write(r, file);
    assertThat(Files.readString(file)).contains("backup_size_bytes 42.0")
        .isEqualTo(Exposition.generateLatest(r));
    assertThat(dirEntries()).containsExactly("backup.prom");
  }

  @Test
  void permissionsFollowTheUmaskLikeAnyNewFile() throws Exception {
    Path reference = Files.createFile(dir.resolve("reference"));
    Path file = dir.resolve("perm.prom");
    TextFile.write(registry(), file);
    Set<PosixFilePermission> expected = Files.getPosixFilePermissions(reference);
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(expected);
  }

  @Test
  void readersOnlyEverSeeCompleteFiles() throws Exception {
    CollectorRegistry r = new CollectorRegistry();
    Counter c = Counter.builder("ticks").help("Ticks").labelNames("n").register(r);
    Path file = dir.resolve("live.prom");
    TextFile.write(r, file);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger reads = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      while (!stop.get()) {
        try {
          String text = Files.readString(file);
          ExpositionParser.parse(text, ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
          if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new AssertionError("truncated file: " + text.length() + " chars");
          }
          reads.incrementAndGet();
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
          return;
        }
      }
    });
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
    int writes = 0;
    while (System.nanoTime() < deadline && failure.get() == null) {
      c.labels(Integer.toString(writes % 300)).inc();
      TextFile.write(r, file);
      writes++;
    }
    stop.set(true);
    reader.join(5000);
    assertThat(failure.get()).isNull();
    assertThat(writes).isPositive();
    assertThat(reads.get()).isPositive();
    assertThat(dirEntries()).containsExactly("live.prom");
  }

  @Test
  void failuresLeaveTheOldFileAndNoTemporaryFile() throws Exception {
    Path file = dir.resolve("keep.prom");
    TextFile.write(registry(), file);
    String before = Files.readString(file);
    CollectorRegistry failing = CollectorRegistry.builder().failOnCollectorError(true).build();
    failing.register(() -> {
      throw new IllegalStateException("collector broke");
    });
    assertThatThrownBy(() -> TextFile.write(failing, file)).hasMessage("collector broke");
    assertThat(Files.readString(file)).isEqualTo(before);
    assertThat(dirEntries()).containsExactly("keep.prom");

    assertThatThrownBy(() -> TextFile.write(registry(), dir.resolve("missing/x.prom")))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> TextFile.write(registry(), dir))
        .isInstanceOf(IOException.class).hasMessageContaining("is a directory");
    assertThat(dirEntries()).containsExactly("keep.prom");
  }

  @Test
  void promtoolAcceptsTheFile() throws Exception {
    Peers.requirePromtool();
    Path file = dir.resolve("lint.prom");
    TextFile.write(registry(), file);
    Peers.Result r = Peers.run(List.of("promtool", "check", "metrics"), Files.readAllBytes(file), dir, 60);
    assertThat(r.exitCode).as(r.toString()).isZero();
  }
}
