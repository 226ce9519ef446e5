package dev.hearth.multiprocess.internal;

import dev.hearth.multiprocess.FormatVersion;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a complete {@code .db} file in one go, as Python's {@code MmapedDict} would have left it
 * after creating the same keys in the same order and setting their values: header, entries back
 * to back (timestamps 0.0 in v2), the file sized to {@link DbLayout#INITIAL_SIZE} doubled until
 * everything fits, the rest zero (written, so the file has real blocks, as {@link MmapDbFile}'s). The file is forced to disk before this returns.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class DbFileWriter {
  private DbFileWriter() {}

  /**
   * Writes {@code keys} with {@code values} to {@code path} (replacing its contents) in
   * {@code version}.
   *
   * @throws IOException when writing fails, or the file would exceed 2 GiB
   */
  public static void write(Path path, FormatVersion version, List<String> keys, double[] values)
      throws IOException {
    byte[][] encoded = new byte[keys.size()][];
    long used = DbLayout.HEADER_SIZE;
    for (int i = 0; i < encoded.length; i++) {
      encoded[i] = keys.get(i).getBytes(StandardCharsets.UTF_8);
      used += DbLayout.entryLength(encoded[i].length, version);
    }
    long capacity = DbLayout.INITIAL_SIZE;
    while (capacity < used) {
      capacity *= 2;
    }
    if (capacity > Integer.MAX_VALUE) {
      throw new IOException(path + ": " + keys.size() + " entries need " + used
          + " bytes, more than a multiprocess file can hold (2 GiB)");
    }
    ByteBuffer b = ByteBuffer.allocate((int) used).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(DbLayout.USED_OFFSET, (int) used);
    int p = DbLayout.FIRST_ENTRY_OFFSET;
    for (int i = 0; i < encoded.length; i++) {
      byte[] k = encoded[i];
      int v = DbLayout.putKey(b, p, k);
      b.putDouble(v, values[i]);
      // v2: the timestamp stays 0.0 (the buffer is zeroed)
      p = (int) (p + DbLayout.entryLength(k.length, version));
    }
    try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "rw")) {
      f.setLength(0);
      f.seek(0);
      f.write(b.array());
      // the rest as real zeros, not a sparse setLength: a full disk fails here, and a mapping of
      // the file never meets an unbacked page
      byte[] zeros = new byte[(int) Math.min(capacity - used, 1 << 16)];
      for (long at = used; at < capacity; at += zeros.length) {
        f.write(zeros, 0, (int) Math.min(zeros.length, capacity - at));
      }
      f.getFD().sync();
    }
  }
}
