package dev.hearth.multiprocess.internal;

import dev.hearth.multiprocess.FormatVersion;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code .db} file as the collector reads it, with its parsed entries cached between scrapes.
 * Entries are append-only, so a later read parses only entries past the cached {@code used} and
 * re-reads the values of the known ones. The cached keys' bytes are compared with the file on
 * every read (a cheap byte comparison), so a file that was replaced is parsed again from scratch.
 * Files are read with plain reads, not mapped, as Python's reader does.
 *
 * <p>Not thread-safe; the collector serialises reads.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class CachedDbFile {
  /** One parsed entry. */
  public static final class Entry {
    /** The key. */
    public final DbKey key;
    final int entryOffset;
    final int valueOffset;
    final byte[] keyBytes;

    Entry(DbKey key, int entryOffset, int valueOffset, byte[] keyBytes) {
      this.key = key;
      this.entryOffset = entryOffset;
      this.valueOffset = valueOffset;
      this.keyBytes = keyBytes;
    }
  }

  /** The state of one entry at read time. */
  public static final class Value {
    /** The entry. */
    public final Entry entry;
    /** The value. */
    public final double value;
    /** The v2 timestamp (0.0 in v1 and when never set). */
    public final double timestamp;

    Value(Entry entry, double value, double timestamp) {
      this.entry = entry;
      this.value = value;
      this.timestamp = timestamp;
    }
  }

  /**
   * Parsed keys shared by the files of one directory, by key text: processes write the same keys,
   * so each distinct key is parsed (and encoded for the byte comparison) once. The keys and byte
   * arrays shared are never modified. Not thread-safe; {@link #clear()} it to drop stale keys.
   */
  public static final class KeyTable {
    private final Map<String, Entry> keys = new HashMap<>();

    /** Forgets every key. */
    public void clear() {
      keys.clear();
    }

    /** How many keys are held (for tests). */
    public int size() {
      return keys.size();
    }
  }

  private final String name;
  private final KeyTable table;
  private FormatVersion version;
  private int parsedUsed = DbLayout.FIRST_ENTRY_OFFSET;
  private List<Entry> entries = new ArrayList<>();
  private long fullParses;

  /** A cache for the file called {@code name} (used in error messages). */
  public CachedDbFile(String name) {
    this(name, null);
  }

  /** A cache for the file called {@code name} sharing parsed keys through {@code table}. */
  public CachedDbFile(String name, KeyTable table) {
    this.name = name;
    this.table = table;
  }

  /** The detected version, or null while the file has no entries. */
  public FormatVersion version() {
    return version;
  }

  /** How many times the file was parsed from its first entry (for tests). */
  public long fullParses() {
    return fullParses;
  }

  /**
   * Reads the file's entries and their current values.
   *
   * @throws DbFileException when the file is not a valid v1/v2 file (the cache is reset)
   * @throws IOException when reading fails, e.g. {@link java.nio.file.NoSuchFileException}
   */
  public List<Value> read(Path path) throws IOException {
    ByteBuffer buf;
    int used;
    MmapDbFile own = MmapDbFile.openInThisJvm(path);
    if (own != null) {
      buf = own.copyUsed();
      try {
        used = DbFileParser.checkHeader(name, buf, buf.capacity());
      } catch (DbFileException e) {
        reset();
        throw e;
      }
    } else {
      try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
        long size = ch.size();
        if (size == 0) { // created but not yet sized by its writer
          reset();
          return List.of();
        }
        ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, 4096));
        readFully(ch, head, 0, size);
        used = DbFileParser.checkHeader(name, head, size);
        buf = ByteBuffer.allocate(used).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, buf, 0, size);
      } catch (DbFileException e) {
        reset();
        throw e;
      }
    }
    try {
      return values(buf, used);
    } catch (DbFileException e) {
      reset();
      throw e;
    }
  }

  private List<Value> values(ByteBuffer buf, int used) throws DbFileException {
    if (used < parsedUsed || !cachedKeysMatch(buf)) {
      reset();
    }
    if (parsedUsed == DbLayout.FIRST_ENTRY_OFFSET) {
      fullParses++;
    }
    if (used > parsedUsed) {
      DbFileParser.Parsed p = DbFileParser.parse(name, buf, parsedUsed, used, version);
      List<Entry> added = new ArrayList<>(p.entries.size());
      for (DbFileParser.RawEntry raw : p.entries) {
        Entry known = table != null ? table.keys.get(raw.key) : null;
        if (known == null) {
          DbKey key = DbFileParser.parseKey(name, raw);
          known = new Entry(key, raw.entryOffset, raw.valueOffset,
              raw.key.getBytes(StandardCharsets.UTF_8));
          if (table != null) {
            table.keys.put(raw.key, known);
          }
        }
        added.add(new Entry(known.key, raw.entryOffset, raw.valueOffset, known.keyBytes));
      }
      entries.addAll(added);
      if (version == null) {
        version = p.version;
      }
      parsedUsed = used;
    }
    List<Value> out = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      double ts = version == FormatVersion.V2
          ? buf.getDouble(e.valueOffset + DbLayout.TIMESTAMP_OFFSET_IN_VALUE) : 0.0;
      out.add(new Value(e, buf.getDouble(e.valueOffset), ts));
    }
    return out;
  }

  private boolean cachedKeysMatch(ByteBuffer buf) {
    byte[] a = buf.array();
    for (Entry e : entries) {
      int k = e.entryOffset + DbLayout.KEY_LENGTH_SIZE;
      if (buf.getInt(e.entryOffset) != e.keyBytes.length
          || !Arrays.equals(a, k, k + e.keyBytes.length, e.keyBytes, 0, e.keyBytes.length)) {
        return false;
      }
    }
    return true;
  }

  private void reset() {
    version = null;
    parsedUsed = DbLayout.FIRST_ENTRY_OFFSET;
    entries = new ArrayList<>();
  }

  private void readFully(FileChannel ch, ByteBuffer b, long position, long size) throws IOException {
    long pos = position;
    while (b.hasRemaining()) {
      int n = ch.read(b, pos);
      if (n < 0) {
        throw new EOFException(name + ": file ended at " + pos + " of " + size + " bytes");
      }
      pos += n;
    }
    b.flip();
  }
}
