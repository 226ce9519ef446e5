package dev.hearth.multiprocess.internal;

import java.io.IOException;

/**
 * A {@code .db} file that is not a valid v1 or v2 file (or not the expected one), with the file
 * and the byte offset of the problem.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class DbFileException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long offset;

  /** An error in {@code file} at {@code offset} (-1 when not about one place). */
  public DbFileException(String file, long offset, String message) {
    super(file + (offset >= 0 ? " at offset " + offset : "") + ": " + message);
    this.file = file;
    this.offset = offset;
  }

  /** The file name. */
  public String file() {
    return file;
  }

  /** The byte offset, or -1. */
  public long offset() {
    return offset;
  }
}
