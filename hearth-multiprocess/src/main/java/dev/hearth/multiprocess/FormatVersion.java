package dev.hearth.multiprocess;

import java.util.Locale;

/**
 * The on-disk format of Python prometheus_client's multiprocess {@code .db} files. Nothing in a
 * file says which one it uses; readers detect it per file, writers use one per directory.
 *
 * <ul>
 *   <li>{@link #V1}: 8-byte value per entry; client_python up to 0.17 (Debian 12 ships 0.16).
 *   <li>{@link #V2}: 8-byte value and 8-byte timestamp; client_python 0.18 and later (the default).
 * </ul>
 */
public enum FormatVersion {
  /** {@code double value}: client_python 0.17 and earlier. */
  V1(8),
  /** {@code double value, double timestamp}: client_python 0.18 and later. */
  V2(16);

  private final int valueBlockSize;

  FormatVersion(int valueBlockSize) {
    this.valueBlockSize = valueBlockSize;
  }

  /** The bytes after each entry's padded key: 8 (v1) or 16 (v2). */
  public int valueBlockSize() {
    return valueBlockSize;
  }

  /**
   * Parses {@code v1} or {@code v2} (case-insensitive).
   *
   * @throws IllegalArgumentException for anything else, naming {@code source}
   */
  public static FormatVersion parse(String text, String source) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("v1") || t.equals("1")) {
      return V1;
    }
    if (t.equals("v2") || t.equals("2")) {
      return V2;
    }
    throw new IllegalArgumentException(source + ": unknown multiprocess file format '" + text
        + "'; expected v1 (client_python <= 0.17) or v2 (client_python >= 0.18)");
  }
}
