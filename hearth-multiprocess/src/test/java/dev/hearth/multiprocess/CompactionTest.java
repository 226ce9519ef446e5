package dev.hearth.multiprocess;

import static dev.hearth.multiprocess.CompactionSupport.deadForkedWriter;
import static dev.hearth.multiprocess.CompactionSupport.deadWriter;
import static dev.hearth.multiprocess.CompactionSupport.expected;
import static dev.hearth.multiprocess.CompactionSupport.files;
import static dev.hearth.multiprocess.CompactionSupport.filesOf;
import static dev.hearth.multiprocess.CompactionSupport.totals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.multiprocess.internal.CompactionJournal;
import dev.hearth.multiprocess.internal.DbFileContents;
import dev.hearth.multiprocess.internal.MmapDbFile;
import dev.hearth.testing.Peers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction folds the files of dead Hearth writers without changing any total. */
class CompactionTest {
  static final int N = 50;

  private static String requestsKey(String labels) {
    return "[\"interop_requests\", \"interop_requests_total\", " + labels + ", \"Requests.\"]";
  }

  /**
   * Two dead writers (a closed storage, an exited JVM) and a live one: compaction folds the dead
   * ones; Hearth and Python (0.16, so v1) read the same totals as before. Then more writers die
   * and a second compaction adds them to the compacted files.
   */
  @Test
  void foldsDeadWritersKeepingTotalsForHearthAndPython(@TempDir Path dir) throws Exception {
    Peers.requirePython();
    deadWriter(dir, "closed", FormatVersion.V1, N);
    deadForkedWriter(dir, "exited", FormatVersion.V1, 2 * N);
    try (MmapValueStorage live = MmapValueStorage.builder(dir).processId("live")
        .format(FormatVersion.V1).build()) {
      LiveInteropTest.record(live, 3 * N);
      Map<String, Double> before = totals(dir);
      assertThat(before).isEqualTo(expected(6 * N));
      CollectorRegistry registry = new CollectorRegistry();
      registry.register(new MultiProcessCollector(dir));
      assertThat(registry.getSampleValue("interop_inflight")).isEqualTo(6.0);

      CompactionResult r = MultiProcess.compact(dir);

      assertThat(r.foldedProcesses()).containsExactly("closed", "exited");
      assertThat(r.foldedFiles()).containsExactlyInAnyOrder("counter_closed.db",
          "histogram_closed.db", "summary_closed.db", "counter_exited.db", "histogram_exited.db",
          "summary_exited.db");
      assertThat(r.deletedFiles())
          .containsExactlyInAnyOrder("gauge_livesum_closed.db", "gauge_livesum_exited.db");
      assertThat(r.compactedFiles()).containsExactly("counter_hearth-compacted.db",
          "histogram_hearth-compacted.db", "summary_hearth-compacted.db");
      assertThat(r.skippedProcesses()).isEmpty();
      assertThat(r.toString()).contains("2 processes folded (closed exited)", "6 files folded",
          "counter_hearth-compacted.db");
      assertThat(totals(dir)).isEqualTo(before);
      assertThat(filesOf(dir, "closed")).containsExactly("gauge_all_closed.db");
      assertThat(filesOf(dir, "exited")).containsExactly("gauge_all_exited.db");
      assertThat(filesOf(dir, "live")).contains(".hearth_live.lock", "counter_live.db",
          "gauge_livesum_live.db");
      assertThat(files(dir)).contains("counter_hearth-compacted.db",
          "histogram_hearth-compacted.db", "summary_hearth-compacted.db");
      CompactionSupport.assertNoLeftovers(dir);
      DbFileContents compacted = CompactionSupport.read(dir.resolve("counter_hearth-compacted.db"));
      assertThat(compacted.version).isEqualTo(FormatVersion.V1);
      assertThat(compacted.keys).hasSize(2);
      // live gauges of the dead are gone, as markProcessDead does; per-pid gauges stay
      assertThat(registry.getSampleValue("interop_inflight")).isEqualTo(2.0);
      assertThat(registry.getSampleValue("interop_pid_value", Map.of("pid", "exited")))
          .isEqualTo(1.0);
      LiveInteropTest.assertSameAsPython(dir);

      // nothing more to do: a second run changes nothing
      assertThat(MultiProcess.compact(dir).foldedProcesses()).isEmpty();
      assertThat(totals(dir)).isEqualTo(before);

      LiveInteropTest.record(live, N); // the live writer goes on
      live.close();
    }
    deadForkedWriter(dir, "later", FormatVersion.V1, N);
    Map<String, Double> before = totals(dir);
    assertThat(before).isEqualTo(expected(8 * N));
    CompactionResult r = MultiProcess.compact(dir);
    assertThat(r.foldedProcesses()).containsExactly("later", "live");
    assertThat(totals(dir)).isEqualTo(expected(8 * N));
    assertThat(files(dir)).allMatch(n -> n.contains("hearth-compacted") || n.startsWith("gauge_all_")
        || n.startsWith(".hearth-"));
    LiveInteropTest.assertSameAsPython(dir);
  }

