package dev.hearth.multiprocess;

import static dev.hearth.multiprocess.CompactionSupport.deadWriter;
import static dev.hearth.multiprocess.CompactionSupport.expected;
import static dev.hearth.multiprocess.CompactionSupport.files;
import static dev.hearth.multiprocess.CompactionSupport.filesOf;
import static dev.hearth.multiprocess.CompactionSupport.totals;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.multiprocess.internal.CompactionJournal;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A compaction in a forked JVM halts ({@code Runtime.halt}) at each step of its protocol. The
 * next Hearth scrape (which completes a journal) and the next compaction both see exactly the
 * totals of before, and leave no temporary file or journal behind.
 */
class CompactionCrashTest {

  /**
   * An existing compacted file (from d1, d2), two more dead writers (d3, d4: 3 renames, then 10
   * deletions: 6 folded files, 2 live gauge files, 2 lock files) and a live writer.
   */
  private static MmapValueStorage setUp(Path dir) throws Exception {
    deadWriter(dir, "d1", FormatVersion.V2, 1);
    deadWriter(dir, "d2", FormatVersion.V2, 2);
    MultiProcess.compact(dir);
    deadWriter(dir, "d3", FormatVersion.V2, 4);
    deadWriter(dir, "d4", FormatVersion.V2, 8);
    MmapValueStorage live = MmapValueStorage.builder(dir).processId("live").build();
    LiveInteropTest.record(live, 16);
    assertThat(totals(dir)).isEqualTo(expected(31));
    return live;
  }

  private static void crashAt(Path dir, String phase, int n) throws Exception {
    StringBuilder out = new StringBuilder();
    int status = CompactionSupport.finish(
        CompactionSupport.forkCompaction("crash", dir.toString(), phase, String.valueOf(n)), out);
    assertThat(status).as("halted at %s #%d: %s", phase, n, out).isEqualTo(CompactionMain.HALTED);
  }

  @ParameterizedTest
  @CsvSource({
      "DEATH_PROVEN, 1, false",
      "TEMPS_WRITTEN, 1, false",
      "JOURNAL_WRITTEN, 1, true",
      "RENAMED, 1, true",
      "RENAMED, 2, true",
      "DELETED, 1, true",
      "DELETED, 5, true",
      "DELETED, 9, true"})
  void aCompactionThatDiesLosesAndDuplicatesNothing(String phase, int n, boolean journal,
      @TempDir Path dir) throws Exception {
    try (MmapValueStorage live = setUp(dir)) {
      crashAt(dir, phase, n);
      assertThat(files(dir).contains(CompactionJournal.JOURNAL)).as("journal left")
          .isEqualTo(journal);

      assertThat(totals(dir)).isEqualTo(expected(31)); // a scrape, completing the journal
      assertThat(files(dir)).doesNotContain(CompactionJournal.JOURNAL);
      if (journal) { // rolled forward: the dead writers are folded
        assertThat(filesOf(dir, "d3")).containsExactly("gauge_all_d3.db");
        assertThat(filesOf(dir, "d4")).containsExactly("gauge_all_d4.db");
      }

      CompactionResult r = MultiProcess.compact(dir);
      assertThat(r.foldedProcesses()).containsExactlyElementsOf(
          journal ? java.util.List.of() : java.util.List.of("d3", "d4"));
      assertThat(totals(dir)).isEqualTo(expected(31));
      CompactionSupport.assertNoLeftovers(dir);
      assertThat(filesOf(dir, "d3")).containsExactly("gauge_all_d3.db");
      assertThat(filesOf(dir, "d4")).containsExactly("gauge_all_d4.db");
      assertThat(filesOf(dir, "live")).contains("counter_live.db", ".hearth_live.lock");

      LiveInteropTest.record(live, 1);
    }
    assertThat(MultiProcess.compact(dir).foldedProcesses()).containsExactly("live");
    assertThat(totals(dir)).isEqualTo(expected(32));
    CompactionSupport.assertNoLeftovers(dir);
  }

  /** The journal is completed by a writer reusing a folded id, before it opens its files. */
  @Test
  void aWriterReusingAFoldedIdCompletesTheJournalFirst(@TempDir Path dir) throws Exception {
    setUp(dir).close();
    crashAt(dir, "JOURNAL_WRITTEN", 1);
    assertThat(files(dir)).contains(CompactionJournal.JOURNAL, "counter_d3.db");

    try (MmapValueStorage again = MmapValueStorage.builder(dir).processId("d3").build()) {
      LiveInteropTest.record(again, 64);
      assertThat(files(dir)).doesNotContain(CompactionJournal.JOURNAL);
      // a fresh file: the old d3 values are in the compacted file only
      assertThat(CompactionSupport.value(dir.resolve("counter_d3.db"), "\"/a\"")).isEqualTo(64.0);
      assertThat(totals(dir)).isEqualTo(expected(95));
      // d4 and "live" were folded by the journal; d3 lives again
      assertThat(MultiProcess.compact(dir).foldedProcesses()).isEmpty();
      assertThat(filesOf(dir, "live")).containsExactly("gauge_all_live.db");
    }
    assertThat(MultiProcess.compact(dir).foldedProcesses()).containsExactly("d3");
    assertThat(totals(dir)).isEqualTo(expected(95));
    CompactionSupport.assertNoLeftovers(dir);
  }

  /** The next compaction completes the journal before it starts. */
  @Test
  void aCompactionCompletesAJournalBeforeStarting(@TempDir Path dir) throws Exception {
    setUp(dir).close();
    crashAt(dir, "RENAMED", 1);
    assertThat(files(dir)).contains(CompactionJournal.JOURNAL);
    CompactionResult r = MultiProcess.compact(dir); // d3, d4 and "live" folded by the journal
    assertThat(r.foldedProcesses()).isEmpty();
    assertThat(filesOf(dir, "live")).containsExactly("gauge_all_live.db");
    assertThat(totals(dir)).isEqualTo(expected(31));
    CompactionSupport.assertNoLeftovers(dir);
  }
}
