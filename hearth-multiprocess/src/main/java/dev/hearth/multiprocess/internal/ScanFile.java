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
import java.util.Arrays;

/**
 * One {@code .db} file as a collector reads it: mapped read-only and kept mapped between scrapes,
 * with its entries' value offsets and keys parsed once. Entries are append-only, so a scrape
 * parses only the entries past the last {@code used} it saw and otherwise reads values straight
 * from the mapping.
 *
 * <p>The state belongs to one file (one inode, {@link #fileKey()}): while this object maps it,
 * the inode cannot be reused, so a file replaced under the same name always has another file key
 * and gets a new state. Files that the reading JVM itself writes are read through the writer's
 * mapping and never opened (closing any descriptor of a file drops the process's locks on it).
 *
 * <p>Not thread-safe; the collector serialises scrapes.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class ScanFile {
  private static final VarHandle INTS =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle DOUBLES_HEAP =
      MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INTS_HEAP =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private final String name;
  private final Object fileKey;
  private ByteBuffer map; // little-endian; a read-only mapping or the writer's mapping
  private FormatVersion version;
  private int parsedUsed = DbLayout.FIRST_ENTRY_OFFSET;
  private int count;
  private int[] valueOffsets = new int[16];
  private KeyIndex.Key[] keys = new KeyIndex.Key[16];
  private boolean sharedArrays; // keys and valueOffsets are a hint's: copy before appending
  private int fullParses;
  private int hinted;
  private volatile Layout layout; // this scrape's full parse, as a hint for other files
  private boolean resolved; // the full parse of this scrape has its keys
  private byte[] pooled; // a first read's buffer, back to the pool when the scrape ends
  private ByteBuffer values; // where this scrape reads values: the mapping or a first read's copy

  /** The state of file {@code name} whose identity is {@code fileKey} (may be null). */
  public ScanFile(String name, Object fileKey) {
    this.name = name;
    this.fileKey = fileKey;
  }

  /** The file name. */
  public String name() {
    return name;
  }

  /** The file's identity when read ({@code BasicFileAttributes.fileKey()}), or null. */
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

  /** How many entries were taken from a hint file's parse after a byte comparison (for tests). */
  public int hintedEntries() {
    return hinted;
  }

  /** How many times the file was parsed from its first entry (for tests). */
  public int fullParses() {
    return fullParses;
  }

  /**
   * This scrape's values by entry when a first read kept them instead of the file's bytes (then
   * {@link #buffer()} is null), else null.
   */
  public double[] coldValues() {
    return coldValues;
  }

  /** A reusable read buffer, one per thread reading files; {@link #release()} it when done. */
  public static final class Scratch {
    private byte[] bytes;

    byte[] bytes(int size) {
      if (bytes == null || bytes.length < size) {
        release();
        bytes = BufferPool.take(size);
      }
      return bytes;
    }

    /** Returns the buffer to the pool. */
    public void release() {
      if (bytes != null) {
        BufferPool.give(bytes);
        bytes = null;
      }
    }
  }

  /**
   * A full parse's bytes and entry layout (this scrape only), for comparing other files with:
   * {@code bytes} hold the file from offset {@code base} on. Immutable once published.
   */
  private static final class Layout {
    final byte[] bytes;
    final int base;
    final FormatVersion version;
    final int[] valueOffsets;
    final int count;

    Layout(byte[] bytes, int base, FormatVersion version, int[] valueOffsets, int count) {
      this.bytes = bytes;
      this.base = base;
      this.version = version;
      this.valueOffsets = valueOffsets;
      this.count = count;
    }
  }

  /** Where this scrape reads values (little-endian), or null while the file is empty. */
  public ByteBuffer buffer() {
    return values;
  }

  /** Value offsets of the entries; the first {@link #count()} are valid. */
  public int[] valueOffsets() {
    return valueOffsets;
  }

  /**
   * Brings the parsed entries up to the file's current {@code used}, adding their keys to
   * {@code index}.
   *
   * @param size the file size as listed this scrape
   * @param context the file's type: every key gets its shape for it
   * @param hint a file whose keys are likely the same, in the same order (another process of the
   *     same program), or null: its key at each position is tried before a hash lookup
   * @throws DbFileException when the file is not a valid v1/v2 file or shrank
   * @throws IOException when it cannot be mapped, e.g. {@link java.nio.file.NoSuchFileException}
   */
  public void refresh(Path path, long size, KeyIndex index, ScanFile hint,
      SeriesShape.Context context) throws IOException {
    MmapDbFile own = MmapDbFile.openInThisJvm(path);
    if (own != null) {
      map = own.mapping();
    } else if (map != null && size < map.capacity()) { // touching the lost pages would SIGBUS
      throw new DbFileException(name, -1, "the file shrank from " + map.capacity() + " to " + size
          + " bytes: truncated by another program");
    } else if (map == null) { // a first read, as a prefetch does it but on this thread
      read(path, size, null);
      match(hint, false);
      complete(index, context);
      return;
    }
    values = map;
    int used = (int) INTS.getAcquire(map, DbLayout.USED_OFFSET);
    if (used > map.capacity() && own == null) { // the writer grew the file: map all of it
      map = map(path);
      values = map;
      used = (int) INTS.getAcquire(map, DbLayout.USED_OFFSET);
    }
    if (used == 0 && parsedUsed == DbLayout.FIRST_ENTRY_OFFSET) {
      return; // sized, header not yet written
    }
    used = DbFileParser.checkHeader(name, map, map.capacity());
    if (used < parsedUsed) {
      throw new DbFileException(name, DbLayout.USED_OFFSET, "used=" + used
          + " went below the " + parsedUsed + " bytes read before: the file was rewritten in place");
    }
    if (used > parsedUsed) {
      int from = parsedUsed;
      byte[] heap = new byte[used - from]; // one bulk copy: parsing reads a heap array fastest
      map.get(from, heap);
      finish(match(used, heap, from, hint, true), used, heap, from, index, context);
    }
  }

  /** The entries of a parse before their keys are resolved: pure, safe on any thread. */
  private static final class Match {
    ScanFile hint; // the hint entries were taken from, null when none were
    Layout layout; // its layout then
    int hinted; // entries taken from the hint
    FormatVersion version;
    DbFileParser.Offsets rest;
  }

  /**
   * Compares the new bytes with the hint's entries and walks the rest: reads only {@code heap}
   * and the hint's parse, writes nothing but the result.
   */
  private Match match(int used, byte[] heap, int base, ScanFile hint, boolean retry)
      throws DbFileException {
    try {
      return match(used, heap, base, hint);
    } catch (DbFileException e) {
      if (hint == null || !retry) {
        throw e;
      }
      return match(used, heap, base, null); // the hint misled version detection
    }
  }

  private Match match(int used, byte[] heap, int base, ScanFile hint) throws DbFileException {
    int from = parsedUsed;
    ByteBuffer hb = ByteBuffer.wrap(heap).order(ByteOrder.LITTLE_ENDIAN);
    Match m = new Match();
    int n = 0;
    int p = from;
    FormatVersion v = version;
    // a file starting like the hint's (same keys, hence the same entry layout) takes the hint's
    // validated entries after one byte comparison each
    Layout l = hint != null && hint != this ? hint.layout : null;
    if (from == DbLayout.FIRST_ENTRY_OFFSET && l != null) {
      byte[] h = l.bytes;
      int hbase = l.base;
      int width = l.version.valueBlockSize();
      int limit = l.count;
      int[] hintOffsets = l.valueOffsets;
      while (n < limit) {
        int vo = hintOffsets[n];
        if (vo + width > used
            || !Arrays.equals(h, p - hbase, vo - hbase, heap, p - base, vo - base)) {
          break;
        }
        n++;
        p = vo + width;
      }
      if (n > 0 && v == null) {
        v = l.version;
        checkNotAlso(v == FormatVersion.V1 ? FormatVersion.V2 : FormatVersion.V1, hb, base, from,
            used);
      }
    }
    m.hint = n > 0 ? hint : null;
    m.layout = n > 0 ? l : null;
    m.hinted = n;
    m.rest = DbFileParser.offsets(name, hb, base, p, used, v);
    m.version = v != null ? v : m.rest.version;
    return m;
  }

  /** Resolves the keys of a {@link #match} and takes its entries (on the scraping thread). */
  private void finish(Match m, int used, byte[] heap, int base, KeyIndex index,
      SeriesShape.Context context) throws DbFileException {
    ScanFile hint = m.hint;
    int from = parsedUsed;
    int n = m.hinted;
    DbFileParser.Offsets o = m.rest;
    if (count == 0 && o.count == 0 && n > 0 && n == hint.count) {
      // every entry is the hint's (another process of the same program): share its arrays,
      // which it only appends to; this file copies them before it appends
      keys = hint.keys;
      valueOffsets = hint.valueOffsets;
      sharedArrays = true;
      hinted += n;
      took(m, n, used, heap, base);
      return;
    }
    KeyIndex.Key[] newKeys = new KeyIndex.Key[n + o.count];
    int[] newOffsets = new int[n + o.count];
    if (n > 0) {
      System.arraycopy(hint.keys, 0, newKeys, 0, n);
      System.arraycopy(hint.valueOffsets, 0, newOffsets, 0, n);
    }
    for (int i = 0; i < o.count; i++) { // keys first: all or nothing
      int e = o.offsets[i] - base;
      int length = (int) INTS_HEAP.get(heap, e);
      int at = count + n;
      KeyIndex.Key guess = hint != null && hint != this && at < hint.count ? hint.keys[at] : null;
      KeyIndex.Key k = index.resolve(name, heap, e + DbLayout.KEY_LENGTH_SIZE, length,
          o.offsets[i] + DbLayout.KEY_LENGTH_SIZE, guess);
      if (k != guess) { // a hint's key has its shape for this context already
        k.shape(context, name);
      }
      newKeys[n] = k;
      newOffsets[n] = (int) DbLayout.valueOffset(o.offsets[i], length);
      n++;
    }
    hinted += m.hinted;
    int total = count + n;
    if (sharedArrays || total > valueOffsets.length) {
      int cap = Math.max(total, valueOffsets.length * 2);
      valueOffsets = Arrays.copyOf(valueOffsets, cap);
      keys = Arrays.copyOf(keys, cap);
      sharedArrays = false;
    }
    System.arraycopy(newKeys, 0, keys, count, n);
    System.arraycopy(newOffsets, 0, valueOffsets, count, n);
    took(m, count + n, used, heap, base);
  }

  /** Takes the entries of a {@link #finish}: {@code total} now, parsed up to {@code used}. */
  private void took(Match m, int total, int used, byte[] heap, int base) {
    int n = total - count;
    int from = parsedUsed;
    version = m.version;
    count = total;
    parsedUsed = used;
    if (from == DbLayout.FIRST_ENTRY_OFFSET && n > 0) {
      fullParses++;
      if (heap != null) {
        layout = new Layout(heap, base, version, valueOffsets, total);
        resolved = true;
      }
    }
  }

  // what a prefetch found, for complete() on the scraping thread
  private byte[] pfHeap;
  private byte[] pfRaw; // read, not yet matched: this file's pooled buffer or a thread's scratch
  private double[] pfValues;
  private double[] coldValues; // values of this scrape, by entry, when the bytes were not kept
  private int pfUsed;
  private Match pfMatch;
  private IOException pfError;
  private boolean pfDone;

  /**
   * The I/O of a first read (a prefetch: {@link #read}, {@link #match}, then {@link #complete}),
   * for a file this JVM does not write: reads the file's used bytes (into {@code scratch}, or into
   * a pooled array of its own when {@code scratch} is null) and maps the file, untouched. Safe on
   * another thread (it touches only this object); {@link #match} follows.
   */
  public void read(Path path, long size, Scratch scratch) {
    pfDone = true;
    if (size == 0) {
      return;
    }
    ByteBuffer direct = null;
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      long length = ch.size();
      if (length < DbLayout.HEADER_SIZE) {
        throw new DbFileException(name, 0, "file of " + length + " bytes is shorter than the "
            + DbLayout.HEADER_SIZE + "-byte header (truncated)");
      }
      // read, not copied from the mapping: pages a mapping touched make unmapping it (when a
      // collector is collected) cost more than the read; in chunks through a small direct
      // buffer, as the JDK would for a heap array, but without its full-size temporary buffer
      direct = BufferPool.takeDirect(READ_CHUNK);
      readAt(ch, direct, DbLayout.HEADER_SIZE, 0);
      if (direct.getInt(DbLayout.USED_OFFSET) == 0) {
        return; // sized, header not yet written
      }
      int used = DbFileParser.checkHeader(name, direct, length);
      byte[] heap = scratch != null ? scratch.bytes(used) : BufferPool.take(used);
      for (int at = 0; at < used; ) {
        int n = Math.min(direct.capacity(), used - at);
        readAt(ch, direct, n, at);
        direct.get(0, heap, at, n);
        at += n;
      }
      INTS_HEAP.set(heap, DbLayout.USED_OFFSET, used); // entries up to this used are complete
      map = map(ch); // untouched until the next scrape
      pfRaw = heap;
      if (scratch == null) {
        pooled = heap;
      }
      pfUsed = used;
    } catch (IOException e) {
      pfError = e;
    } finally {
      if (direct != null) {
        BufferPool.give(direct);
      }
    }
  }

  /** Direct read buffer size: reads of larger files take several system calls. */
  public static final int READ_CHUNK = 1 << 16;

  /** Reads {@code n} bytes of the file from {@code position} into {@code b[0, n)}. */
  private void readAt(FileChannel ch, ByteBuffer b, int n, long position) throws IOException {
    b.clear().limit(n);
    while (b.hasRemaining()) {
      if (ch.read(b, position + b.position()) < 0) {
        throw new DbFileException(name, position + b.position(), "file ended while being read");
      }
    }
  }

  /**
   * The byte work of a prefetch after {@link #read}: compares with {@code hint}, walks
   * the rest, and keeps only the values when every entry is the hint's and {@code extract}
   * (files whose values need no timestamps). Safe on another thread.
   */
  public void match(ScanFile hint, boolean extract) {
    byte[] heap = pfRaw;
    pfRaw = null;
    if (heap == null || pfError != null) {
      return;
    }
    int used = pfUsed;
    try {
      Match m = match(used, heap, 0, hint, true);
      pfMatch = m;
      if (extract && m.rest.count == 0 && m.hint != null) {
        // all entries are the hint's: keep only the values, not the file's bytes (a scrape of
        // many files then touches far less memory, which keeps the parsed keys in cache)
        double[] v = new double[m.hinted];
        int[] offs = m.layout.valueOffsets;
        for (int i = 0; i < v.length; i++) {
          v[i] = (double) DOUBLES_HEAP.get(heap, offs[i]);
        }
        pfValues = v;
      } else {
        pfHeap = heap == pooled ? heap : Arrays.copyOf(heap, used); // a scratch is reused
      }
    } catch (DbFileException e) {
      pfError = e;
    }
  }


  /**
   * {@link #complete} right away, keeping a failure for the {@link #complete} call of the scrape
   * loop (which reports it); true when the file is parsed, i.e. usable as a hint.
   */
  public boolean completeEarly(KeyIndex index, SeriesShape.Context context) {
    try {
      complete(index, context);
      pfDone = true; // the scrape loop's complete() finds nothing left to do
      return resolved;
    } catch (IOException e) {
      pfError = e;
      pfDone = true;
      return false;
    }
  }

  /**
   * After {@link #read} and {@link #match} without a hint (on the scraping thread): makes the
   * walked entries this file's layout, so other files can be compared with it while its keys are
   * still being resolved; true when there is one.
   */
  public boolean publishLayout() {
    Match m = pfMatch;
    byte[] heap = pfHeap;
    if (pfError != null || m == null || heap == null || m.hinted > 0 || m.rest.count == 0) {
      return false;
    }
    int[] offsets = new int[m.rest.count];
    for (int i = 0; i < offsets.length; i++) {
      int e = m.rest.offsets[i];
      offsets[i] = (int) DbLayout.valueOffset(e, (int) INTS_HEAP.get(heap, e));
    }
    layout = new Layout(heap, 0, m.version, offsets, offsets.length);
    return true;
  }

  /**
   * True when a prefetch took entries from a hint whose keys then failed to resolve:
   * the file must be read again, without it.
   */
  public boolean needsReread() {
    return pfDone && pfMatch != null && pfMatch.hint != null && !pfMatch.hint.resolved;
  }

  /** True when {@link #read} ran for this state and {@link #complete} has not. */
  public boolean prefetched() {
    return pfDone;
  }

  /** Finishes a prefetch: resolves keys, takes the entries (on the scraping thread). */
  public void complete(KeyIndex index, SeriesShape.Context context) throws IOException {
    pfDone = false;
    IOException error = pfError;
    byte[] heap = pfHeap;
    double[] extracted = pfValues;
    Match m = pfMatch;
    pfError = null;
    pfHeap = null;
    pfValues = null;
    pfMatch = null;
    if (error != null) {
      throw error;
    }
    if (extracted != null) {
      finish(m, pfUsed, null, 0, index, context);
      coldValues = extracted;
      values = null;
      return;
    }
    if (heap == null) {
      return; // empty, or header not yet written: the next refresh reads it again
    }
    finish(m, pfUsed, heap, 0, index, context);
    values = ByteBuffer.wrap(heap).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Strict detection: the entries must not also parse as {@code other}. */
  private void checkNotAlso(FormatVersion other, ByteBuffer hb, int base, int from, int used)
      throws DbFileException {
    if (DbFileParser.parsesAs(hb, base, from, used, other)) {
      throw new DbFileException(name, from, "ambiguous: the entries parse both as format v1 and"
          + " v2; refusing to guess");
    }
  }

  /** Drops the bytes kept from this scrape's full parse (they only serve as a hint). */
  public void releaseParseBuffer() {
    layout = null;
    resolved = false;
    coldValues = null;
    if (values != map) {
      values = null; // a first read's copy: the next refresh maps the file
    }
    byte[] b = pooled;
    if (b != null) {
      pooled = null;
      pfHeap = null;
      BufferPool.give(b);
    }
  }

  private ByteBuffer map(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      return map(ch);
    }
  }

  private ByteBuffer map(FileChannel ch) throws IOException {
    long size = ch.size();
    if (size > Integer.MAX_VALUE) {
      throw new DbFileException(name, -1, "file of " + size + " bytes is too large");
    }
    if (size < DbLayout.HEADER_SIZE) {
      throw new DbFileException(name, 0, "file of " + size + " bytes is shorter than the "
          + DbLayout.HEADER_SIZE + "-byte header (truncated)");
    }
    return ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
  }
}
