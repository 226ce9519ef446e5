package dev.hearth.multiprocess.internal;

import dev.hearth.multiprocess.FormatVersion;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One {@code .db} file as a collector reads it (the "Read" and "Index keys" stages of a scrape):
 * its entries' value offsets and keys, parsed once, and this scrape's values. Entries are
 * append-only, so each {@link #read} parses only the bytes past the {@code used} it saw last, and
 * otherwise only reads values.
 *
 * <p>Files of other processes are read with positional reads ({@link FileChannel#read(ByteBuffer,
 * long)}) through a channel kept open while the file is listed: a file another program truncates
 * then reads short, which is a {@link DbFileException} for this file, never a SIGBUS (touching a
 * mapping past a file's new end raises one, and the JVM delivers it as an asynchronous
 * {@link InternalError} a catch block cannot reliably see). The open channel also keeps the inode
 * from being reused, so a file replaced under the same name always has another file key (the
 * collector compares them). Files this JVM writes are read through the writer's own mapping and
 * never opened: closing any descriptor of a file drops the process's POSIX locks on it.
 *
 * <p>Not thread-safe; the collector serialises scrapes.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class ScanFile implements AutoCloseable {
  private static final VarHandle INTS =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  /** Channels of files this JVM started writing while a collector had them open: never closed. */
  private static final List<FileChannel> NEVER_CLOSE = new ArrayList<>();

  private final String name;
  private final Path path;
  private final Object fileKey;
  private final SeriesShape.Context context;
  private FileChannel channel; // other processes' files, from the first read on
  private FormatVersion version;
  private int parsedUsed = DbLayout.FIRST_ENTRY_OFFSET;
  private int count;
  private int[] valueOffsets = new int[0];
  private KeyIndex.Key[] keys = new KeyIndex.Key[0];
  private double[] values = new double[0];
  private double[] timestamps; // v2 files only
  private int fullParses;

  /** The state of file {@code name} at {@code path}, whose identity is {@code fileKey}. */
  public ScanFile(String name, Path path, Object fileKey, SeriesShape.Context context) {
    this.name = name;
    this.path = path;
    this.fileKey = fileKey;
    this.context = context;
  }

  /** The file name. */
  public String name() {
    return name;
  }

  /** The file's identity when listed ({@code BasicFileAttributes.fileKey()}), or null. */
  public Object fileKey() {
    return fileKey;
  }

  /** The detected version, or null while the file has no entries. */
  public FormatVersion version() {
    return version;
  }

  /** The number of entries parsed. */
  public int count() {
    return count;
  }

  /** The key of entry {@code i}. */
  public KeyIndex.Key key(int i) {
    return keys[i];
  }

  /** The keys array; the first {@link #count()} are valid. */
  KeyIndex.Key[] keys() {
    return keys;
  }

  /** This scrape's value of each entry; the first {@link #count()} are valid. */
  double[] values() {
    return values;
  }

  /** This scrape's timestamp of each entry (v2 files), or null (v1: none). */
  double[] timestamps() {
    return timestamps;
  }

  /** How many times the file was parsed from its first entry (for tests). */
  public int fullParses() {
    return fullParses;
  }

  /**
   * Brings the entries up to the file's current {@code used} (resolving new keys in
   * {@code index}, each with its shape for this file's type) and reads every entry's value.
   * On an exception the collector drops this state (and reads the file anew when it can).
   *
   * @param buffer the collector's read buffer (little-endian, direct); its contents are scratch
   * @throws DbFileException when the file is not a valid v1/v2 file, shrank or was rewritten
   * @throws IOException when it cannot be read, e.g. {@link java.nio.file.NoSuchFileException}
   */
  public void read(KeyIndex index, ReadBuffer buffer) throws IOException {
    MmapDbFile own = MmapDbFile.openInThisJvm(path);
    if (own != null) {
      readMapped(own.mapping(), index);
      return;
    }
    if (channel == null) {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    }
    ByteBuffer b = buffer.buffer;
    // a file is read up to the used it had last time (more only when it grew), not to its size:
    // the rest of a file is zeros, often as much as is used (files double when they grow); a
    // first read reads the header first
    int got = fill(b, 0, parsedUsed > DbLayout.FIRST_ENTRY_OFFSET
        ? Math.min(b.capacity(), parsedUsed) : DbLayout.HEADER_SIZE);
    if (got == 0 && count == 0) {
      return; // created, not yet sized
    }
    if (got < DbLayout.HEADER_SIZE) {
      throw new DbFileException(name, 0, "file of " + got + " bytes is shorter than the "
          + DbLayout.HEADER_SIZE + "-byte header (truncated)");
    }
    int used = b.getInt(DbLayout.USED_OFFSET);
    if (used == 0 && b.getInt(4) == 0 && count == 0) {
      return; // sized, header not yet written
    }
    used = checkUsed(b, used);
    int known = count;
    int knownUsed = parsedUsed;
    int loaded = got; // b holds the file's bytes [0, loaded)
    if (used > parsedUsed) { // new entries: parse them, and take their values from these bytes
      byte[] heap = new byte[used - parsedUsed];
      if (copy(b, got, parsedUsed, heap)) {
        loaded = 0; // b was reused for the copy
      }
      add(index, heap, used);
    }
    // the values of the entries known before, read in chunks starting at a value
    double[] v = values;
    double[] t = timestamps;
    int width = version == null ? 0 : version.valueBlockSize();
    long start = 0;
    for (int i = 0; i < known; i++) {
      int vo = valueOffsets[i];
      if (vo + width > start + loaded) {
        start = vo;
        int want = Math.min(b.capacity(), knownUsed - vo);
        loaded = fill(b, vo, want);
        if (loaded < want) {
          throw shrank(vo + loaded, knownUsed);
        }
      }
      int at = (int) (vo - start);
      v[i] = b.getDouble(at);
      if (t != null) {
        t[i] = b.getDouble(at + DbLayout.TIMESTAMP_OFFSET_IN_VALUE);
      }
    }
  }

  /** {@link #read} of a file this JVM writes, through the writer's mapping. */
  private void readMapped(ByteBuffer map, KeyIndex index) throws DbFileException {
    int used = (int) INTS.getAcquire(map, DbLayout.USED_OFFSET); // entries below it are complete
    if (used == 0 && count == 0) {
      return;
    }
    used = checkUsed(map, used);
    if (used > map.capacity()) {
      throw new DbFileException(name, DbLayout.USED_OFFSET, "used=" + used
          + " is beyond the writer's mapping of " + map.capacity() + " bytes");
    }
    int known = count;
    if (used > parsedUsed) {
      byte[] heap = new byte[used - parsedUsed];
      map.get(parsedUsed, heap);
      add(index, heap, used);
    }
    for (int i = 0; i < known; i++) {
      values[i] = map.getDouble(valueOffsets[i]);
      if (timestamps != null) {
        timestamps[i] = map.getDouble(valueOffsets[i] + DbLayout.TIMESTAMP_OFFSET_IN_VALUE);
      }
    }
  }

  /** Checks the header's {@code used} against what was parsed before. */
  private int checkUsed(ByteBuffer header, int used) throws DbFileException {
    // the file's size is not checked here: a file shorter than used reads short below
    int u = DbFileParser.checkHeader(name, header, Integer.MAX_VALUE);
    if (u < parsedUsed) {
      throw new DbFileException(name, DbLayout.USED_OFFSET, "used=" + used
          + " went below the " + parsedUsed + " bytes read before: the file was rewritten in place");
    }
    return u;
  }

  /**
   * Parses the entries in {@code heap} (the file's bytes from {@link #parsedUsed} to
   * {@code used}), resolves their keys and takes them with their values; all or nothing.
   */
  private void add(KeyIndex index, byte[] heap, int used) throws DbFileException {
    int base = parsedUsed;
    ByteBuffer hb = ByteBuffer.wrap(heap).order(ByteOrder.LITTLE_ENDIAN);
    DbFileParser.Offsets o = DbFileParser.offsets(name, hb, base, base, used, version);
    int n = o.count;
    KeyIndex.Key[] newKeys = new KeyIndex.Key[n];
    for (int i = 0; i < n; i++) { // keys first: all or nothing
      int e = o.offsets[i];
      int length = hb.getInt(e - base);
      KeyIndex.Key k = index.resolve(name, heap, e - base + DbLayout.KEY_LENGTH_SIZE, length,
          e + DbLayout.KEY_LENGTH_SIZE);
      k.shape(context, name);
      newKeys[i] = k;
    }
    FormatVersion v = version != null ? version : o.version;
    int total = count + n;
    if (total > valueOffsets.length) {
      int cap = Math.max(total, 2 * valueOffsets.length);
      valueOffsets = Arrays.copyOf(valueOffsets, cap);
      keys = Arrays.copyOf(keys, cap);
      values = Arrays.copyOf(values, cap);
      if (v == FormatVersion.V2) {
        timestamps = Arrays.copyOf(timestamps != null ? timestamps : new double[0], cap);
      }
    }
    for (int i = 0; i < n; i++) {
      int e = o.offsets[i];
      int vo = (int) DbLayout.valueOffset(e, hb.getInt(e - base));
      valueOffsets[count + i] = vo;
      keys[count + i] = newKeys[i];
      values[count + i] = hb.getDouble(vo - base);
      if (timestamps != null) {
        timestamps[count + i] = hb.getDouble(vo - base + DbLayout.TIMESTAMP_OFFSET_IN_VALUE);
      }
    }
    if (base == DbLayout.FIRST_ENTRY_OFFSET && n > 0) {
      fullParses++;
    }
    version = v;
    count = total;
    parsedUsed = used;
  }

  /**
   * Copies the file's bytes from {@code from} on into {@code heap}: first what {@code b} holds
   * from a read at position 0 ({@code got} bytes), then further reads into {@code b} (then true).
   */
  private boolean copy(ByteBuffer b, int got, int from, byte[] heap) throws IOException {
    int at = 0;
    if (from < got) {
      at = Math.min(heap.length, got - from);
      b.get(from, heap, 0, at);
    }
    boolean refilled = false;
    while (at < heap.length) {
      refilled = true;
      int want = Math.min(b.capacity(), heap.length - at);
      int n = fill(b, from + at, want);
      if (n < want) {
        throw shrank(from + at + n, from + heap.length);
      }
      b.get(0, heap, at, n);
      at += n;
    }
    return refilled;
  }

  /** Reads up to {@code want} bytes at {@code position} into {@code b[0, ...)}: fewer at the end. */
  private int fill(ByteBuffer b, long position, int want) throws IOException {
    b.clear().limit(want);
    while (b.hasRemaining()) {
      if (channel.read(b, position + b.position()) < 0) {
        break;
      }
    }
    return b.position();
  }

  private DbFileException shrank(long end, long used) {
    return new DbFileException(name, end, "the file ends at " + end + " bytes, before used="
        + used + ": truncated by another program");
  }

  /**
   * Closes the channel (the collector no longer lists the file, or read it anew). A channel of a
   * file this JVM has started writing in the meantime is kept open instead: closing it would drop
   * the writer's locks.
   */
  @Override
  public void close() {
    FileChannel ch = channel;
    channel = null;
    if (ch == null) {
      return;
    }
    if (MmapDbFile.openInThisJvm(path) != null) {
      synchronized (NEVER_CLOSE) {
        NEVER_CLOSE.add(ch);
      }
      return;
    }
    try {
      ch.close();
    } catch (IOException e) {
      // nothing was written through it
    }
  }

  /** The collector's read buffer: one direct buffer, reused by every file of every scrape. */
  public static final class ReadBuffer {
    /** The largest read: a file's values are read in chunks of at most this many bytes. */
    public static final int MAX = 1 << 18;
    ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 12).order(ByteOrder.LITTLE_ENDIAN);

    /** Makes the buffer at least {@code size} bytes (up to {@link #MAX}). */
    public void ensure(long size) {
      int want = (int) Math.min(MAX, Math.max(size, 1 << 12));
      if (buffer.capacity() < want) {
        buffer = ByteBuffer.allocateDirect(want).order(ByteOrder.LITTLE_ENDIAN);
      }
    }
  }

  @Override
  public String toString() {
    return "ScanFile[" + name + ", " + count + " entries, " + version + "]";
  }
}
