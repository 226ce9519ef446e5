package dev.hearth.multiprocess.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The files that coordinate compaction in a multiprocess directory, and the journal that makes
 * its commit crash-safe.
 *
 * <p>A compaction commits under the exclusive {@link #DIRECTORY_LOCK}: it writes the journal
 * (the renames of its temporary compacted files over the compacted files, then the files to
 * delete), forces it to disk, performs the renames and deletions, and deletes the journal. A
 * journal that exists outside that lock was left by a compaction that died: {@link #recover}
 * rolls it forward (a rename only while its temporary file still exists, deletions of files that
 * still exist, a process lock file only when nobody holds it), which is idempotent, so a crash
 * during recovery is recovered the same way.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class CompactionJournal {
  /** The process id of the compacted files ({@code counter_hearth-compacted.db}, ...). */
  public static final String COMPACTED_ID = "hearth-compacted";
  /** Shared by Hearth scrapes, exclusive for a compaction's commit and for recovery. */
  public static final String DIRECTORY_LOCK = ".hearth-compaction.lock";
  /** Held exclusively for a whole compaction: compactions serialise. */
  public static final String COMPACTOR_LOCK = ".hearth-compactor.lock";
  /** The journal of a commit. */
  public static final String JOURNAL = ".hearth-compaction.journal";
  private static final String JOURNAL_TMP = JOURNAL + ".tmp";
  private static final String HEADER = "hearth-compaction-journal 1";
  private static final String PROCESS_LOCK_PREFIX = ".hearth_";
  private static final String PROCESS_LOCK_SUFFIX = ".lock";
  private static final String TMP_SUFFIX = ".tmp";

  private CompactionJournal() {}

  /** The name of the lock file of process {@code id}: {@code .hearth_<id>.lock}. */
  public static String processLockName(String id) {
    return PROCESS_LOCK_PREFIX + id + PROCESS_LOCK_SUFFIX;
  }

  /** The process id of a process lock file name, or null when it is not one. */
  public static String processIdOfLock(String name) {
    if (name.startsWith(PROCESS_LOCK_PREFIX) && name.endsWith(PROCESS_LOCK_SUFFIX)
        && name.length() > PROCESS_LOCK_PREFIX.length() + PROCESS_LOCK_SUFFIX.length()) {
      String id = name.substring(PROCESS_LOCK_PREFIX.length(),
          name.length() - PROCESS_LOCK_SUFFIX.length());
      return id.contains("_") ? null : id;
    }
    return null;
  }

  /** The compacted file of a type: {@code <type>_hearth-compacted.db}. */
  public static String compactedName(String type) {
    return type + "_" + COMPACTED_ID + ".db";
  }

  /** The temporary file a compacted file is written to: {@code .<compacted name>.tmp}. */
  public static String temporaryName(String compactedName) {
    return "." + compactedName + TMP_SUFFIX;
  }

  /** True for the temporary files of compactions (compacted files and the journal). */
  public static boolean isTemporary(String name) {
    return name.startsWith(".") && name.endsWith("_" + COMPACTED_ID + ".db" + TMP_SUFFIX)
        || name.equals(JOURNAL_TMP);
  }

  /** A commit: renames (temporary file, compacted file) then deletions, all names in the dir. */
  public static final class Commit {
    /** Pairs {from, to}. */
    public final List<String[]> renames;
    /** Files to delete. */
    public final List<String> deletions;

    /** A commit of these renames and deletions. */
    public Commit(List<String[]> renames, List<String> deletions) {
      this.renames = Collections.unmodifiableList(new ArrayList<>(renames));
      this.deletions = Collections.unmodifiableList(new ArrayList<>(deletions));
    }
  }

  private static String enc(String name) {
    return URLEncoder.encode(name, StandardCharsets.UTF_8);
  }

  private static String dec(String text) throws IOException {
    String name;
    try {
      name = URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IOException("bad name '" + text + "'");
    }
    if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")
        || name.contains("\\") || name.indexOf('\0') >= 0) {
      throw new IOException("bad name '" + text + "'");
    }
    return name;
  }

  /**
   * Writes the journal of {@code commit} into {@code dir} atomically (a temporary file forced to
   * disk, renamed into place, the directory forced). The caller holds the exclusive directory lock.
   */
  public static void write(Path dir, Commit commit) throws IOException {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (String[] r : commit.renames) {
      sb.append("rename ").append(enc(r[0])).append(' ').append(enc(r[1])).append('\n');
    }
    for (String d : commit.deletions) {
      sb.append("delete ").append(enc(d)).append('\n');
    }
    sb.append("end\n");
    Path tmp = dir.resolve(JOURNAL_TMP);
    try (RandomAccessFile f = new RandomAccessFile(tmp.toFile(), "rw")) {
      f.setLength(0);
      f.write(sb.toString().getBytes(StandardCharsets.UTF_8));
      f.getFD().sync();
    }
    Files.move(tmp, dir.resolve(JOURNAL), StandardCopyOption.ATOMIC_MOVE);
    LockRegistry.syncDirectory(dir);
  }

  /** The journal in {@code dir}, or null when there is none. */
  public static Commit read(Path dir) throws IOException {
    Path p = dir.resolve(JOURNAL);
    List<String> lines;
    try {
      lines = Files.readAllLines(p, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (lines.isEmpty() || !lines.get(0).equals(HEADER) || !lines.get(lines.size() - 1).equals("end")) {
      throw new IOException("Compaction journal " + p + " is not complete or not a journal of"
          + " this version; move it away after checking the directory");
    }
    List<String[]> renames = new ArrayList<>();
    List<String> deletions = new ArrayList<>();
    for (String line : lines.subList(1, lines.size() - 1)) {
      String[] parts = line.split(" ", -1);
      try {
        if (parts.length == 3 && parts[0].equals("rename")) {
          renames.add(new String[] {dec(parts[1]), dec(parts[2])});
        } else if (parts.length == 2 && parts[0].equals("delete")) {
          deletions.add(dec(parts[1]));
        } else {
          throw new IOException("unknown line");
        }
      } catch (IOException e) {
        throw new IOException("Compaction journal " + p + ": " + e.getMessage() + " in '" + line
            + "'; move it away after checking the directory");
      }
    }
    return new Commit(renames, deletions);
  }

  /** Called between the steps of a commit or recovery (for tests). */
  public interface Step {
    /** No-op. */
    Step NONE = (what, name) -> { };

    /** {@code what} is "rename" (after a rename to {@code name}) or "delete". */
    void done(String what, String name);
  }

  /**
   * Performs the renames and deletions of {@code commit} in {@code dir}, skipping those already
   * done. The caller holds the exclusive directory lock, and the journal is on disk.
   *
   * @param ownedLocks process locks the caller holds, by file name, deleted while held
   */
  public static void apply(Path dir, Commit commit, java.util.Map<String, LockRegistry.ProcessLock>
      ownedLocks, Step step) throws IOException {
    for (String[] r : commit.renames) {
      Path from = dir.resolve(r[0]);
      if (Files.exists(from)) {
        Files.move(from, dir.resolve(r[1]), StandardCopyOption.ATOMIC_MOVE);
      }
      step.done("rename", r[1]);
    }
    LockRegistry.syncDirectory(dir);
    for (String d : commit.deletions) {
      Path p = dir.resolve(d);
      LockRegistry.ProcessLock owned = ownedLocks.get(d);
      if (owned != null) {
        owned.deleteAndRelease();
      } else if (processIdOfLock(d) != null) {
        // another process' lock file: delete it only while nobody (e.g. a new writer that
        // reused the id after a crashed compaction) holds it
        LockRegistry.ProcessLock l = LockRegistry.tryProcessLock(p, false);
        if (l != null) {
          l.deleteAndRelease();
        }
      } else {
        Files.deleteIfExists(p);
      }
      step.done("delete", d);
    }
    LockRegistry.syncDirectory(dir);
  }

  /**
   * Rolls forward the journal in {@code dir} left by a compaction that died, if there is one.
   * Cheap when there is none (one file-existence check). Takes the exclusive directory lock.
   *
   * @return true when a journal was completed
   * @throws IOException when it exists but cannot be completed (e.g. a read-only directory)
   */
  public static boolean recover(Path dir) throws IOException {
    if (!Files.exists(dir.resolve(JOURNAL))) {
      return false;
    }
    LockRegistry.Held held = LockRegistry.exclusive(dir.resolve(DIRECTORY_LOCK));
    try {
      return recoverLocked(dir);
    } finally {
      held.close();
    }
  }

  /** {@link #recover} for a caller that holds the exclusive directory lock. */
  public static boolean recoverLocked(Path dir) throws IOException {
    Commit c = read(dir);
    if (c == null) {
      return false;
    }
    apply(dir, c, java.util.Map.of(), Step.NONE);
    Files.deleteIfExists(dir.resolve(JOURNAL));
    LockRegistry.syncDirectory(dir);
    return true;
  }
}
