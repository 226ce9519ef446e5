package dev.hearth.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Maps label values to children: lock-free, allocation-free reads; creation and removal under a
 * lock. Keys are the {@code String[]} of label values the child was created with.
 *
 * <pre>
 * table: Object[2 * capacity], open addressing with linear probing, load factor at most 1/2
 *   [2i]     String[] key   (published with a release store, read with an acquire load)
 *   [2i + 1] child          (written before its key, so a reader that sees the key sees it)
 * </pre>
 *
 * <p>A removal or a resize builds a new array and publishes it through a volatile field; a reader
 * on the old array still finds every child that existed when it started. An insert into the
 * current array writes an empty slot, which concurrent readers either see complete or not at all.
 *
 * <p>Internal API: not for public use, can change at any time.
 *
 * @param <C> the child type
 */
public final class ChildTable<C> {
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Object[].class);

  private volatile Object[] table = new Object[2 * 8];
  private int size; // guarded by this

  /** The child for these values, or null. {@code values} is only read. */
  @SuppressWarnings("unchecked")
  public C get(String[] values) {
    Object[] t = table;
    int mask = (t.length >> 1) - 1;
    int i = hash(values) & mask;
    while (true) {
      Object k = SLOTS.getAcquire(t, 2 * i);
      if (k == null) {
        return null;
      }
      if (matches((String[]) k, values)) {
        return (C) t[2 * i + 1];
      }
      i = (i + 1) & mask;
    }
  }

  /** The child for one label value, or null. */
  @SuppressWarnings("unchecked")
  public C get1(String v0) {
    Object[] t = table;
    int mask = (t.length >> 1) - 1;
    int i = mix(31 + v0.hashCode()) & mask;
    while (true) {
      Object k = SLOTS.getAcquire(t, 2 * i);
      if (k == null) {
        return null;
      }
      String[] key = (String[]) k;
      if (eq(key[0], v0)) {
        return (C) t[2 * i + 1];
      }
      i = (i + 1) & mask;
    }
  }

  /** The child for two label values, or null. */
  @SuppressWarnings("unchecked")
  public C get2(String v0, String v1) {
    Object[] t = table;
    int mask = (t.length >> 1) - 1;
    int i = mix(31 * (31 + v0.hashCode()) + v1.hashCode()) & mask;
    while (true) {
      Object k = SLOTS.getAcquire(t, 2 * i);
      if (k == null) {
        return null;
      }
      String[] key = (String[]) k;
      if (eq(key[0], v0) && eq(key[1], v1)) {
        return (C) t[2 * i + 1];
      }
      i = (i + 1) & mask;
    }
  }

  /** The child for three label values, or null. */
  @SuppressWarnings("unchecked")
  public C get3(String v0, String v1, String v2) {
    Object[] t = table;
    int mask = (t.length >> 1) - 1;
    int i = mix(31 * (31 * (31 + v0.hashCode()) + v1.hashCode()) + v2.hashCode()) & mask;
    while (true) {
      Object k = SLOTS.getAcquire(t, 2 * i);
      if (k == null) {
        return null;
      }
      String[] key = (String[]) k;
      if (eq(key[0], v0) && eq(key[1], v1) && eq(key[2], v2)) {
        return (C) t[2 * i + 1];
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * The child for {@code values}, created by {@code factory} (under this table's lock, with a
   * private copy of the values) when absent. The factory may return null to create nothing.
   */
  public C computeIfAbsent(String[] values, Function<String[], C> factory) {
    C c = get(values);
    if (c != null) {
      return c;
    }
    synchronized (this) {
      c = get(values);
      if (c != null) {
        return c;
      }
      String[] key = values.clone();
      c = factory.apply(key);
      if (c == null) {
        return null;
      }
      Object[] t = table;
      if (2 * (size + 1) > (t.length >> 1)) {
        t = rehash(t, (t.length >> 1) * 2);
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
    Object[] n = new Object[t.length];
    for (int i = 0; i < t.length; i += 2) {
      if (t[i] != null && !matches((String[]) t[i], values)) {
        insert(n, (String[]) t[i], t[i + 1]);
      }
    }
    table = n;
    size--;
    return c;
  }

  /** Removes every child. */
  public synchronized void clear() {
    table = new Object[2 * 8];
    size = 0;
  }

  /** The number of children. */
  public synchronized int size() {
    return size;
  }

  /** The children, in table order (a snapshot). */
  @SuppressWarnings("unchecked")
  public List<C> values() {
    Object[] t = table;
    List<C> out = new ArrayList<>();
    for (int i = 0; i < t.length; i += 2) {
      if (SLOTS.getAcquire(t, i) != null) {
        out.add((C) t[i + 1]);
      }
    }
    return out;
  }

  /** Calls {@code action} with each key and child (a snapshot of the table). */
  @SuppressWarnings("unchecked")
  public void forEach(java.util.function.BiConsumer<String[], C> action) {
    Object[] t = table;
    for (int i = 0; i < t.length; i += 2) {
      Object k = SLOTS.getAcquire(t, i);
      if (k != null) {
        action.accept((String[]) k, (C) t[i + 1]);
      }
    }
  }

  private static Object[] rehash(Object[] t, int capacity) {
    Object[] n = new Object[2 * capacity];
    for (int i = 0; i < t.length; i += 2) {
      if (t[i] != null) {
        insert(n, (String[]) t[i], t[i + 1]);
      }
    }
    return n;
  }

  private static void insert(Object[] t, String[] key, Object child) {
    int mask = (t.length >> 1) - 1;
    int i = hash(key) & mask;
    while (t[2 * i] != null) {
      i = (i + 1) & mask;
    }
    t[2 * i + 1] = child;
    SLOTS.setRelease(t, 2 * i, key);
  }

  private static boolean matches(String[] key, String[] values) {
    for (int j = 0; j < key.length; j++) {
      if (!eq(key[j], values[j])) {
        return false;
      }
    }
    return true;
  }

  private static boolean eq(String a, String b) {
    return a == b || a.equals(b);
  }

  /** The hash of a key; {@link #get1}/{@link #get2}/{@link #get3} compute the same inline. */
  static int hash(String[] values) {
    int h = 1;
    for (String v : values) {
      h = 31 * h + v.hashCode();
    }
    return mix(h);
  }

  private static int mix(int h) {
    h *= 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