  @Test
  void v2FilesCompactToV2AndAnExistingCompactedFileKeepsItsFormat(@TempDir Path dir)
      throws Exception {
    deadWriter(dir, "a", FormatVersion.V2, 3);
    MultiProcess.compact(dir);
    assertThat(CompactionSupport.read(dir.resolve("counter_hearth-compacted.db")).version)
        .isEqualTo(FormatVersion.V2);

    // a v1 compacted file and a dead v2 writer: the values are converted to v1
    Path other = Files.createDirectory(dir.resolve("other"));
    deadWriter(other, "v1", FormatVersion.V1, 2);
    MultiProcess.compact(other);
    deadWriter(other, "v2", FormatVersion.V2, 5);
    MultiProcess.compact(other);
    DbFileContents c = CompactionSupport.read(other.resolve("counter_hearth-compacted.db"));
    assertThat(c.version).isEqualTo(FormatVersion.V1);
    assertThat(totals(other)).isEqualTo(expected(7));
  }

  @Test
  void stripeFilesAreFolded(@TempDir Path dir) throws Exception {
    deadWriter(dir, "p", FormatVersion.V2, 4);
    String key = requestsKey("{\"path\": \"/a\"}");
    try (MmapDbFile stripe = MmapDbFile.open(dir.resolve("counter_p_s3.db"), FormatVersion.V2)) {
      stripe.add(stripe.valueOffset(key), 6);
    }
    Map<String, Double> before = totals(dir);
    assertThat(before.get("interop_requests_total{path=\"/a\"}")).isEqualTo(10.0);
    CompactionResult r = MultiProcess.compact(dir);
    assertThat(r.foldedFiles()).contains("counter_p.db", "counter_p_s3.db");
    assertThat(files(dir)).doesNotContain("counter_p_s3.db", "counter_p.db");
    assertThat(totals(dir)).isEqualTo(before);
  }

  @Test
  void aDeadProcessWithACorruptFileIsSkippedAsAWhole(@TempDir Path dir) throws Exception {
    deadWriter(dir, "good", FormatVersion.V2, 2);
    deadWriter(dir, "bad", FormatVersion.V2, 3);
    Path corrupt = dir.resolve("histogram_bad.db");
    byte[] b = Files.readAllBytes(corrupt);
    b[12] = 'x'; // inside the first key: no longer starts with '['
    Files.write(corrupt, b);
    List<String> badFiles = filesOf(dir, "bad");

    CompactionResult r = MultiProcess.compact(dir);

    assertThat(r.foldedProcesses()).containsExactly("good");
    assertThat(r.skippedProcesses()).containsOnlyKeys("bad");
    assertThat(r.skippedProcesses().get("bad")).contains("histogram_bad.db");
    assertThat(r.toString()).contains("skipped {bad=");
    assertThat(filesOf(dir, "bad")).isEqualTo(badFiles); // nothing of it deleted
    MultiProcessCollector c = new MultiProcessCollector(dir);
    Map<String, Double> t = totals(c.collect());
    assertThat(c.readErrors()).containsOnlyKeys("histogram_bad.db");
    assertThat(t.get("interop_requests_total{path=\"/a\"}")).isEqualTo(5.0);
    assertThat(t.get("interop_latency_seconds_count{}")).isEqualTo(4.0); // good's only
  }

