package dev.hearth.multiprocess.internal;

import dev.hearth.multiprocess.FormatVersion;
import java.nio.ByteBuffer;

/**
 * The byte layout of a multiprocess {@code .db} file, as Python prometheus_client writes it
 * (native little-endian {@code struct}, 8-byte aligned):
 *
 * <pre>
 * offset 0 ({@link #USED_OFFSET})      int32  used: bytes in use from offset 0, header included
 * offset 4                          4 zero bytes (never written)
 * offset 8 ({@link #FIRST_ENTRY_OFFSET}) entries, back to back, each a multiple of 8 bytes long
 * offset used .. file end           zero bytes (preallocated)
 *
 * entry at p (p % 8 == 0):
 *   p                      int32  key_len ({@link #KEY_LENGTH_SIZE} bytes)
 *   p+4                    key_len bytes of UTF-8 JSON key
 *   p+4+key_len            pad bytes of ASCII space, pad = 8 - ((key_len + 4) % 8), 1..8, never 0
 *   v = p+4+key_len+pad    float64 value
 *   v+8                    float64 timestamp, epoch seconds, 0.0 = none (v2 only)
 *   next entry at v+8 (v1) or v+16 (v2)
 * </pre>
 *
 * Files start at {@link #INITIAL_SIZE} bytes and double whenever an entry does not fit.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class DbLayout {
  /** Offset of the int32 {@code used} header. */
  public static final int USED_OFFSET = 0;
  /** Size of the header ({@code used} and 4 zero bytes). */
  public static final int HEADER_SIZE = 8;
  /** Offset of the first entry. */
  public static final int FIRST_ENTRY_OFFSET = HEADER_SIZE;
  /** Size of an entry's key length field. */
  public static final int KEY_LENGTH_SIZE = 4;
  /** Offset of the timestamp within a v2 value block. */
  public static final int TIMESTAMP_OFFSET_IN_VALUE = 8;
  /** The padding byte. */
  public static final byte PAD_BYTE = 0x20;
  /** The size of a new file, as Python's {@code _INITIAL_MMAP_SIZE}: 64 KiB. */
  public static final int INITIAL_SIZE = 1 << 16;

  private DbLayout() {}

  /** The number of pad bytes after a key of {@code keyLength} bytes: 1 to 8. */
  public static int padding(int keyLength) {
    return 8 - ((keyLength + KEY_LENGTH_SIZE) % 8);
  }

  /** Offset of the value block of an entry at {@code entryOffset} with a key of this length. */
  public static long valueOffset(long entryOffset, int keyLength) {
    return entryOffset + KEY_LENGTH_SIZE + keyLength + padding(keyLength);
  }

  /**
   * Writes an entry's key length, key and padding at {@code entryOffset} of a little-endian
   * buffer and returns its value offset; the value block is the caller's to write.
   */
  public static int putKey(ByteBuffer b, int entryOffset, byte[] key) {
    b.putInt(entryOffset, key.length);
    b.put(entryOffset + KEY_LENGTH_SIZE, key);
    int v = (int) valueOffset(entryOffset, key.length);
    for (int i = entryOffset + KEY_LENGTH_SIZE + key.length; i < v; i++) {
      b.put(i, PAD_BYTE);
    }
    return v;
  }

  /** The total length of an entry. */
  public static long entryLength(int keyLength, FormatVersion version) {
    return (long) KEY_LENGTH_SIZE + keyLength + padding(keyLength) + version.valueBlockSize();
  }
}
