package dev.hearth.multiprocess;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.MultiprocessMode;
import dev.hearth.spi.ValueStorage;
import dev.hearth.spi.ValueStorages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns on multi-process mode, compatible with Python prometheus_client's: metric values go to
 * memory-mapped files in a shared directory, and a {@link MultiProcessCollector} merges them.
 *
 * <pre>{@code
 * // each worker process: nothing but the variable, as in Python
 * //   export PROMETHEUS_MULTIPROC_DIR=/run/metrics
 * Counter requests = Counter.builder("requests_total").help("Requests").build(); // in the files
 *
 * // or explicitly, before creating metrics (wins over the variable):
 * MultiProcess.enable(Path.of("/run/metrics"));
 *
 * // the process serving /metrics:
 * CollectorRegistry registry = new CollectorRegistry();
 * registry.register(new MultiProcessCollector(Path.of(System.getenv("PROMETHEUS_MULTIPROC_DIR"))));
 *
 * // the supervisor, when a worker exits:
 * MultiProcess.markProcessDead(workerPid);
 * }</pre>
 *
 * <p>Environment: {@code PROMETHEUS_MULTIPROC_DIR} (or the deprecated lower-case
 * {@code prometheus_multiproc_dir}) names the directory. When it is set, the first metric built
 * without an explicit storage enables multi-process mode by itself (core finds
 * {@link MultiProcessStorageProvider} with {@link java.util.ServiceLoader}), exactly as
 * {@link #enableFromEnvironment()} would; {@code HEARTH_MULTIPROC_FORMAT} is
 * {@code v2} (default, client_python 0.18 and later) or {@code v1} (client_python 0.17 and
 * earlier); {@code HEARTH_MULTIPROC_PROCESS_ID} replaces the pid in file names (set it where
 * every process is pid 1, as in containers). Wipe the directory when the group of processes
 * starts: files of exited processes are merged forever otherwise, unless they are compacted
 * ({@link #compact(Path)}, {@link #compactEvery(Path, Duration)}: Hearth writers only).
 *
 * <p>Summary quantiles, info and state set metrics are not shared between processes; see the
 * package documentation. Metrics whose values are in the files reject {@code remove},
 * {@code clear}, {@code expireAfter} and {@code Gauge.setFunction} with an
 * {@link IllegalStateException}: the files keep every entry, so a collector would go on exposing
 * the series (Python silently keeps exposing them). Hearth's own {@code hearth_*} metrics stay on
 * the heap of each process.
 *
 * <p>Enabling registers {@link #writeErrors()} with the default registry.
 */
public final class MultiProcess {
  /** The directory variable Python uses. */
  public static final String DIR_ENV = ValueStorages.MULTIPROC_DIR_ENV;
  /** The deprecated lower-case variant Python still reads. */
  public static final String LEGACY_DIR_ENV = ValueStorages.LEGACY_MULTIPROC_DIR_ENV;
  /** {@code v1} or {@code v2}. */
  public static final String FORMAT_ENV = "HEARTH_MULTIPROC_FORMAT";
  /** Replaces the pid in file names. */
  public static final String PROCESS_ID_ENV = "HEARTH_MULTIPROC_PROCESS_ID";

  private MultiProcess() {}

  /**
   * Checks {@code dir} and installs an {@link MmapValueStorage} writing there as the default
   * storage of metrics built from now on. Format and process id come from the environment.
   *
   * @throws IllegalArgumentException when {@code dir} is not an existing, writable directory
   */
  public static MmapValueStorage enable(Path dir) {
    return enable(dir, System.getenv());
  }

  /**
   * {@link #enable(Path)} with the directory from {@code PROMETHEUS_MULTIPROC_DIR} (or
   * {@code prometheus_multiproc_dir}).
   *
   * @throws IllegalStateException when neither variable is set
   */
  public static MmapValueStorage enableFromEnvironment() {
    return enable(directoryFromEnvironment(System.getenv()), System.getenv());
  }

  static MmapValueStorage enable(Path dir, Map<String, String> env) {
    MmapValueStorage storage = storageFor(dir, env);
    ValueStorages.install(storage);
    registerWriteErrors();
    return storage;
  }

  /**
   * A new storage for {@code dir} configured from {@code env}, or the installed one when it
   * already writes {@code dir} with the same process id and format (the environment enabled it
   * when a metric was built before this call): a second storage with the same id would be
   * refused the files' locks.
   */
  private static MmapValueStorage storageFor(Path dir, Map<String, String> env) {
    checkDirectory(dir);
    MmapValueStorage.Builder b = MmapValueStorage.builder(dir);
    String format = env.get(FORMAT_ENV);
    if (format != null && !format.isBlank()) {
      b.format(FormatVersion.parse(format, FORMAT_ENV));
    }
    String id = env.get(PROCESS_ID_ENV);
    if (id != null && !id.isBlank()) {
      b.processId(id.trim());
    }
    MmapValueStorage storage = b.build();
    ValueStorage installed = ValueStorages.installed();
    if (installed instanceof MmapValueStorage) {
      MmapValueStorage same = (MmapValueStorage) installed;
      if (same.directory().toAbsolutePath().normalize().equals(dir.toAbsolutePath().normalize())
          && same.processId().equals(storage.processId()) && same.format() == storage.format()) {
        return same;
      }
    }
    return storage;
  }

  private static boolean writeErrorsRegistered; // guarded by MultiProcess.class

  private static synchronized void registerWriteErrors() {
    if (!writeErrorsRegistered) {
      writeErrorsRegistered = true;
      try {
        CollectorRegistry.defaultRegistry().register(MmapValueStorage.WRITE_ERRORS);
      } catch (IllegalArgumentException alreadyTaken) {
        // the application registered it (or a metric of that name) itself
      }
    }
  }

  /**
   * {@code hearth_multiprocess_write_errors_total}: the multi-process files this JVM could not
   * create or grow (e.g. on a full disk), after which the series concerned keep their values in
   * memory only. A per-process heap counter, registered with the default registry when
   * multi-process mode is enabled; register it with another registry to expose it there.
   */
  public static Counter writeErrors() {
    return MmapValueStorage.WRITE_ERRORS;
  }

  static Path directoryFromEnvironment(Map<String, String> env) {
    String dir = env.get(DIR_ENV);
    if (dir == null || dir.isEmpty()) {
      dir = env.get(LEGACY_DIR_ENV);
    }
    if (dir == null || dir.isEmpty()) {
      throw new IllegalStateException("Multi-process mode needs a directory: set " + DIR_ENV);
    }
    return Path.of(dir);
  }

  /** Throws naming {@code dir} unless it is an existing, writable directory. */
  static void checkDirectory(Path dir) {
    Objects.requireNonNull(dir, "dir");
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("Multiprocess directory " + dir.toAbsolutePath()
          + (Files.exists(dir) ? " is not a directory" : " does not exist"));
    }
    if (!Files.isWritable(dir)) {
      throw new IllegalArgumentException("Multiprocess directory " + dir.toAbsolutePath()
          + " is not writable");
    }
  }

  /**
   * As Python's {@code mark_process_dead(pid)}: deletes the {@code gauge_live*_<pid>.db} files of
   * an exited process in the directory from the environment, so {@code live*} gauges stop
   * counting it. Counter, histogram, summary and other gauge files stay.
   *
   * @return the deleted files
   */
  public static List<Path> markProcessDead(String processId) {
    return markProcessDead(directoryFromEnvironment(System.getenv()), processId);
  }

  /** {@link #markProcessDead(String)} for a numeric pid. */
  public static List<Path> markProcessDead(long pid) {
    return markProcessDead(String.valueOf(pid));
  }

  /** {@link #markProcessDead(String)} in {@code dir}. */
  public static List<Path> markProcessDead(Path dir, String processId) {
    Objects.requireNonNull(processId, "processId");
    List<Path> deleted = new ArrayList<>();
    for (MultiprocessMode mode : MultiprocessMode.values()) {
      if (!mode.pythonName().startsWith("live")) {
        continue;
      }
      Path f = dir.resolve("gauge_" + mode.pythonName() + "_" + processId + ".db");
      try {
        if (Files.deleteIfExists(f)) {
          deleted.add(f);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot delete " + f + " for dead process " + processId, e);
      }
    }
    return deleted;
  }

  /** {@link #markProcessDead(Path, String)} for a numeric pid. */
  public static List<Path> markProcessDead(Path dir, long pid) {
    return markProcessDead(dir, String.valueOf(pid));
  }

  /**
   * Folds the files of dead Hearth writers in {@code dir} into one compacted file per type, so
   * the directory stops growing as workers restart: the counter, histogram and summary files
   * ({@code counter_<id>.db}, ...) of every dead Hearth process are summed, per entry, into
   * {@code counter_hearth-compacted.db}, {@code histogram_hearth-compacted.db} and
   * {@code summary_hearth-compacted.db} (Python's format, readable by Python's collector) and
   * deleted; their {@code gauge_live*} files are deleted, as {@link #markProcessDead} does. Other
   * gauge files stay: their merge depends on the {@code pid} label or on timestamps.
   *
   * <p>Only Hearth writers can be proven dead: each holds a lock on {@code .hearth_<id>.lock}
   * while it lives (until {@link MmapValueStorage#close()}). <b>Files written by Python are never
   * folded</b>: Python processes hold no lock, so a live Python worker cannot be told from a dead
   * one. A dead writer whose numeric id is now the pid of another running process is skipped
   * too, as a Python worker may have reused the pid. Nothing is lost or counted twice by
   * Hearth's {@link MultiProcessCollector}, also when a process id is reused during a
   * compaction (the new writer waits), a compaction dies
   * half-way (the next scrape, compaction or writer completes it from its journal) or
   * compactions run concurrently (they take turns). A Python collector takes no lock: reading
   * while a compaction commits, it can see values twice or miss a file once.
   *
   * <p>A dead process with a file that cannot be read is skipped (its files stay, the reason is
   * logged and in {@link CompactionResult#skippedProcesses()}). Sums are exact where the
   * collector's are (integers, and values such as halves); otherwise they can differ from an
   * uncompacted scrape in the last bits, as the additions happen in another order.
   *
   * @throws IllegalArgumentException when {@code dir} is not an existing, writable directory
   * @throws UncheckedIOException when the directory cannot be compacted (the message says why;
   *     nothing is lost)
   */
  public static CompactionResult compact(Path dir) {
    return compact(dir, Compactor.Hook.NONE, Integer.MAX_VALUE);
  }

  static CompactionResult compact(Path dir, Compactor.Hook hook, int maxProcesses) {
    checkDirectory(dir);
    try {
      return Compactor.compact(dir, hook, maxProcesses);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot compact multiprocess directory "
          + dir.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Runs {@link #compact(Path)} on {@code dir} now and then every {@code interval} (after the
   * previous run ended) on a daemon thread, until the returned schedule is closed. Failures are
   * logged and the schedule goes on.
   *
   * @throws IllegalArgumentException when {@code dir} is not an existing, writable directory or
   *     {@code interval} is not positive
   */
  public static CompactionSchedule compactEvery(Path dir, Duration interval) {
    return compactEvery(dir, interval, Compactor.Hook.NONE);
  }

  static CompactionSchedule compactEvery(Path dir, Duration interval, Compactor.Hook hook) {
    checkDirectory(dir);
    Objects.requireNonNull(interval, "interval");
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("Compaction interval must be positive: " + interval);
    }
    return new CompactionSchedule(dir, interval, hook);
  }
}
