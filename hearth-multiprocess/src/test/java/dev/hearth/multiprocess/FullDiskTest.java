package dev.hearth.multiprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.Sample;
import dev.hearth.testing.Peers;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full file system does not crash a writer (it used to: {@code SIGBUS} in a compare-and-set on
 * an unbacked page of a sparse file, exit 134). A forked JVM ({@link FullDiskWriter}) fills a
 * 160 KiB tmpfs (room for the first 64 KiB file and its growth to 128 KiB, not for more), then a
 * second one continues a sparse file (as Python leaves them) on the full disk. Each must exit
 * normally, having logged the failure once and counted it, and the series written before the
 * disk filled, including later adds to them, must read back exactly.
 * Needs {@code mount} (root); skipped with a message otherwise, unless peers are required.
 */
class FullDiskTest {

  @Test
  void aFullFileSystemIsHandledNotFatal(@TempDir Path dir) throws Exception {
    Path mnt = Files.createDirectory(dir.resolve("tmpfs"));
    Peers.Result mount = Peers.run(List.of("mount", "-t", "tmpfs", "-o", "size=160k", "tmpfs",
        mnt.toString()), null, null, 30);
    if (mount.exitCode != 0) {
      String why = "Cannot mount a small tmpfs to fill (needs root): " + mount;
      if (Peers.peersRequired()) {
        throw new AssertionError(why);
      }
      Assumptions.abort(why);
    }
    try {
      // a sparse file as Python sizes it (truncate), to be continued once the disk is full
      try (RandomAccessFile sparse = new RandomAccessFile(
          mnt.resolve("counter_sparse.db").toFile(), "rw")) {
        sparse.setLength(1 << 20);
        sparse.write(new byte[] {8, 0, 0, 0}); // used: the header only
      }
      int failedAt = write(mnt, dir, "filler");
      assertThat(failedAt).isGreaterThan(100); // the first 64 KiB held many series
      // continuing the sparse file writes its holes first: refused, not a crash
      assertThat(write(mnt, dir, "sparse")).isZero();

      // what reached the file reads back exactly: series 0 .. k, all with the values recorded
      List<MetricSnapshot<?>> families = new MultiProcessCollector(mnt).collect();
      MetricSnapshot<?> fill = families.stream().filter(f -> f.name().equals("fill"))
          .findFirst().orElseThrow();
      int inFile = 0;
      for (Sample s : fill.samples()) {
        int i = Integer.parseInt(s.labels().get("series").substring(1));
        assertThat(i).isLessThan(failedAt);
        assertThat(s.value()).as(s.toString()).isEqualTo(i + 1 + (i == 0 ? 1000.0 : 0.0));
        inFile++;
      }
      assertThat(inFile).isEqualTo(failedAt); // every series before the failure, none after
      // the gauge's new file could not be created: it lives in memory (7.0 above), no empty file
      assertThat(families).noneMatch(f -> f.name().equals("after_full"));
      try (var files = Files.list(mnt)) {
        files.filter(f -> f.toString().endsWith(".db"))
            .forEach(f -> assertThat(f.toFile().length()).as(f.toString()).isPositive());
      }
      assertThat(Files.size(mnt.resolve("counter_sparse.db"))).isEqualTo(1 << 20);
    } finally {
      // lazily: this JVM's collector still maps the files
      Peers.Result umount = Peers.run(List.of("umount", "-l", mnt.toString()), null, null, 30);
      assertThat(umount.exitCode).as(umount.toString()).isZero();
    }
  }

  /**
   * Runs {@link FullDiskWriter} as process {@code id} (50 series past the first failure) and
   * checks it ended normally, logged the failure once and counted every failed file creation or
   * growth; returns the first series it could not write to a file.
   */
  private static int write(Path mnt, Path dir, String id) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-XX:-CreateCoredumpOnCrash",
        "-XX:ErrorFile=" + dir.resolve("hs_err_" + id + ".log"), "-cp",
        System.getProperty("java.class.path"), FullDiskWriter.class.getName(), mnt.toString(),
        "50");
    pb.environment().remove("PROMETHEUS_MULTIPROC_DIR");
    pb.environment().put("HEARTH_MULTIPROC_PROCESS_ID", id);
    EnvironmentEnableTest.Result r = EnvironmentEnableTest.finish(pb.start());
    assertThat(r.exit).as("%s: exit code (134: the JVM crashed)\n%s", id, r.stderr).isZero();
    Matcher m = Pattern.compile("errors=(\\d+) failedAt=(\\d+) gauge=7.0").matcher(r.stdout);
    assertThat(m.find()).as(r.stdout + r.stderr).isTrue();
    // the series where it failed, 50 more, and the gauge's file
    assertThat(Long.parseLong(m.group(1))).as(id).isEqualTo(1 + 50 + 1);
    // logged once, however many series failed
    assertThat(r.stderr.split("Cannot write multiprocess file", -1)).as(r.stderr).hasSize(2);
    assertThat(r.stderr).contains("No space left on device");
    return Integer.parseInt(m.group(2));
  }
}
