package dev.hearth.multiprocess;

import dev.hearth.Counter;
import dev.hearth.MultiprocessMode;
import dev.hearth.model.MetricType;
import dev.hearth.multiprocess.internal.CompactionJournal;
import dev.hearth.multiprocess.internal.DbFileException;
import dev.hearth.multiprocess.internal.DbKey;
import dev.hearth.multiprocess.internal.LockRegistry;
import dev.hearth.multiprocess.internal.MmapDbFile;
import dev.hearth.spi.DoubleSlot;
import dev.hearth.spi.ValueStorage;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ValueStorage} keeping every value in memory-mapped files that Python
 * prometheus_client's {@code MultiProcessCollector} (and {@link MultiProcessCollector}) can merge:
 * one file per type (and gauge mode) per process, named as Python names them:
 * {@code counter_<id>.db}, {@code gauge_<mode>_<id>.db} (e.g. {@code gauge_livesum_<id>.db}),
 * {@code histogram_<id>.db}, {@code summary_<id>.db}.
 *
 * <pre>{@code
 * MmapValueStorage storage = MmapValueStorage.builder(Path.of("/run/metrics"))
 *     .processId("worker-3")            // default: this JVM's pid
 *     .format(FormatVersion.V1)         // to share the directory with client_python <= 0.17
 *     .build();
 * ValueStorages.install(storage);       // or MultiProcess.enable(dir)
 * }</pre>
 *
 * <p>Keys are the exact JSON Python writes, so a Python process reusing the same process id
 * continues the same entries. Values are updated atomically in the mapping, every update before
 * the call returns (nothing is buffered on the heap). Counters, histograms and summaries only
 * add: when threads contend for one of their entries, it is striped as a
 * {@link java.util.concurrent.atomic.LongAdder} is, over {@code <prefix>_<id>_s<k>.db} files
 * (e.g. {@code counter_<id>_s1.db}; {@code k} from 1 to the power of two at least twice the
 * processors, at most 16) holding the same key, each written by its own threads; readers
 * (Python's too) sum every file of these types whatever follows the type in its name, so the
 * totals are unchanged. In v2 a
 * {@code mostrecent}/{@code livemostrecent} gauge's slot writes the wall-clock time with each
 * {@code set} and {@code add}; every other write leaves the timestamp 0.0, as Python does.
 * {@link MultiprocessMode#MOSTRECENT} needs {@link FormatVersion#V2}.
 *
 * <p>The process id must be unique among the processes writing the directory at one time (in
 * containers sharing a volume, every JVM is pid 1: set one). Each open file is locked
 * ({@link java.nio.channels.FileLock}, where the file system supports it), so a second Hearth
 * writer with the same id fails with an error naming the file, and
 * {@link MultiProcessCollector.Builder#lockBasedLiveness(boolean)} can tell live writers from
 * dead ones. Other code in the JVM must not open these files: closing any descriptor of a file
 * drops the process's lock on it.
 *
 * <p>Files are created and grown with real blocks (zeros are written, not a sparse
 * {@code setLength}), so a full file system shows as an {@link IOException} when a series is
 * created, never as a crash when a value is written through the mapping. Such a failure is logged
 * once per storage and counted in {@code hearth_multiprocess_write_errors_total}
 * ({@link MultiProcess#writeErrors()}); the new series then keeps its values in this process's
 * memory (exposed by no multi-process collector), every other series goes on in its file, and no
 * value recorded before is lost. Thread-safe.
 */
public final class MmapValueStorage implements ValueStorage, Closeable {
  private final Path directory;
  private final String processId;
  private final FormatVersion format;
  private final Map<String, MmapDbFile> files = new ConcurrentHashMap<>();
  private final Map<String, DoubleSlot> slots = new ConcurrentHashMap<>();
  private final AtomicBoolean writeFailureLogged = new AtomicBoolean();
  private static final System.Logger LOG = System.getLogger(MmapValueStorage.class.getName());
  /** Failed file creations and growths of every storage in this JVM: a per-process fact. */
  static final Counter WRITE_ERRORS = Counter.builder("hearth_multiprocess_write_errors_total")
      .help("Multi-process files that could not be created or grown (e.g. a full disk); the series"
          + " concerned keep their values in this process's memory only.")
      .heapStorage()
      .build();
  /** Held from before the first file is opened until close(): this writer's proof of life. */
  private LockRegistry.ProcessLock processLock; // guarded by
  // processLockGuard; null where the file system cannot lock
  private volatile int lockState; // 0 not yet locked, 1 locked, 2 closed; written under the guard
  private final Object processLockGuard = new Object();

  private MmapValueStorage(Builder b) {
    this.directory = b.directory;
    this.processId = b.processId != null ? b.processId
        : String.valueOf(ProcessHandle.current().pid());
    this.format = b.format;
  }

  /** A builder writing to {@code directory}. */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /** The directory written to. */
  public Path directory() {
    return directory;
  }

  /** The process id in this storage's file names. */
  public String processId() {
    return processId;
  }

  /** The format written. */
  public FormatVersion format() {
    return format;
  }

  /** The file name prefix Python uses for a type and gauge mode, e.g. {@code gauge_livesum}. */
  static String filePrefix(MetricType type, MultiprocessMode mode, String metric) {
    switch (type) {
      case COUNTER:
        return "counter";
      case HISTOGRAM:
        return "histogram";
      case SUMMARY:
        return "summary";
      case GAUGE:
        return "gauge_" + (mode == null ? MultiprocessMode.ALL : mode).pythonName();
      default:
        throw new IllegalArgumentException("Metric '" + metric + "' of type " + type
            + " cannot be stored in multiprocess files; Python stores only counters, gauges,"
            + " histograms and summaries there");
    }
  }

  @Override
  public DoubleSlot slot(String familyName, String sampleName, List<String> labelNames,
      List<String> labelValues, String help, MetricType type, MultiprocessMode mode) {
    String prefix = filePrefix(type, mode, familyName);
    boolean timestamped = type == MetricType.GAUGE
        && (mode == MultiprocessMode.MOSTRECENT || mode == MultiprocessMode.LIVEMOSTRECENT);
    if (timestamped && format != FormatVersion.V2) {
      throw new IllegalArgumentException("Gauge '" + familyName + "': multiprocess mode "
          + mode.pythonName() + " needs file format v2 (client_python >= 0.18), but this storage"
          + " writes " + format);
    }
    String key = DbKey.encode(familyName, sampleName, labelNames, labelValues, help);
    String fileName = prefix + "_" + processId + ".db";
    return slots.computeIfAbsent(fileName + '\n' + key, k -> {
      StripedSlot.Stripe entry = entry(fileName, key);
      if (entry == null) { // logged and counted: this series lives on in memory
        return new HeapSlot();
      }
      if (type != MetricType.GAUGE) { // counter, histogram, summary: additive, striped
        return new StripedSlot(entry.file, entry.offset, key,
            stripe -> entry(prefix + "_" + processId + "_s" + stripe + ".db", key));
      }
      return timestamped ? new TimestampedSlot(entry.file, entry.offset)
          : new Slot(entry.file, entry.offset);
    });
  }

  /**
   * The entry of {@code key} in {@code fileName}, created when absent; null (logged once,
   * counted) when the file cannot be created or grown, e.g. on a full disk.
   *
   * @throws UncheckedIOException when the file exists but cannot be continued or is written by
   *     another process with this id: a set-up error, not a lack of space
   */
  private StripedSlot.Stripe entry(String fileName, String key) {
    if (lockState != 1) { // outside the try: a refused lock is a set-up error, never a heap slot
      lockProcess(fileName);
    }
    try {
      MmapDbFile f = file(fileName);
      return new StripedSlot.Stripe(f, f.valueOffset(key));
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof DbFileException) {
        throw e;
      }
      WRITE_ERRORS.inc();
      if (writeFailureLogged.compareAndSet(false, true)) {
        LOG.log(System.Logger.Level.WARNING, "Cannot write multiprocess file "
            + directory.resolve(fileName) + " (" + e.getCause().getMessage() + "): series that do"
            + " not fit keep their values in this process's memory only, where no multi-process"
            + " collector sees them; values recorded before are kept. Counted in "
            + "hearth_multiprocess_write_errors_total; further failures of " + this
            + " are not logged.", e);
      }
      return null;
    }
  }

  /**
   * The open file {@code fileName}, opened (created when absent) on first use; the process lock
   * is held.
   *
   * @throws UncheckedIOException when it cannot be opened or created; the cause is a
   *     {@link DbFileException} when it exists but cannot be written by this storage
   */
  private MmapDbFile file(String fileName) {
    return files.computeIfAbsent(fileName, n -> {
      try {
        return MmapDbFile.open(directory.resolve(n), format);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot open multiprocess file " + directory.resolve(n)
            + ": " + e.getMessage(), e);
      }
    });
  }

  /** The names of the files this storage has opened. */
  public List<String> fileNames() {
    return new ArrayList<>(files.keySet());
  }

  /**
   * Closes the files and releases this writer's process lock ({@code .hearth_<id>.lock}): from
   * then on the process counts as dead, and {@link MultiProcess#compact} may fold its files.
   * Slots already handed out keep updating the mappings, but what they record after a compaction
   * folded the files is lost; new series fail.
   */
  @Override
  public void close() throws IOException {
    IOException first = null;
    LockRegistry.ProcessLock held;
    synchronized (processLockGuard) {
      lockState = 2;
      held = processLock;
      processLock = null;
    }
    for (MmapDbFile f : files.values()) {
      try {
        f.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (held != null) { // after the files: from now on this process counts as dead
      held.release();
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * Takes this writer's process lock before its first file is opened (waiting while a
   * compaction folds a dead process with the same id), and completes a crashed compaction's
   * commit, so no file this writer opens is one still to be deleted.
   */
  private void lockProcess(String fileName) {
    synchronized (processLockGuard) {
      if (lockState == 2) {
        throw new IllegalStateException("Cannot open multiprocess file "
            + directory.resolve(fileName) + ": " + this + " is closed");
      }
      if (lockState == 1) {
        return;
      }
      try {
        processLock = Compactor.lockWriter(directory, processId);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot open multiprocess file "
            + directory.resolve(fileName) + ": " + e.getMessage(), e);
      }
      lockState = 1;
    }
  }

  @Override
  public String toString() {
    return "MmapValueStorage[" + directory + ", process " + processId + ", " + format + "]";
  }

  private static class Slot implements DoubleSlot {
    final MmapDbFile file;
    final int offset;

    Slot(MmapDbFile file, int offset) {
      this.file = file;
      this.offset = offset;
    }

    @Override
    public void add(double delta) {
      file.add(offset, delta);
    }

    @Override
    public void set(double value) {
      file.set(offset, value);
    }

    @Override
    public double get() {
      return file.get(offset);
    }
  }

  /** A series' value in this process's memory, when its file could not be written. */
  private static final class HeapSlot implements DoubleSlot {
    private final AtomicLong bits = new AtomicLong();

    @Override
    public void add(double delta) {
      long b;
      do {
        b = bits.get();
      } while (!bits.weakCompareAndSetVolatile(
          b, Double.doubleToRawLongBits(Double.longBitsToDouble(b) + delta)));
    }

    @Override
    public void set(double value) {
      bits.set(Double.doubleToRawLongBits(value));
    }

    @Override
    public double get() {
      return Double.longBitsToDouble(bits.get());
    }
  }

  private static final class TimestampedSlot extends Slot {
    TimestampedSlot(MmapDbFile file, int offset) {
      super(file, offset);
    }

    private static double now() {
      Instant t = Instant.now();
      return t.getEpochSecond() + t.getNano() / 1e9;
    }

    @Override
    public synchronized void add(double delta) {
      file.add(offset, delta);
      file.setTimestamp(offset, now());
    }

    @Override
    public synchronized void set(double value) {
      file.set(offset, value);
      file.setTimestamp(offset, now());
    }
  }

  /** Builds a {@link MmapValueStorage}. */
  public static final class Builder {
    private final Path directory;
    private String processId;
    private FormatVersion format = FormatVersion.V2;

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    /**
     * The id in file names (default: this JVM's pid). Must not contain {@code _} or {@code /}.
     */
    public Builder processId(String processId) {
      Objects.requireNonNull(processId, "processId");
      if (processId.isEmpty() || processId.contains("_") || processId.contains("/")
          || processId.contains("\\")) {
        throw new IllegalArgumentException("Invalid multiprocess process id '" + processId
            + "': must be non-empty without '_', '/' or '\\'");
      }
      if (processId.equals(CompactionJournal.COMPACTED_ID)) {
        throw new IllegalArgumentException("Invalid multiprocess process id '" + processId
            + "': it is reserved for the files compaction writes (counter_" + processId
            + ".db, ...)");
      }
      this.processId = processId;
      return this;
    }

    /** The id in file names. */
    public Builder processId(long processId) {
      return processId(String.valueOf(processId));
    }

    /** The format to write (default {@link FormatVersion#V2}). */
    public Builder format(FormatVersion format) {
      this.format = Objects.requireNonNull(format, "format");
      return this;
    }

    /** The storage; files are created on first use. */
    public MmapValueStorage build() {
      return new MmapValueStorage(this);
    }
  }
}
