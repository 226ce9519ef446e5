package dev.hearth.multiprocess.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * The distinct keys of a directory's files, looked up by their bytes: processes write the same
 * keys, so each distinct key is decoded and parsed once per directory, and finding a known key
 * costs a hash and a comparison of its bytes. Open addressing, linear probing. Not thread-safe
 * (the collector serialises scrapes).
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class KeyIndex {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** One distinct key with what is derived from it, cached for every file that holds it. */
  public static final class Key {
    final byte[] bytes;
    final int hash;
    /** The parsed key. */
    public final DbKey key;
    /** The series shape per file type ({@link SeriesShape.Context#ordinal()}), built lazily. */
    final SeriesShape[] shapes = new SeriesShape[SeriesShape.Context.values().length];

    Key(byte[] bytes, int hash, DbKey key) {
      this.bytes = bytes;
      this.hash = hash;
      this.key = key;
    }

    /** The shape of this key's series in a file of {@code context}, computed once. */
    public SeriesShape shape(SeriesShape.Context context, String file) throws DbFileException {
      SeriesShape s = shapes[context.ordinal()];
      if (s == null) {
        s = SeriesShape.of(key, context, file);
        shapes[context.ordinal()] = s;
      }
      return s;
    }

    /** True when this key's bytes equal {@code b[start, start + length)}. */
    boolean matches(byte[] b, int start, int length) {
      return bytes.length == length && Arrays.equals(bytes, 0, length, b, start, start + length);
    }
  }

  private Key[] table = new Key[1024];
  private int size;

  /** How many keys are held. */
  public int size() {
    return size;
  }

  /** Forgets every key. */
  public void clear() {
    table = new Key[1024];
    size = 0;
  }

  /**
   * The key whose bytes are {@code b[start, start + length)}, decoding, parsing and adding it
   * when it is new.
   *
   * @param keyOffset the key's offset in the file, for errors
   * @throws DbFileException when a new key is not valid UTF-8 or not a valid key
   */
  public Key resolve(String file, byte[] b, int start, int length, long keyOffset)
      throws DbFileException {
    int h = hash(b, start, length);
    Key[] t = table;
    int mask = t.length - 1;
    for (int i = h & mask; ; i = (i + 1) & mask) {
      Key k = t[i];
      if (k == null) {
        break;
      }
      if (k.hash == h && k.matches(b, start, length)) {
        return k;
      }
    }
    byte[] bytes = Arrays.copyOfRange(b, start, start + length);
    String text = DbFileParser.decodeKey(file, bytes, keyOffset);
    DbKey parsed = DbFileParser.parseKey(file, (int) keyOffset - DbLayout.KEY_LENGTH_SIZE, text);
    Key k = new Key(bytes, h, parsed);
    insert(k);
    return k;
  }

  /** Keeps only the keys for which {@code keep} holds (e.g. those current files still hold). */
  public void retain(Predicate<Key> keep) {
    Key[] old = table;
    table = new Key[old.length];
    size = 0;
    for (Key k : old) {
      if (k != null && keep.test(k)) {
        insert(k);
      }
    }
  }

  private void insert(Key k) {
    if (2 * (size + 1) > table.length) {
      Key[] old = table;
      table = new Key[old.length * 2];
      size = 0;
      for (Key o : old) {
        if (o != null) {
          insert(o);
        }
      }
    }
    int mask = table.length - 1;
    int i = k.hash & mask;
    while (table[i] != null) {
      i = (i + 1) & mask;
    }
    table[i] = k;
    size++;
  }

  /** A hash of {@code b[start, start + length)}, eight bytes at a time. */
  static int hash(byte[] b, int start, int length) {
    long h1 = length * 0x9E3779B97F4A7C15L;
    long h2 = 0x632BE59BD9B4E019L;
    int i = 0;
    for (; i + 16 <= length; i += 16) { // two independent lanes
      h1 = Long.rotateLeft((h1 ^ (long) LONGS.get(b, start + i)) * 0xC2B2AE3D27D4EB4FL, 29);
      h2 = Long.rotateLeft((h2 ^ (long) LONGS.get(b, start + i + 8)) * 0x165667B19E3779F9L, 31);
    }
    if (i + 8 <= length) {
      h1 = Long.rotateLeft((h1 ^ (long) LONGS.get(b, start + i)) * 0xC2B2AE3D27D4EB4FL, 29);
      i += 8;
    }
    if (i < length) {
      long tail = 0;
      if (length >= 8) { // the last 8 bytes, overlapping what was hashed
        tail = (long) LONGS.get(b, start + length - 8);
      } else {
        for (int j = length - 1; j >= i; j--) {
          tail = (tail << 8) | (b[start + j] & 0xff);
        }
      }
      h2 = Long.rotateLeft((h2 ^ tail) * 0x165667B19E3779F9L, 31);
    }
    long h = h1 ^ Long.rotateLeft(h2, 17);
    h ^= h >>> 31;
    h *= 0xD6E8FEB86659FD93L;
    return (int) (h ^ (h >>> 32));
  }


  @Override
  public String toString() {
    return "KeyIndex[" + size + " keys]";
  }
}
