package dev.hearth.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Maps label values to children: lock-free, allocation-free reads; creation and removal under a
 * lock.
 *
 * <pre>
 * table: Object[capacity * stride], open addressing with linear probing, load factor at most 1/2;
 * stride = the next power of two above the number of labels, so a slot is found by a shift:
 *   [s * stride + 0 .. arity - 1]   the label values (String), written first, plain
 *   [s * stride + stride - 1]       the child, published with a release store
 * </pre>
 *
 * <p>Keeping the values inline makes a lookup compare strings that sit in the slot's cache line,
 * with no dereference of a key object. A reader loads the child slot with acquire semantics: null
 * ends the probe; otherwise the values written before it are visible. A removal or a resize
 * builds a new array and publishes it through a volatile field; a reader on the old array still
 * finds every child that existed when it started.
 *
 * <p>Internal API: not for public use, can change at any time.
 *
 * @param <C> the child type
 */
public final class ChildTable<C> {
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);
  private static final int INITIAL_CAPACITY = 8;

  private final int arity;
  private final int shift;
  private final int stride;
  private volatile Object[] table;
  private int size; // guarded by this

  /** A table for children with {@code arity} label values. */
  public ChildTable(int arity) {
    this.arity = arity;
    int s = 0;
    while ((1 << s) < arity + 1) {
      s++;
    }
    this.shift = s;
    this.stride = 1 << s;
    this.table = new Object[INITIAL_CAPACITY << s];
  }

  /** The child for these values, or null. {@code values} is only read. */
  @SuppressWarnings("unchecked")
  public C get(String[] values) {
    Object[] t = table;
    int last = stride - 1;
    int mask = (t.length >> shift) - 1;
    int i = hash(values) & mask;
    while (true) {
      int base = i << shift;
      Object c = SLOTS.getAcquire(t, base + last);
      if (c == null) {
        return null;
      }
      if (matches(t, base, values)) {
        return (C) c;
      }
      i = (i + 1) & mask;
    }
  }

  /*
   * get1/get2/get3 probe comparing references only, which keeps them small enough for the JIT
   * to inline into the caller (with String.equals inlined they are "already compiled into a big
   * method" and called instead, about 2 ns more per lookup). Callers usually pass the very String
   * instances the child was created with (constants, or reused values); when they don't, the
   * probe reaches an empty slot and get(String[]) repeats it with equals, out of line.
   */

  /** The child for one label value, or null. */
  @SuppressWarnings("unchecked")
  public C get1(String v0) {
    Object[] t = table;
    int mask = (t.length >> 1) - 1;
    int i = mix(v0.hashCode() * K0) & mask;
    while (true) {
      int base = i << 1;
      Object c = SLOTS.getAcquire(t, base + 1);
      if (c == null) {
        return getByEquals(v0);
      }
      if (t[base] == v0) {
        return (C) c;
      }
      i = (i + 1) & mask;
    }
  }

  /** The child for two label values, or null. */
  @SuppressWarnings("unchecked")
  public C get2(String v0, String v1) {
    Object[] t = table;
    int mask = (t.length >> 2) - 1;
    int i = mix(v0.hashCode() * K0 + v1.hashCode() * K1) & mask;
    while (true) {
      int base = i << 2;
      Object c = SLOTS.getAcquire(t, base + 3);
      if (c == null) {
        return getByEquals(v0, v1);
      }
      if (t[base] == v0 && t[base + 1] == v1) {
        return (C) c;
      }
      i = (i + 1) & mask;
    }
  }

  /** The child for three label values, or null. */
  @SuppressWarnings("unchecked")
  public C get3(String v0, String v1, String v2) {
    Object[] t = table;
    int mask = (t.length >> 2) - 1;
    int i = mix(v0.hashCode() * K0 + v1.hashCode() * K1 + v2.hashCode() * K2) & mask;
    while (true) {
      int base = i << 2;
      Object c = SLOTS.getAcquire(t, base + 3);
      if (c == null) {
        return getByEquals(v0, v1, v2);
      }
      if (t[base] == v0 && t[base + 1] == v1 && t[base + 2] == v2) {
        return (C) c;
      }
      i = (i + 1) & mask;
    }
  }

  /** The cold path of get1: the probe again, comparing with equals. */
  @SuppressWarnings("unchecked")
  private C getByEquals(String v0) {
    Object[] t = table;
    int mask = (t.length >> 1) - 1;
    for (int i = mix(v0.hashCode() * K0) & mask; ; i = (i + 1) & mask) {
      Object c = SLOTS.getAcquire(t, (i << 1) + 1);
      if (c == null || v0.equals(t[i << 1])) {
        return (C) c;
      }
    }
  }

  /** The cold path of get2: the probe again, comparing with equals. */
  @SuppressWarnings("unchecked")
  private C getByEquals(String v0, String v1) {
    Object[] t = table;
    int mask = (t.length >> 2) - 1;
    for (int i = mix(v0.hashCode() * K0 + v1.hashCode() * K1) & mask; ; i = (i + 1) & mask) {
      int base = i << 2;
      Object c = SLOTS.getAcquire(t, base + 3);
      if (c == null || (v0.equals(t[base]) && v1.equals(t[base + 1]))) {
        return (C) c;
      }
    }
  }

  /** The cold path of get3: the probe again, comparing with equals. */
  @SuppressWarnings("unchecked")
  private C getByEquals(String v0, String v1, String v2) {
    Object[] t = table;
    int mask = (t.length >> 2) - 1;
    for (int i = mix(v0.hashCode() * K0 + v1.hashCode() * K1 + v2.hashCode() * K2) & mask; ;
        i = (i + 1) & mask) {
      int base = i << 2;
      Object c = SLOTS.getAcquire(t, base + 3);
      if (c == null || (v0.equals(t[base]) && v1.equals(t[base + 1]) && v2.equals(t[base + 2]))) {
        return (C) c;
      }
    }
  }

  /**
   * The child for {@code values}, created by {@code factory} (under this table's lock, with a
   * private copy of the values) when absent. The factory may return null to create nothing.
   */
  public C computeIfAbsent(String[] values, Function<String[], C> factory) {
    return computeIfAbsent(values, factory, Integer.MAX_VALUE);
  }

  /**
   * As {@link #computeIfAbsent(String[], Function)}, but creates nothing and returns null when
   * the table already holds {@code limit} children.
   */
  public C computeIfAbsent(String[] values, Function<String[], C> factory, int limit) {
    C c = get(values);
    if (c != null) {
      return c;
    }
    synchronized (this) {
      c = get(values);
      if (c != null) {
        return c;
      }
      if (size >= limit) {
        return null;
      }
      String[] key = values.clone();
      c = factory.apply(key);
      if (c == null) {
        return null;
      }
      Object[] t = table;
      if (2 * (size + 1) > (t.length >> shift)) {
        t = copy(t, (t.length >> shift) * 2, null);
        table = t;
      }
      insert(t, key, c);
      size++;
      return c;
    }
  }

  /** Removes the child for these values; returns it, or null when absent. */
  public synchronized C remove(String[] values) {
    C c = get(values);
    if (c == null) {
      return null;
    }
    Object[] t = table;
    table = copy(t, t.length >> shift, values);
    size--;
    return c;
  }

  /** Removes every child that {@code stale} accepts; returns how many. */
  @SuppressWarnings("unchecked")
  public synchronized int removeIf(java.util.function.Predicate<C> stale) {
    Object[] t = table;
    int last = stride - 1;
    int first = -1;
    for (int base = 0; base < t.length && first < 0; base += stride) {
      Object c = t[base + last];
      if (c != null && stale.test((C) c)) {
        first = base;
      }
    }
    if (first < 0) {
      return 0; // the common case at a scrape: nothing copied, nothing allocated
    }
    Object[] n = new Object[t.length];
    int removed = 0;
    for (int base = 0; base < t.length; base += stride) {
      Object c = t[base + last];
      if (c != null) {
        // children before `first` were tested (not stale) by the first pass; test each once
        if (base == first || (base > first && stale.test((C) c))) {
          removed++;
        } else {
          insert(n, keyAt(t, base), c);
        }
      }
    }
    table = n;
    size -= removed;
    return removed;
  }

  /** Removes every child. */
  public synchronized void clear() {
    table = new Object[INITIAL_CAPACITY << shift];
    size = 0;
  }

  /** The number of children. */
  public synchronized int size() {
    return size;
  }

  /** The children, in table order (a snapshot). */
  public List<C> values() {
    List<C> out = new ArrayList<>();
    forEach((k, c) -> out.add(c));
    return out;
  }

  /** Calls {@code action} with each child's values (a fresh array) and the child. */
  @SuppressWarnings("unchecked")
  public void forEach(java.util.function.BiConsumer<String[], C> action) {
    Object[] t = table;
    int last = stride - 1;
    for (int base = 0; base < t.length; base += stride) {
      Object c = SLOTS.getAcquire(t, base + last);
      if (c != null) {
        action.accept(keyAt(t, base), (C) c);
      }
    }
  }

  private String[] keyAt(Object[] t, int base) {
    String[] k = new String[arity];
    for (int j = 0; j < arity; j++) {
      k[j] = (String) t[base + j];
    }
    return k;
  }

  /** A new table of {@code capacity} slots with every entry of {@code t} except {@code without}. */
  private Object[] copy(Object[] t, int capacity, String[] without) {
    Object[] n = new Object[capacity << shift];
    int last = stride - 1;
    for (int base = 0; base < t.length; base += stride) {
      Object c = t[base + last];
      if (c != null && (without == null || !matches(t, base, without))) {
        insert(n, keyAt(t, base), c);
      }
    }
    return n;
  }

  private void insert(Object[] t, String[] key, Object child) {
    int mask = (t.length >> shift) - 1;
    int last = stride - 1;
    int i = hash(key) & mask;
    while (t[(i << shift) + last] != null) {
      i = (i + 1) & mask;
    }
    int base = i << shift;
    for (int j = 0; j < arity; j++) {
      t[base + j] = key[j];
    }
    SLOTS.setRelease(t, base + last, child);
  }

  private boolean matches(Object[] t, int base, String[] values) {
    for (int j = 0; j < arity; j++) {
      if (!eq(t[base + j], values[j])) {
        return false;
      }
    }
    return true;
  }

  private static boolean eq(Object a, String b) {
    return a == b || b.equals(a);
  }

  /** The hash of a key; {@link #get1}/{@link #get2}/{@link #get3} compute the same inline. */
  static int hash(String[] values) {
    int h = 0;
    for (int j = 0; j < values.length; j++) {
      h += values[j].hashCode() * (j < K.length ? K[j] : K[j % K.length] + 2 * j);
    }
    return mix(h);
  }

  /*
   * Each value's hash gets its own odd multiplier, so the products are independent (the CPU
   * computes them in parallel, unlike a 31*h chain) and swapped values hash differently.
   */
  private static final int K0 = 0x9E3779B1;
  private static final int K1 = 0x85EBCA77;
  private static final int K2 = 0xC2B2AE3D;
  private static final int[] K = {K0, K1, K2, 0x27D4EB2F, 0x165667B1, 0xD3A2646C + 1, 0xFD7046C5, 0xB55A4F09};

  private static int mix(int h) {
    return h ^ (h >>> 15);
  }
}