  @Test
  void aCorruptCompactedFileStopsCompactionWithoutLosingAnything(@TempDir Path dir)
      throws Exception {
    deadWriter(dir, "a", FormatVersion.V2, 2);
    MultiProcess.compact(dir);
    Files.write(dir.resolve("summary_hearth-compacted.db"), new byte[] {1, 2, 3});
    deadWriter(dir, "b", FormatVersion.V2, 2);
    List<String> before = files(dir);
    assertThatThrownBy(() -> MultiProcess.compact(dir))
        .hasMessageContaining("summary_hearth-compacted.db")
        .hasMessageContaining("nothing was compacted");
    assertThat(files(dir)).isEqualTo(before);
  }

  @Test
  void filesOfWritersWithoutALockFileAreNeverFolded(@TempDir Path dir) throws Exception {
    deadWriter(dir, "hearth", FormatVersion.V1, 1);
    // as a Python worker leaves them: no .hearth_<pid>.lock
    try (MmapDbFile f = MmapDbFile.open(dir.resolve("counter_4242.db"), FormatVersion.V1)) {
      f.add(f.valueOffset(requestsKey("{\"path\": \"/a\"}")), 3);
    }
    CompactionResult r = MultiProcess.compact(dir);
    assertThat(r.foldedProcesses()).containsExactly("hearth");
    assertThat(files(dir)).contains("counter_4242.db");
    assertThat(totals(dir).get("interop_requests_total{path=\"/a\"}")).isEqualTo(4.0);
  }

