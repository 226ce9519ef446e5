package dev.hearth.multiprocess.internal;

import dev.hearth.multiprocess.FormatVersion;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Strict parsing of {@code .db} file contents, with per-file format detection.
 *
 * <p>A file is parsed as v2 and as v1. Strict means: {@code 8 <= used <= size}, {@code used} a
 * multiple of 8, header bytes 4..7 zero; per entry a positive key length, the whole entry within
 * {@code used}, padding all spaces, the key starting with {@code [} and ending with {@code ]};
 * the last entry ends exactly at {@code used}. Exactly one format must succeed: none is an error
 * naming both failures, both (never seen with real keys) is an "ambiguous" error. A file with no
 * entries is valid in both and has no version.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class DbFileParser {
  private DbFileParser() {}

  /** One raw entry: where it is and its key. */
  public static final class RawEntry {
    /** Offset of the entry (its key length). */
    public final int entryOffset;
    /** Offset of the value block. */
    public final int valueOffset;
    /** The key text. */
    public final String key;

    RawEntry(int entryOffset, int valueOffset, String key) {
      this.entryOffset = entryOffset;
      this.valueOffset = valueOffset;
      this.key = key;
    }
  }

  /** The result of parsing: the detected version (null when there are no entries) and entries. */
  public static final class Parsed {
    /** The format, or null for a file without entries. */
    public final FormatVersion version;
    /** The entries, in file order. */
    public final List<RawEntry> entries;
    /** The {@code used} value the entries were parsed up to. */
    public final int used;

    Parsed(FormatVersion version, List<RawEntry> entries, int used) {
      this.version = version;
      this.entries = entries;
      this.used = used;
    }
  }

  /**
   * Checks the header of {@code buf} (little-endian, holding at least the first {@code size} or
   * {@code used} bytes of the file) and returns {@code used}.
   */
  public static int checkHeader(String file, ByteBuffer buf, long size) throws DbFileException {
    if (size < DbLayout.HEADER_SIZE) {
      throw new DbFileException(file, 0, "file of " + size + " bytes is shorter than the "
          + DbLayout.HEADER_SIZE + "-byte header (truncated)");
    }
    int used = buf.order(ByteOrder.LITTLE_ENDIAN).getInt(DbLayout.USED_OFFSET);
    if (used < DbLayout.HEADER_SIZE || used > size) {
      throw new DbFileException(file, DbLayout.USED_OFFSET, "used=" + used
          + " is outside [" + DbLayout.HEADER_SIZE + ", file size " + size + "]");
    }
    if (used % 8 != 0) {
      throw new DbFileException(file, DbLayout.USED_OFFSET, "used=" + used + " is not a multiple of 8");
    }
    if (buf.getInt(4) != 0) {
      throw new DbFileException(file, 4, "header padding bytes 4..7 are not zero");
    }
    return used;
  }

  /**
   * Parses the entries in {@code [from, used)}, detecting the version when {@code version} is
   * null, otherwise with that version.
   */
  public static Parsed parse(String file, ByteBuffer buf, int from, int used, FormatVersion version)
      throws DbFileException {
    ByteBuffer b = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    Offsets o = offsets(file, b, 0, from, used, version);
    List<RawEntry> entries = new ArrayList<>(o.count);
    for (int i = 0; i < o.count; i++) {
      int pos = o.offsets[i];
      int keyLength = b.getInt(pos);
      entries.add(new RawEntry(pos, (int) DbLayout.valueOffset(pos, keyLength),
          decode(file, b, pos + DbLayout.KEY_LENGTH_SIZE, keyLength)));
    }
    return new Parsed(o.version, entries, used);
  }

  private static String detail(DbFileException e) {
    String m = e.getMessage();
    return m.substring(m.indexOf(": ") + 2) + " at offset " + e.offset();
  }

  /** Entry offsets of a file region and the version they were parsed with. */
  public static final class Offsets {
    /** The format, or null when the region has no entries and no version was given. */
    public final FormatVersion version;
    /** Entry offsets; the first {@link #count} are valid. */
    public final int[] offsets;
    /** The number of entries. */
    public final int count;

    Offsets(FormatVersion version, int[] offsets, int count) {
      this.version = version;
      this.offsets = offsets;
      this.count = count;
    }
  }

  /**
   * The entry offsets in {@code [from, used)} of a little-endian buffer holding the file's bytes
   * from file offset {@code base} on (its index 0; offsets are file offsets), validated as
   * strictly as {@link #parse} (and detecting the version the same way when {@code version} is
   * null) except that keys are not decoded: the caller decodes the keys it has not seen with
   * {@link #decodeKey}.
   */
  public static Offsets offsets(String file, ByteBuffer b, int base, int from, int used,
      FormatVersion version) throws DbFileException {
    if (version != null) {
      return walkOffsets(file, b, base, from, used, version);
    }
    if (from >= used) {
      return new Offsets(null, new int[0], 0);
    }
    Offsets v2 = walk(b, base, from, used, FormatVersion.V2);
    Offsets v1 = walk(b, base, from, used, FormatVersion.V1);
    if (v2 != null && v1 != null) {
      throw new DbFileException(file, from, "ambiguous: the entries parse both as format v1 ("
          + v1.count + " entries) and v2 (" + v2.count + " entries); refusing to guess");
    }
    if (v2 != null) {
      return v2;
    }
    if (v1 != null) {
      return v1;
    }
    DbFileException e2 = failure(file, b, base, from, used, FormatVersion.V2);
    DbFileException e1 = failure(file, b, base, from, used, FormatVersion.V1);
    DbFileException first = e2.offset() >= e1.offset() ? e2 : e1;
    throw new DbFileException(file, first.offset(), "neither a v1 nor a v2 file (as v2: "
        + detail(e2) + "; as v1: " + detail(e1) + ")");
  }

  private static DbFileException failure(String file, ByteBuffer b, int base, int from, int used,
      FormatVersion version) {
    try {
      explain(file, b, base, from, used, version);
    } catch (DbFileException e) {
      return e;
    }
    throw new AssertionError("a failed walk passed the second time");
  }

  private static Offsets walkOffsets(String file, ByteBuffer b, int base, int from, int used,
      FormatVersion version) throws DbFileException {
    Offsets o = walk(b, base, from, used, version);
    if (o != null) {
      return o;
    }
    explain(file, b, base, from, used, version); // throws, naming the problem
    throw new AssertionError("the entries parse on the second walk");
  }

  /** The entry offsets, or null at the first problem. */
  private static Offsets walk(ByteBuffer b, int base, int from, int used, FormatVersion version) {
    int[] out = new int[Math.max(4, Math.min(1 << 16, (used - from) / 32))];
    int n = 0;
    long pos = from;
    int width = version.valueBlockSize();
    while (pos < used) {
      if (pos + DbLayout.KEY_LENGTH_SIZE > used) {
        return null;
      }
      int p = (int) pos - base;
      int keyLength = b.getInt(p);
      if (keyLength <= 0) {
        return null;
      }
      int pad = DbLayout.padding(keyLength);
      long end = pos + DbLayout.KEY_LENGTH_SIZE + keyLength + pad + width;
      if (end > used) {
        return null;
      }
      int k = p + DbLayout.KEY_LENGTH_SIZE;
      for (int i = k + keyLength; i < k + keyLength + pad; i++) {
        if (b.get(i) != DbLayout.PAD_BYTE) {
          return null;
        }
      }
      if (b.get(k) != '[' || b.get(k + keyLength - 1) != ']') {
        return null;
      }
      if (n == out.length) {
        out = java.util.Arrays.copyOf(out, n * 2);
      }
      out[n] = (int) pos;
      n++;
      pos = end;
    }
    return new Offsets(version, out, n);
  }

  /** The walk of {@link #walk(ByteBuffer, int, int, int, FormatVersion)}, throwing. */
  private static void explain(String file, ByteBuffer b, int base, int from, int used,
      FormatVersion version) throws DbFileException {
    long pos = from;
    int width = version.valueBlockSize();
    while (pos < used) {
      if (pos + DbLayout.KEY_LENGTH_SIZE > used) {
        throw new DbFileException(file, pos, "entry header crosses used=" + used);
      }
      int p = (int) pos - base;
      int keyLength = b.getInt(p);
      if (keyLength <= 0) {
        throw new DbFileException(file, pos, "key length " + keyLength + " is not positive");
      }
      int pad = DbLayout.padding(keyLength);
      long end = pos + DbLayout.KEY_LENGTH_SIZE + keyLength + pad + width;
      if (end > used) {
        throw new DbFileException(file, pos, "entry with key length " + keyLength + " ends at "
            + end + ", beyond used=" + used);
      }
      int k = p + DbLayout.KEY_LENGTH_SIZE;
      for (int i = k + keyLength; i < k + keyLength + pad; i++) {
        if (b.get(i) != DbLayout.PAD_BYTE) {
          throw new DbFileException(file, (long) i + base, "padding byte is not a space");
        }
      }
      if (b.get(k) != '[' || b.get(k + keyLength - 1) != ']') {
        throw new DbFileException(file, (long) k + base,
            "key does not start with '[' and end with ']'");
      }
      pos = end;
    }
  }

  /**
   * Decodes key bytes as strict UTF-8 (pure ASCII, the usual case, without a decoder);
   * {@code keyOffset} is the key's file offset, for the error.
   */
  public static String decodeKey(String file, byte[] key, long keyOffset) throws DbFileException {
    boolean ascii = true;
    for (byte x : key) {
      if (x < 0) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      return new String(key, StandardCharsets.ISO_8859_1);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(key)).toString();
    } catch (CharacterCodingException e) {
      throw new DbFileException(file, keyOffset, "key is not valid UTF-8");
    }
  }

  /** Parses a key's text, as a {@link DbFileException} naming the entry on failure. */
  public static DbKey parseKey(String file, int entryOffset, String key) throws DbFileException {
    try {
      return DbKey.parse(key);
    } catch (IllegalArgumentException ex) {
      throw new DbFileException(file, entryOffset, ex.getMessage());
    }
  }

  private static String decode(String file, ByteBuffer b, int start, int length)
      throws DbFileException {
    ByteBuffer slice = b.duplicate();
    slice.limit(start + length).position(start);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(slice).toString();
    } catch (CharacterCodingException e) {
      throw new DbFileException(file, start, "key is not valid UTF-8");
    }
  }

  /** Parses the key of {@code e}, as a {@link DbFileException} naming the entry on failure. */
  public static DbKey parseKey(String file, RawEntry e) throws DbFileException {
    try {
      return DbKey.parse(e.key);
    } catch (IllegalArgumentException ex) {
      throw new DbFileException(file, e.entryOffset, ex.getMessage());
    }
  }
}
