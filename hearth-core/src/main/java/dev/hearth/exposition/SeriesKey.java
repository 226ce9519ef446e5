package dev.hearth.exposition;

import dev.hearth.model.Labels;
import java.util.Arrays;

/**
 * A parsed label set as a hash key, equal to another with the same pairs in any order, in time
 * linear (or {@code n log n}) in the number of labels.
 *
 * <p>{@link Labels#equals} compares label sets written in different orders by looking each name
 * up in the other set, which is quadratic in the number of labels; the parser must stay linear on
 * a series with 100,000 labels written twice, so it groups samples by this key instead. Label sets
 * written in the same order (the usual case) compare pairwise; others are compared sorted.
 *
 * <p>Comparable, so that a {@link java.util.HashMap} bin of many keys with one hash (label values
 * such as {@code "Aa"} and {@code "BB"} hash alike, so an input can make every series collide)
 * becomes a tree searched in logarithmic time, not a list scanned for every series.
 */
final class SeriesKey implements Comparable<SeriesKey> {
  private final String[] names;
  private final String[] values;
  private final int hash;
  private String[] sorted; // names then values, sorted by name; built on the first slow compare

  SeriesKey(String[] names, String[] values) {
    this.names = names;
    this.values = values;
    int h = 0;
    for (int i = 0; i < names.length; i++) {
      h += names[i].hashCode() ^ values[i].hashCode(); // order-independent, like equals
    }
    this.hash = h;
  }

  static SeriesKey of(Labels labels) {
    int n = labels.size();
    String[] names = new String[n];
    String[] values = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = labels.name(i);
      values[i] = labels.value(i);
    }
    return new SeriesKey(names, values);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof SeriesKey)) {
      return false;
    }
    SeriesKey other = (SeriesKey) o;
    if (other.hash != hash || other.names.length != names.length) {
      return false;
    }
    if (Arrays.equals(names, other.names)) {
      return Arrays.equals(values, other.values);
    }
    return Arrays.equals(sorted(), other.sorted());
  }

  /** Orders by size, then by the pairs sorted by name: consistent with {@link #equals}. */
  @Override
  public int compareTo(SeriesKey other) {
    if (names.length != other.names.length) {
      return Integer.compare(names.length, other.names.length);
    }
    String[] a = sorted();
    String[] b = other.sorted();
    for (int i = 0; i < a.length; i++) {
      int c = a[i].compareTo(b[i]);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /** Names and values ordered by name (names are unique within a label set). */
  private String[] sorted() {
    if (sorted == null) {
      int n = names.length;
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      Arrays.sort(order, (a, b) -> names[a].compareTo(names[b]));
      String[] s = new String[2 * n];
      for (int i = 0; i < n; i++) {
        s[i] = names[order[i]];
        s[n + i] = values[order[i]];
      }
      sorted = s;
    }
    return sorted;
  }
}
