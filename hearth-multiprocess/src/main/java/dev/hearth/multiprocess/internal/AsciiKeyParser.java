package dev.hearth.multiprocess.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Parses the keys Python and Hearth write (printable ASCII, no escapes, Python's separators,
 * label names in ascending order) straight from their bytes, and interns every string of them:
 * the processes of a directory repeat names, help texts and label values across keys, so each
 * distinct string is one instance, with its hash computed once and equal strings identical.
 * Anything else is left to {@link DbKey#parse}, which gives the same result for these keys.
 * Not thread-safe.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
final class AsciiKeyParser {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int MAX_TABLE = 1 << 20;

  private byte[][] keys = new byte[256][];
  private String[] strings = new String[256];
  private int[] hashes = new int[256];
  private int size;
  private String[] names = new String[8];
  private String[] values = new String[8];
  private int pos;

  /** Forgets the interned strings. */
  void clear() {
    keys = new byte[256][];
    strings = new String[256];
    hashes = new int[256];
    size = 0;
    Arrays.fill(lastBytes, null);
    Arrays.fill(lastStrings, null);
  }

  /** The number of interned strings (for tests). */
  int size() {
    return size;
  }

  /**
   * The key in {@code b[start, start + length)}, or null when it is not in the simple form
   * (then {@link DbKey#parse} decides, and reports any error).
   */
  DbKey parse(byte[] b, int start, int length) {
    int end = start + length;
    pos = start;
    if (length < 16 || b[pos] != '[' || b[pos + 1] != '"') {
      return null;
    }
    pos += 2;
    String metric = string(b, end, 0);
    if (metric == null || !separator(b, end, ',')) {
      return null;
    }
    String sample = string(b, end, 1);
    if (sample == null || pos + 4 > end || b[pos] != '"' || b[pos + 1] != ','
        || b[pos + 2] != ' ' || b[pos + 3] != '{') {
      return null;
    }
    pos += 4;
    int n = 0;
    if (pos < end && b[pos] == '}') {
      pos++;
    } else {
      while (true) {
        if (pos >= end || b[pos] != '"') {
          return null;
        }
        pos++;
        String name = string(b, end, 3 + 2 * n);
        if (name == null || !separator(b, end, ':')) {
          return null;
        }
        String value = string(b, end, 4 + 2 * n);
        if (value == null || (n > 0 && names[n - 1].compareTo(name) >= 0)) {
          return null; // not strictly ascending: duplicates are DbKey.parse's to resolve
        }
        if (n == names.length) {
          names = Arrays.copyOf(names, 2 * n);
          values = Arrays.copyOf(values, 2 * n);
        }
        names[n] = name;
        values[n++] = value;
        pos++; // the closing quote
        if (pos + 2 > end) {
          return null;
        }
        if (b[pos] == '}') {
          pos++;
          break;
        }
        if (b[pos] != ',' || b[pos + 1] != ' ') {
          return null;
        }
        pos += 2;
      }
    }
    if (pos + 3 > end || b[pos] != ',' || b[pos + 1] != ' ' || b[pos + 2] != '"') {
      return null;
    }
    pos += 3;
    String help = string(b, end, 2);
    if (help == null || pos + 2 != end || b[pos + 1] != ']') {
      return null;
    }
    return new DbKey(metric, sample, n == 0 ? NONE : Arrays.copyOf(names, n),
        n == 0 ? NONE : Arrays.copyOf(values, n), help);
  }

  private static final String[] NONE = new String[0];

  /** At a closing quote: skips {@code ", "} ({@code sep} ',') or {@code ": "} (':'). */
  private boolean separator(byte[] b, int end, char sep) {
    if (pos + 4 > end || b[pos] != '"' || b[pos + 1] != sep || b[pos + 2] != ' '
        || b[pos + 3] != '"') {
      return false;
    }
    pos += 4;
    return true;
  }

  // the strings of the last key by field (metric, sample, help, then name/value pairs), with
  // their bytes: most fields repeat the previous key's, which one comparison confirms
  private static final int GUESSED_FIELDS = 16;
  private final byte[][] lastBytes = new byte[GUESSED_FIELDS][];
  private final String[] lastStrings = new String[GUESSED_FIELDS];
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  /**
   * The interned string from {@link #pos} to the next quote, which {@link #pos} is left at; null
   * when a byte on the way is not printable ASCII or is a backslash. {@code field} is the
   * string's position in the key.
   */
  private String string(byte[] b, int end, int field) {
    int from = pos;
    if (field < GUESSED_FIELDS) {
      byte[] last = lastBytes[field];
      if (last != null && from + last.length < end && b[from + last.length] == '"'
          && equalsAt(last, b, from)) {
        pos = from + last.length; // the last key's string: printable, no quote inside
        return lastStrings[field];
      }
    }
    int i = from;
    while (true) {
      if (i + 8 <= end) { // eight bytes at a time: find the first quote, backslash or non-printable
        long w = (long) LONGS.get(b, i);
        long q = w ^ 0x2222222222222222L;
        long bs = w ^ 0x5C5C5C5C5C5C5C5CL;
        long del = w ^ 0x7F7F7F7F7F7F7F7FL;
        long hits = (((q - ONES) & ~q) | ((bs - ONES) & ~bs) | ((del - ONES) & ~del)
            | ((w - 0x2020202020202020L) & ~w) | w) & HIGHS;
        if (hits == 0) {
          i += 8;
          continue;
        }
        i += Long.numberOfTrailingZeros(hits) >>> 3; // the lowest hit is exact
        if (b[i] != '"') {
          return null;
        }
        break;
      }
      if (i >= end) {
        return null;
      }
      byte c = b[i];
      if (c == '"') {
        break;
      }
      if (c < 0x20 || c == '\\' || c == 0x7f) { // negative: not ASCII
        return null;
      }
      i++;
    }
    pos = i;
    String s = intern(b, from, i - from);
    if (field < GUESSED_FIELDS) {
      lastBytes[field] = internedBytes;
      lastStrings[field] = s;
    }
    return s;
  }

  /** True when {@code a} equals {@code b[from, from + a.length)} (which is within {@code b}). */
  private static boolean equalsAt(byte[] a, byte[] b, int from) {
    int n = a.length;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      if ((long) LONGS.get(a, i) != (long) LONGS.get(b, from + i)) {
        return false;
      }
    }
    for (; i < n; i++) {
      if (a[i] != b[from + i]) {
        return false;
      }
    }
    return true;
  }

  private byte[] internedBytes; // the bytes of the string intern() returned last

  private String intern(byte[] b, int from, int length) {
    int h = KeyIndex.hash(b, from, length);
    int mask = keys.length - 1;
    int slot = h & mask;
    while (true) {
      byte[] k = keys[slot];
      if (k == null) {
        break;
      }
      if (hashes[slot] == h && k.length == length
          && Arrays.equals(k, 0, length, b, from, from + length)) {
        internedBytes = k;
        return strings[slot];
      }
      slot = (slot + 1) & mask;
    }
    byte[] copy = Arrays.copyOfRange(b, from, from + length);
    String s = new String(copy, StandardCharsets.ISO_8859_1);
    internedBytes = copy;
    if (size >= MAX_TABLE) { // a pathological directory: stop remembering, stay correct
      return s;
    }
    keys[slot] = copy;
    strings[slot] = s;
    hashes[slot] = h;
    if (2 * ++size > keys.length) {
      grow();
    }
    return s;
  }

  private void grow() {
    byte[][] oldKeys = keys;
    String[] oldStrings = strings;
    int[] oldHashes = hashes;
    keys = new byte[oldKeys.length * 2][];
    strings = new String[keys.length];
    hashes = new int[keys.length];
    int mask = keys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != null) {
        int slot = oldHashes[i] & mask;
        while (keys[slot] != null) {
          slot = (slot + 1) & mask;
        }
        keys[slot] = oldKeys[i];
        strings[slot] = oldStrings[i];
        hashes[slot] = oldHashes[i];
      }
    }
  }
}
