package dev.hearth.multiprocess;

import dev.hearth.Collector;
import dev.hearth.model.CounterSnapshot;
import dev.hearth.model.DataPoint;
import dev.hearth.model.Labels;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.multiprocess.internal.DbFileException;
import dev.hearth.multiprocess.internal.DbFileName;
import dev.hearth.multiprocess.internal.Helper;
import dev.hearth.multiprocess.internal.KeyIndex;
import dev.hearth.multiprocess.internal.LockRegistry;
import dev.hearth.multiprocess.internal.MergePlan;
import dev.hearth.multiprocess.internal.MmapDbFile;
import dev.hearth.multiprocess.internal.ScanFile;
import dev.hearth.multiprocess.internal.SeriesShape;
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
import java.nio.file.attribute.FileTime;
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
import java.util.concurrent.atomic.AtomicInteger;

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
 * truncated, corrupted or foreign is skipped: a warning is logged (at most once per file per
 * interval) and {@code hearth_multiprocess_read_errors_total{file}} counts it; the rest of the
 * directory is still served.
 *
 * <p>Scrapes are incremental: files stay mapped between scrapes, each distinct key is parsed once
 * per directory, and the merge (which entry goes into which series) is planned once per set of
 * files and entries; a scrape in which no file or entry came or went only reads the values from
 * the mappings. A file replaced under the same name is told apart by its file key (inode), which
 * cannot be reused while this collector maps the old one; files this JVM writes are read through
 * the writer's mapping, never opened. A first scrape reads many new files on two threads (the
 * scraping thread and a common-pool worker, when one is free) and, from 64k entries on, the
 * values too; a mapping is released by garbage collection once its file is gone. A directory
 * whose status change time was at least 2 s old when it was last listed, and has not changed
 * since, is not listed again (no file came, went or was renamed; values and new entries are read
 * from the files as always).
 *
 * <p>Each scrape first completes a compaction that a crashed process left half-committed, then
 * holds the directory's compaction lock shared while it lists and reads, so a concurrent
 * {@link MultiProcess#compact} never makes it count a folded value twice or miss one.
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

  private final Path directory;
  private final long warnIntervalMillis;
  private final boolean lockLiveness;
  private final Map<String, ScanFile> files = new HashMap<>();
  private final KeyIndex keys = new KeyIndex();
  private MergePlan plan;
  private MergePlan prePlan; // a first scrape's plan of its first file, made while others are read
  private int planGeneration;
  private final Map<String, Long> readErrors = new TreeMap<>();
  private final Map<String, long[]> warnings = new HashMap<>(); // file -> {last millis, suppressed}

  /** A collector for {@code directory} with the defaults of {@link Builder}. */
  public MultiProcessCollector(Path directory) {
    this(builder(directory));
  }

  private MultiProcessCollector(Builder b) {
    this.directory = b.directory;
    this.warnIntervalMillis = b.warningInterval.toMillis();
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
    private boolean lockLiveness;

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** Warn about each unreadable file at most once per {@code interval} (default 1 minute). */
    public Builder warningInterval(Duration interval) {
      this.warningInterval = Objects.requireNonNull(interval, "interval");
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

  /** Read errors per file name since this collector was created. */
  public synchronized Map<String, Long> readErrors() {
    return Collections.unmodifiableMap(new TreeMap<>(readErrors));
  }

  @Override
  public synchronized List<MetricSnapshot<?>> collect() {
    // complete a crashed compaction's commit, then keep compactions from committing while the
    // directory is listed and read: every folded value is seen exactly once
    LockRegistry.Held compaction = Compactor.beginScrape(directory);
    try {
      return collectDirectory();
    } finally {
      compaction.close();
    }
  }

  /** Lists and merges the directory; called by {@link #collect()} (serialised). */
  private List<MetricSnapshot<?>> collectDirectory() {
    List<Listed> listed = listFiles();
    List<ScanFile> included = new ArrayList<>(listed.size());
    List<DbFileName> names = new ArrayList<>(listed.size());
    boolean dropped = false;
    ScanFile[] lastOfContext = new ScanFile[SeriesShape.Context.values().length];
    Map<String, ScanFile> fresh = prefetchNewFiles(listed);
    for (Listed l : listed) {
      DbFileName fn = l.kind;
      if (fn == null) {
        error(l.name, "not a multiprocess file name (expected counter_<id>.db, gauge_<mode>_<id>.db,"
            + " histogram_<id>.db or summary_<id>.db)", null);
        continue;
      }
      Path path = l.path;
      ScanFile sf = files.get(l.name);
      if (sf != null && (l.fileKey == null || !l.fileKey.equals(sf.fileKey()))) {
        files.remove(l.name); // replaced (or not identifiable): read it from scratch
        dropped = true;
        sf = null;
      }
      try {
        if (lockLiveness && fn.live() && !heldByLiveWriter(path)) {
          continue;
        }
        if (sf == null) {
          sf = fresh.remove(l.name);
          if (sf != null && sf.needsReread()) { // its hint's keys failed: read it on its own
            sf = null;
          }
        }
        if (sf == null) {
          sf = new ScanFile(l.name, l.fileKey);
        }
        if (sf.prefetched()) {
          sf.complete(keys, fn.context);
        } else {
          sf.refresh(path, l.size, keys, lastOfContext[fn.context.ordinal()], fn.context);
        }
      } catch (NoSuchFileException e) { // deleted since listed, e.g. by markProcessDead
        dropped |= files.remove(l.name) != null;
        continue;
      } catch (DbFileException e) {
        dropped |= files.remove(l.name) != null;
        error(l.name, e.getMessage(), null);
        continue;
      } catch (IOException e) {
        dropped |= files.remove(l.name) != null;
        error(l.name, "cannot read: " + e, e);
        continue;
      } catch (InternalError e) { // SIGBUS: the mapped file was truncated under us
        dropped |= files.remove(l.name) != null;
        error(l.name, "the file shrank while mapped: " + e.getMessage(), null);
        continue;
      }
      files.put(l.name, sf);
      lastOfContext[fn.context.ordinal()] = sf;
      included.add(sf);
      names.add(fn);
    }
    Set<String> present = new HashSet<>();
    for (Listed l : listed) {
      present.add(l.name);
    }
    dropped |= files.keySet().retainAll(present);
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
      MergePlan p = prePlan;
      if (p == null || !p.startsWith(included)) {
        p = MergePlan.start(++planGeneration, included.size());
      }
      for (int f = p.fileCount(); f < included.size(); f++) {
        p.add(included.get(f), names.get(f));
      }
      plan = p.finish();
    }
    prePlan = null;
    List<MetricSnapshot<?>> out;
    try {
      out = plan.collect();
    } catch (InternalError e) { // SIGBUS while reading values: drop every mapping, retry next time
      files.clear();
      keys.clear();
      plan = null;
      error(directory.toString(), "a mapped file shrank while being read: " + e.getMessage(), null);
      out = new ArrayList<>();
    }
    for (ScanFile f : included) {
      f.releaseParseBuffer();
    }
    if (!readErrors.isEmpty()) {
      List<CounterSnapshot.DataPoint> points = new ArrayList<>();
      for (Map.Entry<String, Long> e : readErrors.entrySet()) {
        points.add(new CounterSnapshot.DataPoint(Labels.of("file", e.getKey()), e.getValue(), null,
            DataPoint.NO_TIMESTAMP, DataPoint.NO_TIMESTAMP));
      }
      out.add(new CounterSnapshot(READ_ERRORS,
          "Multiprocess .db files skipped at scrape time because they could not be read.", "", points));
    }
    return out;
  }

  /** From this many new files of other processes on, a scrape reads them on two threads. */
  static final int PARALLEL_FILES = 8;
  /** How long the helper spins for the hints before it parks (reading them takes about this). */
  private static final long PUBLISH_SPIN_NANOS = 200_000;

  /**
   * Reads the files this collector has no state for yet (a first scrape, or many processes
   * started) on two threads: the first file of each type is read and walked here, and its
   * layout published as the hint the others are compared with; while this thread resolves the
   * hints' keys, a pool thread reads, compares and walks the others, and this thread joins it
   * when done. The scrape loop completes them (keys taken from the hints) in name order.
   */
  private Map<String, ScanFile> prefetchNewFiles(List<Listed> listed) {
    if (Runtime.getRuntime().availableProcessors() < 2) {
      return new HashMap<>();
    }
    List<Listed> todo = new ArrayList<>();
    for (Listed l : listed) {
      if (l.kind == null || l.size == 0) {
        continue;
      }
      ScanFile known = files.get(l.name);
      if (known != null && l.fileKey != null && l.fileKey.equals(known.fileKey())) {
        continue;
      }
      if (MmapDbFile.openInThisJvm(l.path) != null) {
        continue;
      }
      todo.add(l);
    }
    if (todo.size() < PARALLEL_FILES) {
      return new HashMap<>();
    }
    Map<String, ScanFile> fresh = new HashMap<>();
    ScanFile[] hints = new ScanFile[SeriesShape.Context.values().length];
    List<Listed> firsts = new ArrayList<>();
    List<Listed> rest = new ArrayList<>();
    boolean[] seen = new boolean[hints.length];
    for (Listed l : todo) {
      fresh.put(l.name, new ScanFile(l.name, l.fileKey));
      int ctx = l.kind.context.ordinal();
      if (!seen[ctx]) { // the first of its type: the others' hint
        seen[ctx] = true;
        firsts.add(l);
      } else {
        rest.add(l);
      }
    }
    AtomicInteger next = new AtomicInteger();
    Helper.Gate published = new Helper.Gate();
    Helper helper = Helper.start(() -> {
      published.await(PUBLISH_SPIN_NANOS);
      readRest(rest, next, fresh, hints);
    });
    try {
      for (Listed l : firsts) {
        ScanFile sf = fresh.get(l.name);
        sf.read(l.path, l.size, null);
        sf.match(null, false);
        if (sf.publishLayout()) {
          hints[l.kind.context.ordinal()] = sf;
        }
      }
    } finally {
      published.open(); // hints[] is final from here on
    }
    for (Listed l : firsts) {
      fresh.get(l.name).completeEarly(keys, l.kind.context);
    }
    // the directory's first file, when it is a counter file, is planned while the helper reads
    Listed firstListed = todo.get(0);
    ScanFile first = fresh.get(firstListed.name);
    if (firstListed == listed.get(0) && firstListed.kind.context == SeriesShape.Context.COUNTER
        && first.count() > 0 && first.version() != null) {
      prePlan = MergePlan.start(++planGeneration, listed.size());
      prePlan.add(first, firstListed.kind);
    }
    readRest(rest, next, fresh, hints);
    helper.join();
    return fresh;
  }

  /** Reads, compares and walks the files of {@code rest} no thread has claimed yet. */
  private static void readRest(List<Listed> rest, AtomicInteger next, Map<String, ScanFile> fresh,
      ScanFile[] hints) {
    ScanFile.Scratch scratch = new ScanFile.Scratch();
    try {
      for (int r; (r = next.getAndIncrement()) < rest.size(); ) {
        Listed l = rest.get(r);
        SeriesShape.Context ctx = l.kind.context;
        ScanFile sf = fresh.get(l.name);
        sf.read(l.path, l.size, scratch);
        sf.match(hints[ctx.ordinal()], ctx != SeriesShape.Context.GAUGE); // gauges need stamps
      }
    } finally {
      scratch.release();
    }
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

  /**
   * A directory whose status change time is this much older than a listing cannot have changed
   * since without changing that time (every create, delete and rename of a file in it sets it,
   * and unlike the modification time it cannot be set back), whatever the file system's
   * timestamp granularity.
   */
  long settledMillis = 2_000; // tests shorten it

  // the last listing, reused while the directory provably did not change since
  private List<Listed> lastListing;
  private List<Object> listedDirKey; // ctime, dev, ino
  private long listedAtMillis;
  private int listings;

  /**
   * The directory's {@code *.db} files in name order. Repeated scrapes reuse the last listing
   * while the directory (same device and inode) has the same status change time and that time
   * was settled when it was listed, and no listed file was empty (a file growing from 0 bytes
   * does not touch the directory); file sizes are then those of the listing, and growth is read
   * from each file's header, as always. Without the {@code unix} attribute view every scrape
   * lists.
   */
  private List<Listed> listFiles() {
    long now = System.currentTimeMillis();
    List<Object> dirState = directoryState();
    if (lastListing != null && dirState != null && dirState.equals(listedDirKey)
        && ((FileTime) dirState.get(0)).toMillis() <= listedAtMillis - settledMillis) {
      return lastListing;
    }
    listings++;
    List<Listed> out = new ArrayList<>();
    boolean reusable = true;
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
          reusable &= a.size() > 0 && a.fileKey() != null;
        }
      }
    } catch (NoSuchFileException e) {
      throw new IllegalStateException("Multiprocess directory " + directory + " does not exist", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list multiprocess directory " + directory, e);
    }
    out.sort((a, b) -> a.name.compareTo(b.name));
    lastListing = reusable && dirState != null ? out : null;
    listedDirKey = dirState;
    listedAtMillis = now;
    return out;
  }

  private static final String DIRECTORY_STATE = "unix:ctime,dev,ino";

  /** The directory's status change time, device and inode, or null when not available. */
  private List<Object> directoryState() {
    if (!unixView) {
      return null;
    }
    Map<String, Object> a;
    try {
      a = Files.readAttributes(directory, DIRECTORY_STATE);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      unixView = false;
      return null;
    } catch (NoSuchFileException e) {
      throw new IllegalStateException("Multiprocess directory " + directory + " does not exist", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read multiprocess directory " + directory, e);
    }
    Object ctime = a.get("ctime");
    if (!(ctime instanceof FileTime) || a.get("dev") == null || a.get("ino") == null) {
      unixView = false;
      return null;
    }
    return List.of(ctime, a.get("dev"), a.get("ino"));
  }

  private boolean unixView = true;

  /** How many times the directory was listed (for tests). */
  synchronized int listings() {
    return listings;
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

  private void error(String file, String message, Throwable t) {
    readErrors.merge(file, 1L, Long::sum);
    long now = System.currentTimeMillis();
    long[] w = warnings.computeIfAbsent(file, k -> new long[] {Long.MIN_VALUE, 0});
    if (w[0] != Long.MIN_VALUE && now - w[0] < warnIntervalMillis) {
      w[1]++;
      return;
    }
    String suppressed = w[1] > 0 ? " (" + w[1] + " similar warnings suppressed)" : "";
    w[0] = now;
    w[1] = 0;
    LOG.log(System.Logger.Level.WARNING, "Skipping multiprocess file " + directory.resolve(file)
        + ": " + message + suppressed, t);
  }

  /** Names of the files of the last scrape that are mapped and parsed (for tests). */
  synchronized Set<String> cachedFiles() {
    return new HashSet<>(files.keySet());
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
