package dev.hearth.multiprocess.internal;

import dev.hearth.multiprocess.FormatVersion;
import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@code .db} file opened for writing, memory-mapped as Python's {@code MmapedDict} does: a
 * new file is sized to {@link DbLayout#INITIAL_SIZE}, doubled (and remapped) whenever an entry
 * does not fit. Unlike Python, which sizes with {@code truncate} (a sparse file), every byte of a
 * new file or of a growth is written (zeros) before it is mapped, as is the unused part of an
 * existing file when it is opened: on a sparse file the first write to a page allocates its
 * block, and on a full file system that write through the mapping is a {@code SIGBUS} that kills
 * the JVM. Writing the zeros turns a full disk into an {@link IOException} when a file is opened
 * or grown, which the storage handles; a failed growth is truncated back, and the mapping and its
 * values stay as they were. (On copy-on-write file systems such as btrfs or ZFS a write to an
 * allocated block can still need a new one; there a full disk can still fault.) An existing file
 * is parsed strictly in the configured format and its values continue. Entries are appended under a lock (entry bytes first, then {@code used}); values are
 * read and updated lock-free with atomic 8-byte accesses on the mapping, so {@link #add} loses
 * no concurrent update. Old mappings stay valid after a remap (they map the same pages and are
 * never unmapped explicitly), so a writer holding an old buffer still updates the file.
 *
 * <p>While open, the file holds an exclusive {@link FileLock}: a second writer with the same
 * process id fails instead of corrupting the file, and {@code MultiProcessCollector} can tell
 * live writers from dead ones. Readers in the same JVM use {@link #mapping()} instead of opening
 * the file, since closing any descriptor of a file drops the process's POSIX locks on it.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class MmapDbFile implements Closeable {
  private static final VarHandle LONGS =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INTS =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  /** The files open for writing in this JVM, by absolute path. */
  private static final Map<Path, MmapDbFile> OPEN = new ConcurrentHashMap<>();

  private final Path path;
  private final String name;
  private final FormatVersion version;
  private final RandomAccessFile file;
  private final FileChannel channel;
  private volatile MappedByteBuffer buffer;
  private long capacity; // guarded by this
  private int used; // guarded by this
  private final Map<String, Integer> valueOffsets = new HashMap<>(); // guarded by this

  private MmapDbFile(Path path, FormatVersion version) throws IOException {
    this.path = path.toAbsolutePath().normalize();
    this.name = String.valueOf(path.getFileName());
    this.version = version;
    if (!Files.exists(path)) {
      createSized(path);
    }
    this.file = new RandomAccessFile(path.toFile(), "rw");
    boolean ok = false;
    try {
      this.channel = file.getChannel();
      FileLock lock;
      boolean lockable = true;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      } catch (IOException e) { // a file system without locks: write unprotected, as Python does
        lock = null;
        lockable = false;
      }
      if (lock == null && lockable) {
        throw new DbFileException(name, -1, "is already being written by another live process or"
            + " storage with the same process id; every writer needs its own id");
      }
      long size = file.length();
      if (size == 0) { // created in place (no hard links here): size it with real blocks
        try {
          reserve(0, DbLayout.INITIAL_SIZE, true);
        } catch (IOException e) {
          Files.deleteIfExists(path); // an empty .db file would fail Python's reader
          throw e;
        }
        size = DbLayout.INITIAL_SIZE;
      }
      if (size > Integer.MAX_VALUE) {
        throw new DbFileException(name, -1, "file of " + size + " bytes is too large");
      }
      capacity = size;
      buffer = map(size);
      int u = (int) INTS.getVolatile(buffer, DbLayout.USED_OFFSET);
      // whoever sized the file (Python truncates: sparse), its unused part gets real blocks
      // before the mapping writes there (reading a hole is safe); a file that fails the checks
      // below is left untouched
      if (u == 0) {
        reserve(0, size, false);
        used = DbLayout.HEADER_SIZE;
        INTS.setRelease(buffer, DbLayout.USED_OFFSET, used);
      } else {
        used = DbFileParser.checkHeader(name, buffer.duplicate(), size);
        DbFileParser.Parsed parsed;
        try {
          parsed = DbFileParser.parse(name, buffer, DbLayout.FIRST_ENTRY_OFFSET, used, version);
        } catch (DbFileException e) {
          throw new DbFileException(name, e.offset(), "cannot continue this existing file as format "
              + version + " (written by another version? wipe the directory at startup): "
              + e.getMessage());
        }
        for (DbFileParser.RawEntry e : parsed.entries) {
          valueOffsets.put(e.key, e.valueOffset);
        }
        reserve(used, size, false);
      }
      OPEN.put(this.path, this);
      ok = true;
    } finally {
      if (!ok) {
        file.close();
      }
    }
  }

  /**
   * Creates {@code path} already sized and with its header written, so no reader ever sees an
   * empty file under a {@code .db} name (Python's reader fails on one, and a process killed
   * between creating and sizing a file would leave one behind): the file is prepared under a
   * dot-name (which readers skip) and hard-linked into place, which fails if the name exists. On
   * a file system without hard links the file is created in place, as Python does.
   */
  private static void createSized(Path path) throws IOException {
    Path temp = path.resolveSibling("." + path.getFileName() + "." + ProcessHandle.current().pid()
        + "." + Thread.currentThread().getId() + ".new");
    try {
      byte[] initial = new byte[DbLayout.INITIAL_SIZE]; // every block written: see the class comment
      ByteBuffer.wrap(initial).order(ByteOrder.LITTLE_ENDIAN)
          .putInt(DbLayout.USED_OFFSET, DbLayout.HEADER_SIZE);
      try (RandomAccessFile f = new RandomAccessFile(temp.toFile(), "rw")) {
        f.write(initial); // a full disk fails here, before any .db name exists
      }
      try {
        Files.createLink(path, temp);
      } catch (FileAlreadyExistsException e) {
        // another writer created it first: open that one
      } catch (UnsupportedOperationException | IOException e) {
        // no hard links here: the constructor creates and sizes the file in place
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Writes zeros over {@code [from, to)} so the file system allocates those blocks now, throwing
   * (e.g. "No space left on device") here rather than faulting later in the mapping; on failure,
   * with {@code truncate}, the file is truncated back to {@code from} (the region was new).
   */
  private void reserve(long from, long to, boolean truncate) throws IOException {
    ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(to - from, 1 << 16));
    long p = from;
    try {
      while (p < to) {
        zeros.clear().limit((int) Math.min(zeros.capacity(), to - p));
        p += channel.write(zeros, p);
      }
    } catch (IOException e) {
      if (truncate) {
        try {
          channel.truncate(from); // give back what was reserved
        } catch (IOException again) {
          e.addSuppressed(again);
        }
      }
      throw e;
    }
  }

  /** Opens (creating when absent) {@code path} for writing in {@code version}. */
  public static MmapDbFile open(Path path, FormatVersion version) throws IOException {
    return new MmapDbFile(path, version);
  }

  private MappedByteBuffer map(long size) throws IOException {
    MappedByteBuffer b = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
    b.order(ByteOrder.LITTLE_ENDIAN);
    return b;
  }

  /** The file's path. */
  public Path path() {
    return path;
  }

  /** The format written. */
  public FormatVersion version() {
    return version;
  }

  /** The current {@code used} header value. */
  public synchronized int used() {
    return used;
  }

  /**
   * The value offset of {@code key}, appending a new entry (value 0.0, timestamp 0.0) when absent.
   *
   * @throws UncheckedIOException when the file cannot grow
   */
  public synchronized int valueOffset(String key) {
    Integer existing = valueOffsets.get(key);
    if (existing != null) {
      return existing;
    }
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    long length = DbLayout.entryLength(k.length, version);
    try {
      long newCapacity = capacity;
      while (used + length > newCapacity) {
        newCapacity *= 2;
      }
      if (newCapacity > Integer.MAX_VALUE) {
        throw new IOException(name + ": growing to " + newCapacity + " bytes exceeds 2 GiB");
      }
      while (capacity < newCapacity) { // one growth and remap per doubling, as Python
        reserve(capacity, capacity * 2, true); // throws before anything changes if the disk is full
        MappedByteBuffer grown = map(capacity * 2);
        capacity *= 2;
        buffer = grown;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot grow multiprocess file " + path + " for key " + key, e);
    }
    MappedByteBuffer b = buffer;
    int p = used;
    int v = DbLayout.putKey(b, p, k);
    for (int i = 0; i < version.valueBlockSize(); i += 8) {
      LONGS.setVolatile(b, v + i, 0L);
    }
    used = (int) (p + length);
    INTS.setRelease(b, DbLayout.USED_OFFSET, used); // the entry is complete before it is counted
    valueOffsets.put(key, v);
    return v;
  }

  /** Atomically adds {@code delta} to the value at {@code valueOffset}. */
  public void add(int valueOffset, double delta) {
    MappedByteBuffer b = buffer;
    long bits;
    do {
      bits = (long) LONGS.getVolatile(b, valueOffset);
    } while (!LONGS.weakCompareAndSet(b, valueOffset, bits,
        Double.doubleToRawLongBits(Double.longBitsToDouble(bits) + delta)));
  }

  /**
   * Adds {@code delta} to the value at {@code valueOffset} with a single compare-and-set: true
   * when it was added, false (nothing written) when another thread changed the value between the
   * read and the write, i.e. under contention.
   */
  public boolean tryAdd(int valueOffset, double delta) {
    MappedByteBuffer b = buffer;
    long bits = (long) LONGS.getVolatile(b, valueOffset);
    return LONGS.compareAndSet(b, valueOffset, bits,
        Double.doubleToRawLongBits(Double.longBitsToDouble(bits) + delta));
  }

  /** Sets the value at {@code valueOffset}. */
  public void set(int valueOffset, double value) {
    LONGS.setVolatile(buffer, valueOffset, Double.doubleToRawLongBits(value));
  }

  /** The value at {@code valueOffset}. */
  public double get(int valueOffset) {
    return Double.longBitsToDouble((long) LONGS.getVolatile(buffer, valueOffset));
  }

  /** Sets the v2 timestamp of the value at {@code valueOffset}; a no-op in v1. */
  public void setTimestamp(int valueOffset, double epochSeconds) {
    if (version == FormatVersion.V2) {
      LONGS.setVolatile(buffer, valueOffset + DbLayout.TIMESTAMP_OFFSET_IN_VALUE,
          Double.doubleToRawLongBits(epochSeconds));
    }
  }

  /** The v2 timestamp at {@code valueOffset}; 0.0 in v1. */
  public double timestamp(int valueOffset) {
    if (version != FormatVersion.V2) {
      return 0.0;
    }
    return Double.longBitsToDouble(
        (long) LONGS.getVolatile(buffer, valueOffset + DbLayout.TIMESTAMP_OFFSET_IN_VALUE));
  }

  /** Forces the mapping to disk (not needed for other processes to see the values). */
  public void force() {
    buffer.force();
  }

  /**
   * Closes the file. Mappings stay valid until garbage-collected, so slots still in use keep
   * working; new entries fail.
   */
  @Override
  public synchronized void close() throws IOException {
    OPEN.remove(path, this);
    file.close(); // releases the lock
  }

  /** The file at {@code path} if this JVM has it open for writing, else null. */
  public static MmapDbFile openInThisJvm(Path path) {
    if (OPEN.isEmpty()) { // a reader-only process (a sidecar): no path to normalise
      return null;
    }
    return OPEN.get(path.toAbsolutePath().normalize());
  }

  /**
   * A little-endian view of the current mapping, for readers in the writing JVM (which must not
   * open the file): {@code used} is read from it with acquire semantics, entries below it are
   * complete.
   */
  public ByteBuffer mapping() {
    return buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The current file size. */
  public synchronized long capacity() {
    return capacity;
  }
}
