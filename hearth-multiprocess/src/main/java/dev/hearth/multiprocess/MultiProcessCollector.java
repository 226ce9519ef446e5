package dev.hearth.multiprocess;

import dev.hearth.Collector;
import dev.hearth.model.CounterSnapshot;
import dev.hearth.model.DataPoint;
import dev.hearth.model.Labels;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.multiprocess.internal.DbFileException;
import dev.hearth.multiprocess.internal.DbFileName;
import dev.hearth.multiprocess.internal.KeyIndex;
import dev.hearth.multiprocess.internal.LockRegistry;
import dev.hearth.multiprocess.internal.MergePlan;
import dev.hearth.multiprocess.internal.MmapDbFile;
import dev.hearth.multiprocess.internal.ScanFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Merges a multiprocess directory, written by Hearth's {@link MmapValueStorage} and/or Python
 * prometheus_client processes, as Python's {@code MultiProcessCollector} does: counters,
 * histogram buckets and sums, summary counts and sums are summed over processes; gauges follow
 * the mode in their file name ({@code all}/{@code liveall}: one series per process with a
 * {@code pid} label; {@code min}, {@code max}, {@code sum}, their {@code live} variants, and
 * {@code mostrecent}/{@code livemostrecent}: the value with the latest timestamp).
 *
 * <pre>{@code
 * CollectorRegistry registry = new CollectorRegistry();
 * registry.register(new MultiProcessCollector(Path.of("/run/metrics")));
 * String text = Exposition.generateLatest(registry);
 * }</pre>
 *
 * <p>Files are processed in name order, so family order, the HELP text when processes disagree
 * (the first file wins) and float sums are deterministic; the output equals Python's with its
 * file list sorted. Each file's format (v1 or v2) is detected strictly on its own. A file that is
 * truncated, corrupted or foreign is skipped, and only that file: {@code
 * hearth_multiprocess_read_errors_total{file}} counts it (one series for each of the first
 * {@value #MAX_ERROR_FILES} failing files still listed, the rest counted under
 * {@code file="__other__"}), and a warning is logged at most once per warning interval for the
 * whole directory, saying how many were suppressed.
 *
 * <p>Scrapes are incremental: each scrape lists the directory, but each file's entries are parsed
 * once (a scrape parses only what was appended since), each distinct key once per directory, and
 * the merge (which entry goes into which series) is planned once per set of files and entries;
 * a scrape in which no file or entry came or went reads only values. Files of other processes
 * are read with positional reads through a channel kept open while the file is listed (a file
 * another program truncates is then a read error for that file, never a crash); files this JVM
 * writes are read through the writer's mapping and never opened. A file replaced under the same
 * name is told apart by its file key (inode), which cannot be reused while the collector has the
 * old one open. Everything runs on the scraping thread; see {@code hearth-multiprocess/DESIGN.md}.
 *
 * <p>Each scrape first completes a compaction that a crashed process left half-committed, then
 * holds the directory's compaction lock shared while it lists and reads, so a concurrent
 * {@link MultiProcess#compact} never makes it count a folded value twice or miss one. When a
 * compaction holds the lock longer than {@link Builder#compactionLockTimeout} (a hung or stopped
 * compactor), the scrape fails with an exception saying so, rather than serve a view that may be
 * wrong.
 *
 * <p>Summaries give {@code _count} and {@code _sum} only (no quantiles), histograms no
 * {@code _created}, as in Python. By default "live" means only that
 * {@link MultiProcess#markProcessDead} has not deleted the file, as in Python; with
 * {@link Builder#lockBasedLiveness(boolean)} a {@code gauge_live*} file that no live Hearth writer
 * holds locked is left out as well. Thread-safe: scrapes are serialised.
 */
public final class MultiProcessCollector implements Collector {
  private static final System.Logger LOG = System.getLogger(MultiProcessCollector.class.getName());
  /** The family counting unreadable files. */
  public static final String READ_ERRORS = "hearth_multiprocess_read_errors";

  /** The {@code file} label value counting read errors of files past {@link #MAX_ERROR_FILES}. */
  public static final String OTHER_FILES = "__other__";
  /** At most this many files have their own read-error series. */
  public static final int MAX_ERROR_FILES = 10;

  private final Path directory;
  private final long warnIntervalMillis;
  private final Duration lockTimeout;
  private final boolean lockLiveness;
  private final Map<String, ScanFile> files = new HashMap<>();
  private final KeyIndex keys = new KeyIndex();
  private final ScanFile.ReadBuffer buffer = new ScanFile.ReadBuffer();
  private MergePlan plan;
  private int planGeneration;
  private final Map<String, Long> readErrors = new TreeMap<>(); // at most MAX_ERROR_FILES + 1
  private long lastWarningMillis = Long.MIN_VALUE;
  private long suppressedWarnings;

  /** A collector for {@code directory} with the defaults of {@link Builder}. */
  public MultiProcessCollector(Path directory) {
    this(builder(directory));
  }

  private MultiProcessCollector(Builder b) {
    this.directory = b.directory;
    this.warnIntervalMillis = b.warningInterval.toMillis();
    this.lockTimeout = b.lockTimeout;
    this.lockLiveness = b.lockLiveness;
  }

  /** A builder for a collector of {@code directory}. */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /** Builds a {@link MultiProcessCollector}. */
  public static final class Builder {
    private final Path directory;
    private Duration warningInterval = Duration.ofMinutes(1);
    private Duration lockTimeout = Duration.ofSeconds(5);
    private boolean lockLiveness;

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    /**
     * Log at most one warning about unreadable files per {@code interval} (default 1 minute),
     * for all files together; the next one says how many were suppressed.
     */
    public Builder warningInterval(Duration interval) {
      this.warningInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * How long a scrape waits for a compaction's commit to release the directory's compaction
     * lock (default 5 s; keep it below the scrape timeout); then the scrape fails with an
     * exception naming the lock, and the next scrape tries again.
     */
    public Builder compactionLockTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("compactionLockTimeout must not be negative: " + timeout);
      }
      this.lockTimeout = timeout;
      return this;
    }

    /**
     * Decide liveness by file locks, without {@link MultiProcess#markProcessDead} (default off):
     * a Hearth writer holds a lock on its files while its JVM lives, so a {@code gauge_live*}
     * file nobody holds a lock on belongs to a dead process and is left out. Use it only when
     * every writer of the directory is Hearth: Python processes hold no locks, so their
     * {@code live*} gauges would always be left out.
     */
    public Builder lockBasedLiveness(boolean enabled) {
      this.lockLiveness = enabled;
      return this;
    }

    /** The collector. */
    public MultiProcessCollector build() {
      return new MultiProcessCollector(this);
    }
  }

  /** The directory merged. */
  public Path directory() {
    return directory;
  }

  @Override
  public String collectorName() {
    return "multiprocess:" + directory;
  }

  /**
   * Read errors by file name since this collector was created: files still listed, at most
   * {@link #MAX_ERROR_FILES} of them, and {@link #OTHER_FILES} for the rest.
   */
  public synchronized Map<String, Long> readErrors() {
    return Collections.unmodifiableMap(new TreeMap<>(readErrors));
  }

  @Override
  public synchronized List<MetricSnapshot<?>> collect() {
    // complete a crashed compaction's commit, then keep compactions from committing while the
    // directory is listed and read: every folded value is seen exactly once
    LockRegistry.Held compaction = Compactor.beginScrape(directory, lockTimeout);
    try {
      return collectDirectory();
    } finally {
      compaction.close();
    }
  }

  /**
   * One scrape, in stages: List (the directory's files in name order), Read (each file's new
   * entries parsed, their keys indexed, every value read), Plan (reused while no file or entry
   * came or went), Sum and Snapshots ({@link MergePlan#collect}).
   */
  private List<MetricSnapshot<?>> collectDirectory() {
    List<Listed> listed = listFiles();
    List<ScanFile> included = new ArrayList<>(listed.size());
    List<DbFileName> names = new ArrayList<>(listed.size());
    Set<String> present = new HashSet<>();
    boolean dropped = false;
    for (Listed l : listed) {
      present.add(l.name);
      if (l.kind == null) {
        error(l.name, "not a multiprocess file name (expected counter_<id>.db, gauge_<mode>_<id>.db,"
            + " histogram_<id>.db or summary_<id>.db)", null);
        continue;
      }
      ScanFile sf = files.get(l.name);
      if (sf != null && (l.fileKey == null || !l.fileKey.equals(sf.fileKey()))) {
        dropped |= drop(l.name); // replaced (or not identifiable): read it from scratch
        sf = null;
      }
      try {
        if (lockLiveness && l.kind.live() && !heldByLiveWriter(l.path)) {
          continue;
        }
        if (sf == null) {
          sf = new ScanFile(l.name, l.path, l.fileKey, l.kind.context);
          files.put(l.name, sf);
        }
        buffer.ensure(l.size);
        sf.read(keys, buffer);
      } catch (NoSuchFileException e) { // deleted since listed, e.g. by markProcessDead
        dropped |= drop(l.name);
        continue;
      } catch (DbFileException e) {
        dropped |= drop(l.name);
        error(l.name, e.getMessage(), null);
        continue;
      } catch (IOException e) {
        dropped |= drop(l.name);
        error(l.name, "cannot read: " + e, e);
        continue;
      }
      included.add(sf);
      names.add(l.kind);
    }
    for (String name : new ArrayList<>(files.keySet())) {
      if (!present.contains(name)) {
        dropped |= drop(name);
      }
    }
    readErrors.keySet().removeIf(f -> !f.equals(OTHER_FILES) && !present.contains(f));
    if (dropped) { // forget keys no file holds any more
      Map<KeyIndex.Key, Boolean> held = new IdentityHashMap<>();
      for (ScanFile f : files.values()) {
        for (int i = 0; i < f.count(); i++) {
          held.put(f.key(i), Boolean.TRUE);
        }
      }
      keys.retain(held::containsKey);
    }
    if (plan == null || !plan.matches(included)) {
      plan = MergePlan.build(++planGeneration, included, names);
    }
    List<MetricSnapshot<?>> out = plan.collect();
    for (String[] left : plan.leftOut()) {
      record(left[0], "Multiprocess file " + directory.resolve(left[0]) + ": " + left[1], null);
    }
    if (!readErrors.isEmpty()) {
      List<CounterSnapshot.DataPoint> points = new ArrayList<>();
      for (Map.Entry<String, Long> e : readErrors.entrySet()) {
        points.add(new CounterSnapshot.DataPoint(Labels.of("file", e.getKey()), e.getValue(), null,
            DataPoint.NO_TIMESTAMP, DataPoint.NO_TIMESTAMP));
      }
      out.add(new CounterSnapshot(READ_ERRORS,
          "Multiprocess .db files skipped at scrape time because they could not be read, or"
              + " holding a family left out because it was invalid.", "", points));
    }
    return out;
  }

  /** Forgets the state of file {@code name} and closes its channel; true when there was one. */
  private boolean drop(String name) {
    ScanFile sf = files.remove(name);
    if (sf == null) {
      return false;
    }
    sf.close();
    return true;
  }

  /** A listed file: name, path, parsed name (null when not a multiprocess name), size, identity. */
  private static final class Listed {
    final String name;
    final Path path;
    final DbFileName kind;
    final long size;
    final Object fileKey;

    Listed(Path path, String name, long size, Object fileKey) {
      this.name = name;
      this.path = path;
      this.kind = DbFileName.parse(name);
      this.size = size;
      this.fileKey = fileKey;
    }
  }

  /** The directory's {@code *.db} files (regular files, no dot-files) in name order. */
  private List<Listed> listFiles() {
    List<Listed> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (n.startsWith(".") || !n.endsWith(".db")) { // Python's glob("*.db"): no dot-files
          continue;
        }
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(p, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
          continue; // deleted since listed
        }
        if (a.isRegularFile()) {
          out.add(new Listed(p, n, a.size(), a.fileKey()));
        }
      }
    } catch (NoSuchFileException e) {
      throw new IllegalStateException("Multiprocess directory " + directory + " does not exist", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list multiprocess directory " + directory, e);
    }
    out.sort((a, b) -> a.name.compareTo(b.name));
    return out;
  }

  /** True when a live process (this JVM or another) holds the writer's lock on {@code path}. */
  private static boolean heldByLiveWriter(Path path) throws IOException {
    if (MmapDbFile.openInThisJvm(path) != null) {
      return true; // never open our own files: closing would drop our lock
    }
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      FileLock lock = ch.tryLock(0, Long.MAX_VALUE, true);
      if (lock == null) {
        return true;
      }
      lock.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true;
    }
  }

  /** Counts a read error of {@code file} and warns, at most once per interval for all files. */
  private void error(String file, String message, Throwable t) {
    record(file, "Skipping multiprocess file " + directory.resolve(file) + ": " + message, t);
  }

  /** Counts an error against {@code file} and logs {@code warning}, at most once an interval. */
  private void record(String file, String warning, Throwable t) {
    String series = readErrors.containsKey(file) || readErrors.size()
        - (readErrors.containsKey(OTHER_FILES) ? 1 : 0) < MAX_ERROR_FILES ? file : OTHER_FILES;
    readErrors.merge(series, 1L, Long::sum);
    long now = System.currentTimeMillis();
    if (lastWarningMillis != Long.MIN_VALUE && now - lastWarningMillis < warnIntervalMillis) {
      suppressedWarnings++;
      return;
    }
    String suppressed = suppressedWarnings > 0 ? " (" + suppressedWarnings
        + " more unreadable-file warnings suppressed since the last one)" : "";
    lastWarningMillis = now;
    suppressedWarnings = 0;
    warnings++;
    warned.add(warning + suppressed);
    LOG.log(System.Logger.Level.WARNING, warned.get(warned.size() - 1), t);
    if (warned.size() > 8) {
      warned.remove(0);
    }
  }

  private final List<String> warned = new ArrayList<>(); // the last warnings, for tests
  private long warnings;

  /** The last few warnings logged, oldest first (for tests). */
  synchronized List<String> lastWarnings() {
    return List.copyOf(warned);
  }

  /** How many warnings were logged (for tests). */
  synchronized long warningsLogged() {
    return warnings;
  }

  /** How many distinct parsed keys the files share (for tests). */
  synchronized int sharedKeys() {
    return keys.size();
  }

  /** The read state of {@code file} (for tests). */
  synchronized ScanFile cacheOf(String file) {
    return files.get(file);
  }
}
