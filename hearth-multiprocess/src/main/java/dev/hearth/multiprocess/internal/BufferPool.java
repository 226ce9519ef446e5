package dev.hearth.multiprocess.internal;

import java.lang.ref.SoftReference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.ToIntFunction;

/**
 * Large read buffers reused across scrapes and collectors: a first read copies whole files, and
 * a fresh array of a few hundred KiB costs more to zero than the file costs to read. A few
 * buffers up to {@link #MAX_POOLED} bytes are kept, softly referenced, so memory pressure
 * reclaims them. Thread-safe.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
final class BufferPool {
  private static final int SLOTS = 8;
  /** Larger buffers are not kept. */
  static final int MAX_POOLED = 4 << 20; // at most 8 x 4 MiB per kind, softly held
  private static final Pool<byte[]> HEAP = new Pool<>(b -> b.length);
  private static final Pool<ByteBuffer> DIRECT = new Pool<>(ByteBuffer::capacity);

  private BufferPool() {}

  /** An array of at least {@code size} bytes, with any content; give it back when done. */
  static byte[] take(int size) {
    byte[] b = HEAP.take(size);
    return b != null ? b : new byte[roundUp(size)];
  }

  /** Keeps {@code b} for a later {@link #take}; nothing may use it afterwards. */
  static void give(byte[] b) {
    HEAP.give(b);
  }

  /**
   * A direct, little-endian buffer of at least {@code size} bytes with any content (reads into
   * it go straight to the kernel, without the JDK's temporary copy); give it back when done.
   */
  static ByteBuffer takeDirect(int size) {
    ByteBuffer b = DIRECT.take(size);
    return b != null ? b.clear()
        : ByteBuffer.allocateDirect(roundUp(size)).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Keeps {@code b} (from {@link #takeDirect}) for a later one; nothing may use it afterwards. */
  static void give(ByteBuffer b) {
    DIRECT.give(b);
  }

  /** Sizes that serve the next, slightly larger file too: an eighth more, in 64 KiB steps. */
  static int roundUp(int size) {
    long r = ((long) size + (size >> 3) + 0xFFFF) & ~0xFFFFL;
    return (int) Math.min(Integer.MAX_VALUE - 8, Math.max(r, 1 << 16));
  }

  /** A few softly held buffers of one kind. */
  private static final class Pool<T> {
    private final AtomicReferenceArray<SoftReference<T>> slots = new AtomicReferenceArray<>(SLOTS);
    private final ToIntFunction<T> size;

    Pool(ToIntFunction<T> size) {
      this.size = size;
    }

    T take(int min) {
      for (int i = 0; i < SLOTS; i++) {
        SoftReference<T> r = slots.get(i);
        T b = r == null ? null : r.get();
        if (r != null && b == null) {
          slots.compareAndSet(i, r, null); // reclaimed
        } else if (b != null && size.applyAsInt(b) >= min && slots.compareAndSet(i, r, null)) {
          return b;
        }
      }
      return null;
    }

    void give(T b) {
      int length = size.applyAsInt(b);
      if (length > MAX_POOLED) {
        return;
      }
      SoftReference<T> mine = new SoftReference<>(b);
      int smallest = -1;
      int smallestLength = length;
      for (int i = 0; i < SLOTS; i++) {
        SoftReference<T> r = slots.get(i);
        T held = r == null ? null : r.get();
        if (held == null) {
          if (slots.compareAndSet(i, r, mine)) {
            return;
          }
        } else if (size.applyAsInt(held) < smallestLength) {
          smallest = i;
          smallestLength = size.applyAsInt(held);
        }
      }
      if (smallest >= 0) { // full: a larger buffer replaces the smallest
        SoftReference<T> r = slots.get(smallest);
        T held = r == null ? null : r.get();
        if (held == null || size.applyAsInt(held) < length) {
          slots.compareAndSet(smallest, r, mine);
        }
      }
    }
  }
}
