package dev.hearth.multiprocess.internal;

import java.lang.ref.SoftReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Large read buffers reused across scrapes and collectors: a first read copies whole files, and
 * a fresh array of a few hundred KiB costs more to zero than the file costs to copy. A few arrays
 * up to {@link #MAX_POOLED} bytes are kept, softly referenced, so memory pressure reclaims them.
 * Thread-safe.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
final class BufferPool {
  private static final int SLOTS = 8;
  /** Larger arrays are not kept. */
  static final int MAX_POOLED = 16 << 20;
  private static final AtomicReferenceArray<SoftReference<byte[]>> POOL =
      new AtomicReferenceArray<>(SLOTS);

  private BufferPool() {}

  /** An array of at least {@code size} bytes, with any content; give it back when done. */
  static byte[] take(int size) {
    for (int i = 0; i < SLOTS; i++) {
      SoftReference<byte[]> r = POOL.get(i);
      if (r == null) {
        continue;
      }
      byte[] b = r.get();
      if (b == null) {
        POOL.compareAndSet(i, r, null);
      } else if (b.length >= size && POOL.compareAndSet(i, r, null)) {
        return b;
      }
    }
    return new byte[roundUp(size)];
  }

  /** Keeps {@code b} for a later {@link #take}; nothing may use it afterwards. */
  static void give(byte[] b) {
    if (b.length > MAX_POOLED) {
      return;
    }
    SoftReference<byte[]> mine = new SoftReference<>(b);
    int smallest = -1;
    int smallestLength = b.length;
    for (int i = 0; i < SLOTS; i++) {
      SoftReference<byte[]> r = POOL.get(i);
      byte[] held = r == null ? null : r.get();
      if (held == null) {
        if (POOL.compareAndSet(i, r, mine)) {
          return;
        }
      } else if (held.length < smallestLength) {
        smallest = i;
        smallestLength = held.length;
      }
    }
    if (smallest >= 0) { // full: a larger array replaces the smallest
      SoftReference<byte[]> r = POOL.get(smallest);
      byte[] held = r == null ? null : r.get();
      if (held == null || held.length < b.length) {
        POOL.compareAndSet(smallest, r, mine);
      }
    }
  }

  /** Sizes that serve the next, slightly larger file too: a power of two, or whole MiB. */
  static int roundUp(int size) {
    if (size <= 1 << 16) {
      return 1 << 16;
    }
    if (size <= 1 << 20) {
      return Integer.highestOneBit(size - 1) << 1;
    }
    long mib = ((long) size + (1 << 20) - 1) >>> 20;
    return (int) Math.min(Integer.MAX_VALUE - 8, mib << 20);
  }
}
