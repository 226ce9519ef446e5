package dev.hearth.multiprocess.internal;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The JVM-wide registry of the lock files a multiprocess directory is coordinated with.
 *
 * <p>{@link FileLock}s belong to the whole JVM: a second lock on a region this JVM already holds
 * throws {@link OverlappingFileLockException}, and closing <em>any</em> descriptor of a file drops
 * every POSIX lock the process holds on it. So each lock file is opened by at most one channel
 * in this JVM at a time, and threads coordinate here first:
 *
 * <ul>
 *   <li>{@link #shared}/{@link #exclusive}: a read-write lock file (the directory's compaction
 *       lock, the compactor lock). A {@link ReentrantReadWriteLock} orders the threads of this
 *       JVM; a shared {@link FileLock} is held while any thread of this JVM holds the read lock, an
 *       exclusive one while a thread holds the write lock.</li>
 *   <li>{@link #tryProcessLock}: a process' lock file ({@code .hearth_<id>.lock}), held
 *       exclusively by one owner (a writer for its lifetime, or a compactor that proved the
 *       process dead), never waited for.</li>
 * </ul>
 *
 * <p>Cross-process waits poll {@link FileChannel#tryLock} (which, unlike {@link
 * FileChannel#lock}, is not interruptible: an interrupt during a blocking {@code lock()} would
 * close the channel and drop the locks of every other thread using it); files are read and
 * written through {@link RandomAccessFile} methods, which are not interruptible either. On a
 * file system without locking (or a read-only directory for {@link #shared}) the cross-process
 * part is skipped with one warning, and only threads of this JVM are coordinated.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class LockRegistry {
  private static final System.Logger LOG = System.getLogger(LockRegistry.class.getName());
  private static final Map<Path, RwLockFile> RW = new ConcurrentHashMap<>();
  private static final Map<Path, ProcessLock> PROCESS = new HashMap<>(); // guarded by itself
  private static final Set<Path> WARNED = ConcurrentHashMap.newKeySet();
  /**
   * Files this JVM holds an unregistered lock on (through another path): never closed, since
   * closing would drop that lock. Should stay empty.
   */
  private static final List<RandomAccessFile> NEVER_CLOSE = new ArrayList<>();

  private LockRegistry() {}

  /** A held lock; {@link #close()} releases it (once). */
  public interface Held extends AutoCloseable {
    /** A lock that holds nothing. */
    Held NONE = () -> { };

    /** Releases the lock; later calls do nothing. */
    @Override
    void close();
  }

  private static Path key(Path lockFile) {
    return lockFile.toAbsolutePath().normalize();
  }

  /**
   * Takes {@code lockFile} shared (created when absent), waiting for exclusive holders in this
   * JVM and in other processes.
   */
  public static Held shared(Path lockFile) {
    return RW.computeIfAbsent(key(lockFile), RwLockFile::new).acquire(true, NO_DEADLINE);
  }

  /**
   * {@link #shared} or {@link #exclusive}, giving up at {@code deadline} ({@link System#nanoTime()}
   * value): null when the lock was not free by then (nothing is held).
   */
  public static Held tryUntil(Path lockFile, boolean shared, long deadline) {
    return RW.computeIfAbsent(key(lockFile), RwLockFile::new).acquire(shared, deadline);
  }

  private static final long NO_DEADLINE = Long.MAX_VALUE;

  /**
   * Takes {@code lockFile} exclusively (created when absent), waiting for every other holder in
   * this JVM and in other processes.
   */
  public static Held exclusive(Path lockFile) {
    return RW.computeIfAbsent(key(lockFile), RwLockFile::new).acquire(false, NO_DEADLINE);
  }

  private static void warnOnce(Path file, String message, Throwable t) {
    if (WARNED.add(file)) {
      LOG.log(System.Logger.Level.WARNING, message, t);
    }
  }

  /** Sleeps; true when interrupted (the flag is then clear: the caller restores it). */
  private static boolean pause(long millis) {
    try {
      Thread.sleep(millis);
      return false;
    } catch (InterruptedException e) {
      return true;
    }
  }

  /** Returned by {@link #pollLock} when the deadline passed. */
  private static final Object TIMED_OUT = new Object();

  /**
   * Polls {@code tryLock} until it succeeds: the lock, null when the file system cannot lock, or
   * {@link #TIMED_OUT} at {@code deadline}.
   */
  private static Object pollLock(FileChannel ch, boolean shared, Path file, long deadline) {
    boolean interrupted = Thread.interrupted();
    try {
      long wait = 1;
      while (true) {
        FileLock l;
        try {
          l = ch.tryLock(0, Long.MAX_VALUE, shared);
        } catch (IOException e) {
          warnOnce(file, "Cannot lock " + file + " (" + e + "): multiprocess compaction is not"
              + " coordinated with other processes on this file system", e);
          return null;
        }
        if (l != null) {
          return l;
        }
        if (deadline != NO_DEADLINE && System.nanoTime() - deadline >= 0) {
          return TIMED_OUT;
        }
        // keep waiting when interrupted: giving up would leave the protocol half done
        interrupted |= Thread.interrupted() | pause(wait);
        wait = Math.min(5, wait * 2);
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** One read-write lock file of this JVM. */
  private static final class RwLockFile {
    private final Path path;
    private final ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
    private RandomAccessFile file; // guarded by this; open while a FileLock is held
    private FileLock lock; // guarded by this
    private int readers; // guarded by this

    RwLockFile(Path path) {
      this.path = path;
    }

    Held acquire(boolean shared, long deadline) {
      java.util.concurrent.locks.Lock l = shared ? rw.readLock() : rw.writeLock();
      if (deadline == NO_DEADLINE) {
        l.lock();
      } else if (!tryLock(l, deadline)) {
        return null;
      }
      boolean ok = false;
      try {
        synchronized (this) {
          if ((!shared || readers++ == 0) && !lockFile(shared, deadline)) {
            return null; // the finally block undoes the count and the thread lock
          }
        }
        ok = true;
      } finally {
        if (!ok) {
          synchronized (this) {
            if (shared) {
              readers--;
            }
          }
          l.unlock();
        }
      }
      return new Held() {
        private boolean released;

        @Override
        public void close() {
          synchronized (this) {
            if (released) {
              return;
            }
            released = true;
          }
          release(shared);
          l.unlock();
        }
      };
    }

    private synchronized void release(boolean shared) {
      if (!shared || --readers == 0) {
        unlockFile();
      }
    }

    /** Takes {@code l} by {@code deadline}; an interrupt is kept for the caller and ends the wait. */
    private static boolean tryLock(java.util.concurrent.locks.Lock l, long deadline) {
      try {
        return l.tryLock(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }

    // guarded by this; false when the deadline passed (nothing held)
    private boolean lockFile(boolean shared, long deadline) {
      RandomAccessFile f = null;
      try {
        f = new RandomAccessFile(path.toFile(), "rw");
      } catch (FileNotFoundException e) { // read-only directory or file
        if (shared && Files.exists(path)) {
          try {
            f = new RandomAccessFile(path.toFile(), "r");
          } catch (FileNotFoundException e2) {
            f = null;
          }
        }
        if (f == null) {
          warnOnce(path, "Cannot open lock file " + path + " (" + e.getMessage() + "): reads"
              + " and compactions of this directory are not coordinated with other processes", null);
          return true;
        }
      }
      Object l = pollLock(f.getChannel(), shared, path, deadline);
      if (!(l instanceof FileLock)) {
        closeQuietly(f);
        return l != TIMED_OUT;
      }
      file = f;
      lock = (FileLock) l;
      return true;
    }

    // guarded by this
    private void unlockFile() {
      if (file == null) {
        return;
      }
      try {
        lock.release();
      } catch (IOException e) {
        // closing the file below releases it
      }
      closeQuietly(file);
      file = null;
      lock = null;
    }
  }

  private static void closeQuietly(RandomAccessFile f) {
    try {
      f.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }

  /**
   * Tries to take the process lock file {@code lockFile} exclusively, without waiting.
   *
   * @param create create the file when absent (a writer); otherwise (a compactor) return null
   *     when it does not exist
   * @return the lock, or null when another owner in this JVM or another process holds it (or it
   *     does not exist and {@code create} is false)
   * @throws LockingUnsupportedException when the file system cannot lock
   * @throws IOException when the file cannot be opened
   */
  public static ProcessLock tryProcessLock(Path lockFile, boolean create) throws IOException {
    Path k = key(lockFile);
    synchronized (PROCESS) {
      if (PROCESS.containsKey(k)) {
        return null;
      }
      if (!create && !Files.exists(k)) {
        return null;
      }
      RandomAccessFile f;
      try {
        f = new RandomAccessFile(k.toFile(), "rw");
      } catch (FileNotFoundException e) {
        if (!create && !Files.exists(k)) {
          return null;
        }
        throw e;
      }
      FileLock l = tryExclusive(f, k);
      if (l == null) {
        return null;
      }
      ProcessLock p = new ProcessLock(new LockedFile(k, f, l));
      PROCESS.put(k, p);
      return p;
    }
  }

  /** The file system refused to lock a file (e.g. it does not support locks). */
  public static final class LockingUnsupportedException extends IOException {
    private static final long serialVersionUID = 1L;

    LockingUnsupportedException(Path file, IOException cause) {
      super("cannot lock " + file + ": " + cause.getMessage(), cause);
    }
  }

  /** True when an owner in this JVM holds the process lock file {@code lockFile}. */
  public static boolean heldInThisJvm(Path lockFile) {
    synchronized (PROCESS) {
      return PROCESS.containsKey(key(lockFile));
    }
  }

  /**
   * An exclusively held process lock file. It can carry a small text record (who holds it), and
   * can be deleted while held so that a process reusing the id starts with a new file.
   */
  public static final class ProcessLock {
    private final LockedFile held;
    private boolean released; // guarded by PROCESS

    ProcessLock(LockedFile held) {
      this.held = held;
    }

    /** The lock file. */
    public Path path() {
      return held.path();
    }

    /** True while the lock is held (false after release, or if its file was closed). */
    public boolean isValid() {
      return held.isValid();
    }

    /** Replaces the file's contents with {@code record} (UTF-8) and forces it to disk. */
    public void writeRecord(String record) throws IOException {
      byte[] b = record.getBytes(StandardCharsets.UTF_8);
      RandomAccessFile file = held.file();
      file.setLength(0);
      file.seek(0);
      file.write(b);
      file.getFD().sync();
    }

    /** The file's contents as UTF-8 (at most 4 KiB). */
    public String readRecord() throws IOException {
      RandomAccessFile file = held.file();
      int n = (int) Math.min(4096, file.length());
      byte[] b = new byte[n];
      file.seek(0);
      file.readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    }

    /** Deletes the lock file (if it still exists) and then releases the lock. */
    public void deleteAndRelease() throws IOException {
      try {
        Files.deleteIfExists(held.path());
      } catch (NoSuchFileException e) {
        // already gone
      } finally {
        release();
      }
    }

    /** Releases the lock and closes the file; later calls do nothing. */
    public void release() {
      synchronized (PROCESS) {
        if (released) {
          return;
        }
        released = true;
        PROCESS.remove(held.path(), this);
        held.release();
      }
    }

    @Override
    public String toString() {
      return "ProcessLock[" + held.path() + (released ? ", released" : "") + "]";
    }
  }

  /**
   * Opens {@code path} read-write and takes an exclusive lock without waiting, for reading a
   * file whose writer must be gone: null (and nothing kept open) when a writer holds it. The
   * caller must have checked that this JVM does not have the file open.
   */
  public static LockedFile tryLockFile(Path path) throws IOException {
    RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw");
    FileLock l = tryExclusive(f, path);
    return l == null ? null : new LockedFile(path, f, l);
  }

  /**
   * An exclusive lock on {@code f} without waiting, or null when another holder has it; then
   * {@code f} is closed, or kept open for good when this JVM is that holder (closing any
   * descriptor of a file would drop this process's lock on it).
   *
   * @throws LockingUnsupportedException when the file system refuses ({@code f} is closed)
   */
  private static FileLock tryExclusive(RandomAccessFile f, Path path) throws IOException {
    FileLock l;
    try {
      l = f.getChannel().tryLock();
    } catch (OverlappingFileLockException e) {
      synchronized (NEVER_CLOSE) {
        NEVER_CLOSE.add(f);
      }
      return null;
    } catch (IOException e) {
      closeQuietly(f);
      throw new LockingUnsupportedException(path, e);
    }
    if (l == null) {
      closeQuietly(f);
    }
    return l;
  }

  /** A file held with an exclusive lock (by {@link #tryLockFile}, or as a {@link ProcessLock}). */
  public static final class LockedFile {
    private final Path path;
    private final RandomAccessFile file;
    private final FileLock lock;

    LockedFile(Path path, RandomAccessFile file, FileLock lock) {
      this.path = path;
      this.file = file;
      this.lock = lock;
    }

    /** The file. */
    public Path path() {
      return path;
    }

    /** The open file, for reading (do not close it). */
    public RandomAccessFile file() {
      return file;
    }

    /** True while the lock is held. */
    public boolean isValid() {
      return lock.isValid();
    }

    /** Releases the lock and closes the file. */
    public void release() {
      try {
        if (lock.isValid()) {
          lock.release();
        }
      } catch (IOException e) {
        // closing releases it
      }
      closeQuietly(file);
    }
  }

  /** Forces a directory's entries (renames, deletions) to disk where the platform allows it. */
  public static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not supported here (e.g. Windows): renames are still atomic, only less durable
    }
  }
}
