package dev.hearth.exposition;

import dev.hearth.CollectorRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a registry to a file for node_exporter's textfile collector, atomically.
 *
 * <pre>{@code
 * TextFile.write(registry, Path.of("/var/lib/node_exporter/textfile/backup.prom"));
 * }</pre>
 *
 * <p>The text (Prometheus text 0.0.4, the only format the collector reads) goes to a temporary
 * file in the same directory, named {@code .<name>.<random>.tmp} so that the collector (which reads
 * {@code *.prom}) never sees it. That file is forced to disk and renamed over {@code path} with
 * an atomic move, and the directory is synced, so readers see either the old or the new file,
 * complete, even after a crash. The temporary file is removed when anything fails. The file is
 * created with the default permissions (subject to the umask), readable by the collector.
 */
public final class TextFile {
  private TextFile() {}

  /**
   * Collects {@code registry} and atomically replaces {@code path} with its text 0.0.4 exposition.
   *
   * @throws IOException when the directory is not writable, the file system cannot rename
   *     atomically, or writing fails; {@code path} is then unchanged
   */
  public static void write(CollectorRegistry registry, Path path) throws IOException {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(path, "path");
    Path target = path.toAbsolutePath();
    Path dir = target.getParent();
    Path name = target.getFileName();
    if (dir == null || name == null) {
      throw new IOException("not a file path: " + path);
    }
    if (Files.isDirectory(target)) {
      throw new IOException("is a directory: " + path);
    }
    Path tmp = dir.resolve("." + name + "." + Long.toUnsignedString(
        ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
    boolean moved = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE)) {
        OutputStream out = Channels.newOutputStream(ch);
        Exposition.write(out, registry, ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot replace " + path + " atomically: " + e.getMessage(), e);
      }
      moved = true;
      syncDirectory(dir);
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Makes the rename durable; not every platform can open a directory, which is then skipped. */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // e.g. Windows: directories cannot be opened; the rename itself is still atomic
    }
  }
}
