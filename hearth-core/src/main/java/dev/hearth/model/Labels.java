package dev.hearth.model;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable set of label name/value pairs, kept in the order they were declared.
 *
 * <p>Equality ignores order: {@code {a="1",b="2"}} equals {@code {b="2",a="1"}}. The name array
 * of a metric's children is shared, so a labelled series costs one value array.
 *
 * <pre>{@code
 * Labels l = Labels.of("method", "GET", "status", "200");
 * l.get("status");   // "200"
 * }</pre>
 *
 * <p>Label sets are ordered by size, then by their pairs sorted by name, consistently with
 * {@link #equals}: hash tables of label sets stay fast even when label values are crafted to share
 * one hash code (a bin of colliding keys becomes a tree).
 *
 * <p>Thread-safe (immutable). This class does not validate label names; metric builders do.
 */
public final class Labels implements Comparable<Labels> {
  /** The empty label set. */
  public static final Labels EMPTY = new Labels(new String[0], new String[0]);

  static {
    dev.hearth.internal.ModelAccess.setLabelsFactory(Labels::wrap);
  }

  private final String[] names;
  private final String[] values;
  private int hash; // 0 = not yet computed

  private Labels(String[] names, String[] values) {
    this.names = names;
    this.values = values;
  }

  /**
   * Labels from alternating names and values: {@code of("a", "1", "b", "2")}.
   *
   * @throws IllegalArgumentException on an odd count, a null or a repeated name
   */
  public static Labels of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException(
          "Labels.of needs name/value pairs, got an odd count: " + namesAndValues.length);
    }
    int n = namesAndValues.length / 2;
    String[] names = new String[n];
    String[] values = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = namesAndValues[2 * i];
      values[i] = namesAndValues[2 * i + 1];
    }
    return of(names, values);
  }

  /** Labels from parallel name and value lists (copied). */
  public static Labels of(List<String> names, List<String> values) {
    return of(names.toArray(new String[0]), values.toArray(new String[0]));
  }

  /** Labels from a map, in the map's iteration order. */
  public static Labels of(Map<String, String> map) {
    String[] names = new String[map.size()];
    String[] values = new String[map.size()];
    int i = 0;
    for (Map.Entry<String, String> e : map.entrySet()) {
      names[i] = e.getKey();
      values[i++] = e.getValue();
    }
    return of(names, values);
  }

  private static Labels of(String[] names, String[] values) {
    if (names.length != values.length) {
      throw new IllegalArgumentException(
          "Label names and values differ in count: " + names.length + " vs " + values.length);
    }
    if (names.length == 0) {
      return EMPTY;
    }
    for (int i = 0; i < names.length; i++) {
      Objects.requireNonNull(names[i], "label name");
      if (values[i] == null) {
        throw new IllegalArgumentException("Label value for '" + names[i] + "' is null");
      }
      for (int j = 0; j < i; j++) {
        if (names[j].equals(names[i])) {
          throw new IllegalArgumentException("Label name '" + names[i] + "' appears twice");
        }
      }
    }
    return new Labels(names, values);
  }

  /**
   * Trusted factory for metric children: the name array is shared and must never be modified,
   * the value array is owned by the new instance. No checks are made.
   */
  private static Labels wrap(String[] sharedNames, String[] ownedValues) {
    return sharedNames.length == 0 ? EMPTY : new Labels(sharedNames, ownedValues);
  }

  /**
   * True when both have the very same name strings in the same order (one shared array for the
   * children of a metric, the same instances for label sets built from one list or literals), so
   * checks of the names of one need not be repeated for the other. Compares references only.
   */
  boolean sameNameInstances(Labels other) {
    if (names == other.names) {
      return true;
    }
    if (names.length != other.names.length) {
      return false;
    }
    for (int i = 0; i < names.length; i++) {
      if (names[i] != other.names[i]) {
        return false;
      }
    }
    return true;
  }

  /** The number of labels. */
  public int size() {
    return names.length;
  }

  /** True when there are no labels. */
  public boolean isEmpty() {
    return names.length == 0;
  }

  /** The name at position {@code i}. */
  public String name(int i) {
    return names[i];
  }

  /** The value at position {@code i}. */
  public String value(int i) {
    return values[i];
  }

  /** The value of label {@code name}, or {@code null} when absent. */
  public String get(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return values[i];
      }
    }
    return null;
  }

  /** These labels plus one more pair at the end (e.g. {@code le} or {@code quantile}). */
  public Labels with(String name, String value) {
    if (get(name) != null) {
      throw new IllegalArgumentException("Label name '" + name + "' is already present in " + this);
    }
    String[] n = Arrays.copyOf(names, names.length + 1);
    String[] v = Arrays.copyOf(values, values.length + 1);
    n[names.length] = name;
    v[values.length] = Objects.requireNonNull(value, "label value");
    return new Labels(n, v);
  }

  /** An insertion-ordered, unmodifiable map view copy of these labels. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      m.put(names[i], values[i]);
    }
    return Collections.unmodifiableMap(m);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Labels)) {
      return false;
    }
    Labels other = (Labels) o;
    if (other.names.length != names.length) {
      return false;
    }
    if (other.names == names) {
      return Arrays.equals(values, other.values);
    }
    for (int i = 0; i < names.length; i++) {
      if (!values[i].equals(other.get(names[i]))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int compareTo(Labels other) {
    if (this == other) {
      return 0;
    }
    int c = Integer.compare(names.length, other.names.length);
    if (c != 0) {
      return c;
    }
    Integer[] mine = byName();
    Integer[] theirs = other.byName();
    for (int i = 0; i < mine.length && c == 0; i++) {
      c = names[mine[i]].compareTo(other.names[theirs[i]]);
      if (c == 0) {
        c = values[mine[i]].compareTo(other.values[theirs[i]]);
      }
    }
    return c;
  }

  /** Indexes of the pairs in name order (for {@link #compareTo}, which hash tables rarely call). */
  private Integer[] byName() {
    Integer[] order = new Integer[names.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> names[a].compareTo(names[b]));
    return order;
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      for (int i = 0; i < names.length; i++) {
        h += names[i].hashCode() ^ values[i].hashCode(); // order-independent, like equals
      }
      hash = h == 0 ? 1 : h;
    }
    return hash;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < names.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(names[i]).append("=\"").append(values[i]).append('"');
    }
    return sb.append('}').toString();
  }
}
