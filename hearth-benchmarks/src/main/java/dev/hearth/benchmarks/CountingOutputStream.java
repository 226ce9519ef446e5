package dev.hearth.benchmarks;

import java.io.OutputStream;
import java.util.Objects;

/**
 * Discards bytes but counts them, and folds the last byte of every chunk into a checksum so the
 * JIT must really produce the bytes. Reused across invocations; not thread-safe.
 */
final class CountingOutputStream extends OutputStream {
  private long count;
  private int checksum;

  @Override
  public void write(int b) {
    count++;
    checksum += b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len > 0) {
      count += len;
      checksum += b[off + len - 1];
    }
  }

  /** Bytes written since the last reset. */
  long count() {
    return count;
  }

  /** A value that depends on the bytes written. */
  int checksum() {
    return checksum;
  }

  void reset() {
    count = 0;
    checksum = 0;
  }
}
