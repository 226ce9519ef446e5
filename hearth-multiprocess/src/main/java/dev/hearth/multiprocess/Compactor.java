package dev.hearth.multiprocess;

import dev.hearth.multiprocess.internal.CompactionJournal;
import dev.hearth.multiprocess.internal.DbFileContents;
import dev.hearth.multiprocess.internal.DbFileWriter;
import dev.hearth.multiprocess.internal.LockRegistry;
import dev.hearth.multiprocess.internal.MmapDbFile;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compaction of a multiprocess directory: folds the counter, histogram and summary files of dead
 * Hearth writers into one compacted file per type, and the coordination it needs with writers
 * and Hearth readers. The protocol:
 *
 * <ol>
 *   <li>Proof of death. Each Hearth writer holds an exclusive lock on {@code .hearth_<id>.lock}
 *       from before it opens its first {@code .db} file until it is closed or its process ends,
 *       and writes a record of itself (pid, start time) into it right after locking. A process
 *       id whose lock file exists, holds a record and can be locked belongs to a dead Hearth
 *       writer (a free lock file without a record is being created right now, or its writer died
 *       before having files: it is left alone). Python writers hold no locks and have no lock
 *       file: their files are never folded. When the id is a number and a process with that pid
 *       runs that is not the writer recorded in the lock file, the id is skipped too (a Python
 *       worker may have reused the pid and be continuing the dead writer's files).</li>
 *   <li>The whole compaction holds {@link CompactionJournal#COMPACTOR_LOCK}, so compactions
 *       serialise; each dead process' lock is held from its proof of death to the end of the
 *       commit, so a new writer reusing the id cannot lock it: it waits for the compactor lock
 *       (that is, for this compaction to end), then locks a new lock file. Each file folded is
 *       locked as well, and skipped (with its process) if a writer still holds it.</li>
 *   <li>Files are read and validated as the collector reads them; a process with a file that
 *       cannot be read is skipped entirely. The sums per key string, with the current compacted
 *       file's, are written to temporary dot-files and forced to disk.</li>
 *   <li>Commit, under the exclusive {@link CompactionJournal#DIRECTORY_LOCK} that Hearth scrapes
 *       take shared: journal, renames over the compacted files, deletion of the folded files, of
 *       the dead processes' {@code gauge_live*} files and of their lock files (while held), then
 *       the journal is deleted. A journal left by a crash is rolled forward by the next
 *       compaction, scrape or writer ({@link CompactionJournal#recover}); writers create and
 *       lock their lock file under the shared directory lock, so a lock file is never deleted
 *       between a writer opening and locking it.</li>
 * </ol>
 */
final class Compactor {
  private static final System.Logger LOG = System.getLogger(Compactor.class.getName());
  /** The additive types that are folded. */
  static final List<String> TYPES = List.of("counter", "histogram", "summary");
  private static final Pattern RECORD =
      Pattern.compile("hearth-writer pid=(\\d+) start=(-|\\d+)\\s*");
  private static final Pattern NUMERIC = Pattern.compile("[0-9]{1,18}");
  private static final long WARN_INTERVAL_MILLIS = Duration.ofMinutes(10).toMillis();
  private static final Map<String, Long> WARNED = new ConcurrentHashMap<>();

  private Compactor() {}

  /** The steps of a compaction a test can stop or pause at. */
  enum Phase {
    /** A process was proven dead and its lock is held (detail: the process id). */
    DEATH_PROVEN,
    /** The temporary compacted files are on disk; nothing is committed (detail: null). */
    TEMPS_WRITTEN,
    /** The journal is on disk; nothing is renamed yet (detail: null). */
    JOURNAL_WRITTEN,
    /** A compacted file was renamed into place (detail: its name). */
    RENAMED,
    /** A file was deleted during the commit (detail: its name). */
    DELETED
  }

  /** Called at each {@link Phase}; for tests. */
  interface Hook {
    /** No-op. */
    Hook NONE = (phase, detail) -> { };

    void at(Phase phase, String detail);
  }

  /** A process that cannot be folded this time. */
  private static final class Skip extends Exception {
    private static final long serialVersionUID = 1L;

    Skip(String message) {
      super(message, null, false, false);
    }
  }

  // ---------------------------------------------------------------- writers and readers

  /** This JVM as recorded in a writer's lock file. */
  private static String writerRecord() {
    ProcessHandle me = ProcessHandle.current();
    return "hearth-writer pid=" + me.pid() + " start="
        + me.info().startInstant().map(i -> String.valueOf(i.toEpochMilli())).orElse("-") + "\n";
  }

  /**
   * Takes the process lock of a writer with {@code processId} in {@code dir}, then completes a
   * commit left by a crashed compaction, so the writer never opens a file that is still to be
   * deleted. Returns null (after one warning) where the file system cannot lock.
   *
   * @throws IOException when another live writer (process or storage) has this id; the message
   *     says so
   */
  static LockRegistry.ProcessLock lockWriter(Path dir, String processId) throws IOException {
    Path real;
    try {
      real = dir.toRealPath();
    } catch (NoSuchFileException e) {
      throw new IOException("multiprocess directory " + dir.toAbsolutePath() + " does not exist", e);
    }
    Path lockFile = real.resolve(CompactionJournal.processLockName(processId));
    LockRegistry.ProcessLock lock;
    try {
      lock = tryUnderSharedDirectoryLock(real, lockFile);
      if (lock == null) {
        // held: by a live writer, or by a compaction folding a dead process with this id. A
        // compaction holds the compactor lock throughout: wait for it, then try once more
        LockRegistry.Held compactor =
            LockRegistry.exclusive(real.resolve(CompactionJournal.COMPACTOR_LOCK));
        try {
          lock = tryUnderSharedDirectoryLock(real, lockFile);
        } finally {
          compactor.close();
        }
        if (lock == null) {
          throw new IOException("process id " + processId + " is already being written by"
              + " another live process or storage (" + lockFile.getFileName() + " is locked);"
              + " every writer needs its own id");
        }
      }
    } catch (LockRegistry.LockingUnsupportedException e) {
      warnRateLimited("nolock:" + real, "Cannot lock " + lockFile + " (" + e.getMessage() + "):"
          + " the files of process " + processId + " will never be compacted");
      CompactionJournal.recover(real);
      return null;
    }
    boolean ok = false;
    try {
      lock.writeRecord(writerRecord());
      CompactionJournal.recover(real);
      ok = true;
      return lock;
    } finally {
      if (!ok) {
        lock.release();
      }
    }
  }

  private static LockRegistry.ProcessLock tryUnderSharedDirectoryLock(Path real, Path lockFile)
      throws IOException {
    // lock files are deleted only under the exclusive directory lock: the file opened and locked
    // here is the one at the path, and stays there while held
    LockRegistry.Held d = LockRegistry.shared(real.resolve(CompactionJournal.DIRECTORY_LOCK));
    try {
      return LockRegistry.tryProcessLock(lockFile, true);
    } finally {
      d.close();
    }
  }

  /**
   * Before a Hearth scrape of {@code dir}: completes a crashed compaction's commit, then takes
   * the directory lock shared, so no compaction commits during the scrape; gives up when the
   * lock is not free within {@code timeout}. Returns a no-op when the directory does not exist
   * (the scrape reports that).
   *
   * @throws UncheckedIOException when a crashed commit cannot be completed (reading the directory
   *     would count folded values twice), or when the lock was held longer than {@code timeout}
   *     (reading during a commit could count folded values twice or miss them)
   */
  static LockRegistry.Held beginScrape(Path dir, Duration timeout) {
    Path real;
    try {
      real = dir.toRealPath();
    } catch (IOException e) {
      return LockRegistry.Held.NONE;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Path lock = real.resolve(CompactionJournal.DIRECTORY_LOCK);
    if (Files.exists(real.resolve(CompactionJournal.JOURNAL))) { // a crashed commit: roll it forward first
      LockRegistry.Held exclusive = LockRegistry.tryUntil(lock, false, deadline);
      if (exclusive == null) {
        throw lockTimeout(dir, timeout);
      }
      try {
        CompactionJournal.recoverLocked(real);
      } catch (IOException e) {
        throw new UncheckedIOException("Multiprocess directory " + dir + " has an unfinished"
            + " compaction that cannot be completed (" + e.getMessage() + "); not reading it, as"
            + " folded values would be counted twice", e);
      } finally {
        exclusive.close();
      }
    }
    LockRegistry.Held shared = LockRegistry.tryUntil(lock, true, deadline);
    if (shared == null) {
      throw lockTimeout(dir, timeout);
    }
    return shared;
  }

  private static UncheckedIOException lockTimeout(Path dir, Duration timeout) {
    return new UncheckedIOException(new IOException("Multiprocess directory " + dir
        + ": a compaction has held " + CompactionJournal.DIRECTORY_LOCK + " for more than "
        + timeout.toMillis() + " ms; not serving the directory, since reading it during a"
        + " compaction's commit could count folded values twice or miss them"));
  }


  // ---------------------------------------------------------------- compaction

  /**
   * Compacts {@code dir}, folding at most {@code maxProcesses} dead processes (in id order).
   *
   * @throws IOException when the directory cannot be listed, the current compacted file is
   *     corrupt, or the commit fails; nothing is lost, and a started commit is completed by the
   *     next compaction or scrape
   */
  static CompactionResult compact(Path dir, Hook hook, int maxProcesses) throws IOException {
    long start = System.nanoTime();
    Path real = dir.toRealPath();
    LockRegistry.Held compactorLock =
        LockRegistry.exclusive(real.resolve(CompactionJournal.COMPACTOR_LOCK));
    Map<String, LockRegistry.ProcessLock> proven = new TreeMap<>();
    Map<String, List<LockRegistry.LockedFile>> locked = new HashMap<>();
    List<Path> temporaries = new ArrayList<>();
    boolean committed = false;
    try {
      CompactionJournal.recover(real);
      Map<String, String> skipped = new TreeMap<>();
      List<String> names = list(real);
      for (String n : names) {
        if (CompactionJournal.isTemporary(n)) { // left by a compaction that died before its commit
          Files.deleteIfExists(real.resolve(n));
        }
      }
      // 1. proofs of death
      for (String n : list(real)) {
        String id = CompactionJournal.processIdOfLock(n);
        if (id == null || id.equals(CompactionJournal.COMPACTED_ID)) {
          continue;
        }
        if (proven.size() >= maxProcesses) {
          break;
        }
        LockRegistry.ProcessLock l;
        try {
          l = LockRegistry.tryProcessLock(real.resolve(n), false);
        } catch (IOException e) {
          skipped.put(id, "cannot lock " + n + ": " + e.getMessage());
          continue;
        }
        if (l == null) {
          continue; // a live writer
        }
        String record = l.readRecord();
        if (record.isEmpty()) {
          // a writer records itself right after locking, before it opens any file: this one is
          // being created right now (its writer will wait for this compaction), or its writer
          // died before having any file. Nothing to fold either way
          l.release();
          continue;
        }
        String reused = pidReused(id, record);
        if (reused != null) {
          l.release();
          skipped.put(id, reused);
          continue;
        }
        proven.put(id, l);
        hook.at(Phase.DEATH_PROVEN, id);
      }
      // 2. their files, listed now that they are final
      Map<String, List<String>> additive = new TreeMap<>();
      Map<String, List<String>> liveGauges = new TreeMap<>();
      for (String n : list(real)) {
        String[] owner = owner(n);
        if (owner != null && proven.containsKey(owner[1])) {
          (owner[0].equals("gauge") ? liveGauges : additive)
              .computeIfAbsent(owner[1], k -> new ArrayList<>()).add(n);
        }
      }
      // 3. read them; a process with a file that cannot be read is skipped as a whole
      Map<String, DbFileContents> contents = new TreeMap<>();
      for (String id : new ArrayList<>(proven.keySet())) {
        List<LockRegistry.LockedFile> files = new ArrayList<>();
        locked.put(id, files);
        try {
          for (String n : additive.getOrDefault(id, List.of())) {
            Path p = real.resolve(n);
            if (MmapDbFile.openInThisJvm(p) != null) {
              throw new Skip(n + " is open for writing in this JVM");
            }
            // a dead process' file set is final: only compactions (serialised) delete them
            LockRegistry.LockedFile f = LockRegistry.tryLockFile(p);
            if (f == null) {
              throw new Skip(n + " is locked by a live writer");
            }
            files.add(f);
            contents.put(n, DbFileContents.read(n, f.file()));
          }
        } catch (Skip | IOException e) {
          String why = e instanceof Skip ? e.getMessage() : "cannot read: " + e.getMessage();
          skipped.put(id, why);
          warnRateLimited(real + "\n" + id, "Multiprocess compaction of " + real + " skips process "
              + id + ", its files stay as they are: " + why);
          for (LockRegistry.LockedFile f : locked.remove(id)) {
            f.release();
          }
          proven.remove(id).release();
          additive.remove(id);
          liveGauges.remove(id);
          for (String n : new ArrayList<>(contents.keySet())) {
            if (id.equals(owner(n)[1])) {
              contents.remove(n);
            }
          }
        }
      }
      if (proven.isEmpty()) {
        return new CompactionResult(List.of(), List.of(), List.of(), List.of(), skipped,
            Duration.ofNanos(System.nanoTime() - start));
      }
      // 4. new compacted files
      List<String[]> renames = new ArrayList<>();
      List<String> folded = new ArrayList<>();
      for (String type : TYPES) {
        List<String> ofType = new ArrayList<>();
        for (List<String> fs : additive.values()) {
          for (String n : fs) {
            if (n.startsWith(type + "_")) {
              ofType.add(n);
            }
          }
        }
        if (ofType.isEmpty()) {
          continue;
        }
        folded.addAll(ofType);
        String[] tmp = writeCompacted(real, type, ofType, contents);
        if (tmp != null) {
          temporaries.add(real.resolve(tmp[0]));
          renames.add(tmp);
        }
      }
      hook.at(Phase.TEMPS_WRITTEN, null);
      // 5. commit
      List<String> deletions = new ArrayList<>(folded);
      List<String> gauges = new ArrayList<>();
      liveGauges.values().forEach(gauges::addAll);
      deletions.addAll(gauges);
      Map<String, LockRegistry.ProcessLock> owned = new HashMap<>();
      for (Map.Entry<String, LockRegistry.ProcessLock> e : proven.entrySet()) {
        String n = CompactionJournal.processLockName(e.getKey());
        deletions.add(n);
        owned.put(n, e.getValue());
      }
      LockRegistry.Held dirLock =
          LockRegistry.exclusive(real.resolve(CompactionJournal.DIRECTORY_LOCK));
      try {
        for (Map.Entry<String, LockRegistry.ProcessLock> e : proven.entrySet()) {
          String reused = pidReused(e.getKey(), e.getValue().readRecord());
          if (!e.getValue().isValid() || reused != null) {
            throw new IOException("lost the proof that process " + e.getKey() + " is dead ("
                + (reused != null ? reused : "its lock was released") + "); nothing was compacted");
          }
        }
        for (List<LockRegistry.LockedFile> fs : locked.values()) {
          for (LockRegistry.LockedFile f : fs) {
            if (!f.isValid()) {
              throw new IOException("lost the lock on " + f.path() + "; nothing was compacted");
            }
          }
        }
        CompactionJournal.Commit commit = new CompactionJournal.Commit(renames, deletions);
        CompactionJournal.write(real, commit);
        committed = true; // from here on the journal completes it, even if this process dies
        hook.at(Phase.JOURNAL_WRITTEN, null);
        CompactionJournal.apply(real, commit, owned, (what, name) ->
            hook.at(what.equals("rename") ? Phase.RENAMED : Phase.DELETED, name));
        Files.deleteIfExists(real.resolve(CompactionJournal.JOURNAL));
        LockRegistry.syncDirectory(real);
      } finally {
        dirLock.close();
      }
      List<String> written = new ArrayList<>();
      for (String[] r : renames) {
        written.add(r[1]);
      }
      CompactionResult result = new CompactionResult(new ArrayList<>(proven.keySet()), folded,
          gauges, written, skipped, Duration.ofNanos(System.nanoTime() - start));
      LOG.log(System.Logger.Level.DEBUG, () -> "Multiprocess compaction of " + real + ": " + result);
      return result;
    } finally {
      for (List<LockRegistry.LockedFile> fs : locked.values()) {
        for (LockRegistry.LockedFile f : fs) {
          f.release();
        }
      }
      for (LockRegistry.ProcessLock l : proven.values()) {
        l.release();
      }
      if (!committed) {
        for (Path t : temporaries) {
          try {
            Files.deleteIfExists(t);
          } catch (IOException e) {
            // the next compaction deletes it
          }
        }
      }
      compactorLock.close();
    }
  }

  /**
   * Writes the temporary compacted file of {@code type}: the current compacted file's entries
   * plus those of {@code files}, summed per key string. Returns {temporary, compacted} names,
   * or null when the files folded have no entries (the compacted file stays as it is).
   */
  private static String[] writeCompacted(Path dir, String type, List<String> files,
      Map<String, DbFileContents> contents) throws IOException {
    boolean anyEntries = false;
    boolean allV1 = true;
    for (String n : files) {
      DbFileContents c = contents.get(n);
      anyEntries |= c.size() > 0;
      allV1 &= c.version == null || c.version == FormatVersion.V1;
    }
    if (!anyEntries) {
      return null;
    }
    String compacted = CompactionJournal.compactedName(type);
    DbFileContents existing = null;
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve(compacted).toFile(), "r")) {
      existing = DbFileContents.read(compacted, f);
    } catch (java.io.FileNotFoundException e) {
      existing = null; // the first compaction of this type
    } catch (IOException e) {
      throw new IOException("the compacted file " + dir.resolve(compacted) + " cannot be read ("
          + e.getMessage() + "); nothing was compacted. Move it away to start a new one", e);
    }
    FormatVersion version = existing != null && existing.version != null ? existing.version
        : allV1 ? FormatVersion.V1 : FormatVersion.V2;
    Map<String, double[]> sums = new LinkedHashMap<>();
    if (existing != null) {
      add(sums, existing);
    }
    for (String n : files) {
      add(sums, contents.get(n));
    }
    List<String> keys = new ArrayList<>(sums.keySet());
    double[] values = new double[keys.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = sums.get(keys.get(i))[0];
    }
    String tmp = CompactionJournal.temporaryName(compacted);
    DbFileWriter.write(dir.resolve(tmp), version, keys, values);
    return new String[] {tmp, compacted};
  }

  private static void add(Map<String, double[]> sums, DbFileContents c) {
    for (int i = 0; i < c.size(); i++) {
      sums.computeIfAbsent(c.keys.get(i), k -> new double[1])[0] += c.values[i];
    }
  }

  /**
   * {type, process id} of a file that compaction handles: {@code counter_<id>.db},
   * {@code histogram_<id>.db}, {@code summary_<id>.db} and their stripes
   * ({@code <type>_<id>_s<k>.db}), and {@code gauge_live<mode>_<id>.db} (type "gauge"); null
   * for any other name.
   */
  static String[] owner(String name) {
    if (!name.endsWith(".db") || name.startsWith(".")) {
      return null;
    }
    String base = name.substring(0, name.length() - 3);
    String[] parts = base.split("_", -1);
    if (parts.length >= 2 && TYPES.contains(parts[0]) && !parts[1].isEmpty()) {
      return new String[] {parts[0], parts[1]};
    }
    if (parts.length == 3 && parts[0].equals("gauge") && parts[1].startsWith("live")
        && !parts[2].isEmpty()) {
      return new String[] {"gauge", parts[2]};
    }
    return null;
  }

  /**
   * Why a dead writer's numeric id must not be folded: a running process has that pid and is
   * not the writer recorded in the lock file (whose storage was closed); null when foldable.
   */
  static String pidReused(String id, String record) {
    if (!NUMERIC.matcher(id).matches()) {
      return null;
    }
    Optional<ProcessHandle> ph = ProcessHandle.of(Long.parseLong(id));
    if (ph.isEmpty() || !ph.get().isAlive()) {
      return null;
    }
    Matcher m = RECORD.matcher(record);
    if (m.matches() && m.group(1).equals(id) && !m.group(2).equals("-")) {
      Optional<Instant> started = ph.get().info().startInstant();
      if (started.isPresent() && String.valueOf(started.get().toEpochMilli()).equals(m.group(2))) {
        return null; // the writer's own process, alive with its storage closed
      }
    }
    return "a running process has pid " + id + " and is not the Hearth writer that held "
        + CompactionJournal.processLockName(id) + " (a Python worker may have reused the pid"
        + " and be continuing its files)";
  }

  private static List<String> list(Path dir) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        names.add(p.getFileName().toString());
      }
    }
    names.sort(null);
    return names;
  }

  /** Logs {@code message} at WARNING at most once per 10 minutes per {@code key}. */
  static void warnRateLimited(String key, String message) {
    long now = System.currentTimeMillis();
    Long last = WARNED.get(key);
    if (last != null && now - last < WARN_INTERVAL_MILLIS) {
      return;
    }
    WARNED.put(key, now);
    LOG.log(System.Logger.Level.WARNING, message);
  }

  /** The ids in {@code dir} that have a lock file (for tests). */
  static TreeSet<String> lockedIds(Path dir) throws IOException {
    TreeSet<String> ids = new TreeSet<>();
    for (String n : list(dir)) {
      String id = CompactionJournal.processIdOfLock(n);
      if (id != null) {
        ids.add(id);
      }
    }
    return ids;
  }
}