  /**
   * Live Python workers (and exited ones) write files without any lock: none is folded. And a
   * dead Hearth writer whose numeric id is now the pid of another running process is skipped,
   * since a Python worker with that pid would continue its files without a lock.
   */
  @Test
  void pythonFilesAreNeverFoldedNorHearthFilesOfAReusedPid(@TempDir Path dir) throws Exception {
    Peers.requirePython();
    ProcessBuilder pb = new ProcessBuilder(Peers.python(), "-c",
        LiveInteropTest.PY_WRITER + "print('done', flush=True)\nsys.stdin.read()\n", "5");
    pb.environment().put("PROMETHEUS_MULTIPROC_DIR", dir.toString());
    Process livePython = pb.start();
    ProcessBuilder pb2 = new ProcessBuilder(Peers.python(), "-c", LiveInteropTest.PY_WRITER, "7");
    pb2.environment().put("PROMETHEUS_MULTIPROC_DIR", dir.toString());
    Process exitedPython = pb2.start();
    Process sleeper = new ProcessBuilder("sleep", "120").start();
    try {
      assertThat(new String(livePython.getInputStream().readNBytes(4), StandardCharsets.UTF_8))
          .isEqualTo("done");
      assertThat(exitedPython.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(exitedPython.exitValue()).isZero();
      String reused = String.valueOf(sleeper.pid());
      deadWriter(dir, reused, FormatVersion.V1, 11);
      List<String> before = dbFiles(dir);
      Map<String, Double> totals = totals(dir);
      assertThat(totals).isEqualTo(expected(23));

      CompactionResult r = MultiProcess.compact(dir);

      assertThat(r.foldedProcesses()).isEmpty();
      assertThat(r.skippedProcesses()).containsOnlyKeys(reused);
      assertThat(r.skippedProcesses().get(reused)).contains("a running process has pid " + reused);
      assertThat(dbFiles(dir)).isEqualTo(before);
      assertThat(files(dir)).contains(".hearth_" + reused + ".lock");
      assertThat(totals(dir)).isEqualTo(totals);

      sleeper.destroy();
      assertThat(sleeper.waitFor(30, TimeUnit.SECONDS)).isTrue();
      r = MultiProcess.compact(dir);
      assertThat(r.foldedProcesses()).containsExactly(reused);
      assertThat(files(dir)).contains("counter_" + livePython.pid() + ".db",
          "counter_" + exitedPython.pid() + ".db");
      assertThat(totals(dir)).isEqualTo(totals);
      LiveInteropTest.assertSameAsPython(dir);
    } finally {
      livePython.destroyForcibly();
      sleeper.destroyForcibly();
    }
  }

  @Test
  void aClosedStorageOfThisJvmUnderItsOwnPidIsFolded(@TempDir Path dir) throws Exception {
    String pid = String.valueOf(ProcessHandle.current().pid());
    deadWriter(dir, pid, FormatVersion.V2, 2);
    assertThat(MultiProcess.compact(dir).foldedProcesses()).containsExactly(pid);
    assertThat(totals(dir)).isEqualTo(expected(2));
  }

  @Test
  void badInputIsRejected(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("missing");
    assertThatThrownBy(() -> MultiProcess.compact(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> MultiProcess.compactEvery(missing, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(missing.toString());
    assertThatThrownBy(() -> MultiProcess.compactEvery(dir, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
    assertThatThrownBy(() -> MmapValueStorage.builder(dir).processId("hearth-compacted"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hearth-compacted").hasMessageContaining("reserved");
    CompactionResult empty = MultiProcess.compact(dir);
    assertThat(empty.foldedProcesses()).isEmpty();
    assertThat(empty.toString()).startsWith("CompactionResult[0 processes folded, 0 files folded");
  }

  @Test
  void aClosedStorageOpensNoNewFiles(@TempDir Path dir) throws Exception {
    MmapValueStorage s = MmapValueStorage.builder(dir).processId("c").build();
    Counter.builder("one").help("h").storage(s).build().inc();
    s.close();
    assertThatThrownBy(() -> Counter.builder("two").help("h").storage(s).build())
        .hasMessageContaining("is closed");
  }

  @Test
  void compactEveryCompactsUntilClosed(@TempDir Path dir) throws Exception {
    deadWriter(dir, "first", FormatVersion.V2, 1);
    CompactionSchedule schedule = MultiProcess.compactEvery(dir, Duration.ofMillis(20));
    try {
      waitUntil(() -> !files(dir).contains("counter_first.db"));
      deadWriter(dir, "second", FormatVersion.V2, 2);
      waitUntil(() -> !files(dir).contains("counter_second.db"));
      assertThat(schedule.lastResult()).isNotNull();
      assertThat(totals(dir)).isEqualTo(expected(3));
    } finally {
      schedule.close();
    }
    assertThat(schedule.toString()).contains("closed");
    deadWriter(dir, "third", FormatVersion.V2, 1);
    Thread.sleep(100);
    assertThat(files(dir)).contains("counter_third.db"); // stopped
  }

  @Test
  void compactEveryLogsFailuresAndGoesOn(@TempDir Path dir) throws Exception {
    java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
    deadWriter(dir, "x", FormatVersion.V2, 1);
    CompactionSchedule schedule = MultiProcess.compactEvery(dir, Duration.ofMillis(10),
        (phase, detail) -> {
          if (phase == Compactor.Phase.TEMPS_WRITTEN && runs.incrementAndGet() <= 3) {
            throw new IllegalStateException("injected failure " + runs.get());
          }
        });
    try {
      waitUntil(() -> !files(dir).contains("counter_x.db"));
      assertThat(runs.get()).isGreaterThanOrEqualTo(4);
      assertThat(totals(dir)).isEqualTo(expected(1));
      CompactionSupport.assertNoLeftovers(dir);
    } finally {
      schedule.close();
    }
  }

  @Test
  void staleTemporariesAreDeletedAndAJournalIsCompletedByAScrape(@TempDir Path dir)
      throws Exception {
    deadWriter(dir, "a", FormatVersion.V2, 1);
    Files.write(dir.resolve(".counter_hearth-compacted.db.tmp"), new byte[] {9});
    MultiProcess.compact(dir);
    CompactionSupport.assertNoLeftovers(dir);

    // a journal left by a compaction that died after renaming: the deletions are rolled forward
    deadWriter(dir, "b", FormatVersion.V2, 1);
    Files.writeString(dir.resolve(CompactionJournal.JOURNAL), "hearth-compaction-journal 1\n"
        + "rename .counter_hearth-compacted.db.tmp counter_hearth-compacted.db\n"
        + "delete summary_b.db\ndelete .hearth_b.lock\nend\n");
    assertThat(totals(dir).get("interop_size_bytes_count{}")).isEqualTo(1.0); // a's only
    assertThat(files(dir)).doesNotContain(CompactionJournal.JOURNAL, "summary_b.db", ".hearth_b.lock");
    assertThat(files(dir)).contains("counter_b.db");
  }

  private static List<String> dbFiles(Path dir) throws IOException {
    List<String> out = new java.util.ArrayList<>(files(dir));
    out.removeIf(n -> !n.endsWith(".db"));
    return out;
  }

  private interface Condition {
    boolean met() throws Exception;
  }

  static void waitUntil(Condition c) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!c.met()) {
      assertThat(System.nanoTime()).as("condition met within 30 s").isLessThan(deadline);
      Thread.sleep(10);
    }
  }
}
