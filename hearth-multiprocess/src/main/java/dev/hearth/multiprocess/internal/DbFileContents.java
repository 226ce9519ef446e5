package dev.hearth.multiprocess.internal;

import dev.hearth.multiprocess.FormatVersion;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The complete contents of a {@code .db} file whose writer is gone (or of a compacted file),
 * read with plain reads and validated as strictly as the collector reads it: the format is
 * detected per file, every key must parse and, for the file's type, make a valid series (a
 * histogram bucket's {@code le} must be a number). A file the collector would skip is rejected
 * as a whole, so it is never folded into a compacted file.
 *
 * <p>A file of 0 bytes, or sized with its header still 0 (its writer died while creating it),
 * has no entries.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class DbFileContents {
  /** The detected format, or null when the file has no entries. */
  public final FormatVersion version;
  /** The keys, in file order. */
  public final List<String> keys;
  /** The values, in file order. */
  public final double[] values;

  private DbFileContents(FormatVersion version, List<String> keys, double[] values) {
    this.version = version;
    this.keys = keys;
    this.values = values;
  }

  /** The number of entries. */
  public int size() {
    return keys.size();
  }

  /**
   * Reads and validates the file open as {@code file}, called {@code name} (in messages; its
   * type comes from it, as in {@link DbFileName}).
   *
   * @throws DbFileException when the collector would not read it
   */
  public static DbFileContents read(String name, RandomAccessFile file) throws IOException {
    DbFileName fn = DbFileName.parse(name);
    if (fn == null) {
      throw new DbFileException(name, -1, "not a multiprocess file name");
    }
    long size = file.length();
    if (size == 0) {
      return new DbFileContents(null, List.of(), new double[0]);
    }
    if (size > Integer.MAX_VALUE) {
      throw new DbFileException(name, -1, "file of " + size + " bytes is too large");
    }
    byte[] head = new byte[(int) Math.min(size, DbLayout.HEADER_SIZE)];
    file.seek(0);
    file.readFully(head);
    ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
    if (head.length == DbLayout.HEADER_SIZE && h.getInt(DbLayout.USED_OFFSET) == 0
        && h.getInt(4) == 0) {
      return new DbFileContents(null, List.of(), new double[0]); // sized, header not yet written
    }
    int used = DbFileParser.checkHeader(name, h, size);
    byte[] all = new byte[used];
    file.seek(0);
    file.readFully(all);
    ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    DbFileParser.Parsed p = DbFileParser.parse(name, buf, DbLayout.FIRST_ENTRY_OFFSET, used, null);
    List<String> keys = new ArrayList<>(p.entries.size());
    double[] values = new double[p.entries.size()];
    for (int i = 0; i < p.entries.size(); i++) {
      DbFileParser.RawEntry e = p.entries.get(i);
      DbKey key = DbFileParser.parseKey(name, e);
      SeriesShape.of(key, fn.context, name); // throws where the collector would skip the file
      keys.add(e.key);
      values[i] = buf.getDouble(e.valueOffset);
    }
    return new DbFileContents(p.version, Collections.unmodifiableList(keys), values);
  }
}
