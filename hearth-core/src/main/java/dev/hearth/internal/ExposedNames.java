package dev.hearth.internal;

import dev.hearth.model.MetricType;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sample names the families of one exposition claim, to find two families that would put
 * one name on the wire: the same family name twice, or a clash through the suffixes a type adds
 * (counter {@code x} and gauge {@code x_total}, histogram {@code h} and gauge {@code h_count},
 * info {@code i} and gauge {@code i_info}, any of them and {@code x_created}). The registry
 * claims the names Python's registry computes ({@link Names#exposedSuffixes}); a writer claims
 * the names it actually writes in its format. Not thread-safe: one per scrape or write.
 *
 * <p>A family claims its name plus a set of {@link #SUFFIXES}, kept as a bit mask. As no suffix
 * ends with another, {@code a + s == b + t} only when {@code a == b} and {@code s == t}, or one
 * suffix is empty and that name is the other name plus a suffix. So families are indexed by
 * name, and those whose own name ends with a suffix also by the name without it: a claim costs a
 * few map look-ups and no string building (measured: building every sample name and claiming
 * each made the check cost as much as writing a family).
 *
 * <p>Internal API: not for public use, can change at any time.
 *
 * @param <O> what owns a family (a collector, or a snapshot)
 */
public final class ExposedNames<O> {
  /** The suffixes a type adds to its family name; bit {@code i} of a mask stands for entry i. */
  public static final List<String> SUFFIXES =
      List.of("", "_total", "_created", "_bucket", "_count", "_sum", "_info");
  /** The mask bit of the family name itself. */
  public static final int NAME = 1;
  /** The mask bit of {@code _created}. */
  public static final int CREATED = 1 << 2;

  private static final Map<MetricType, Integer> PYTHON_MASKS = new EnumMap<>(MetricType.class);

  static {
    for (MetricType t : MetricType.values()) {
      PYTHON_MASKS.put(t, mask(Names.exposedSuffixes(t)));
    }
  }

  /**
   * A family that claimed a sample name first.
   *
   * @param <O> the owner type
   * @param owner the owner given to {@link #claim}
   * @param family the family name
   * @param type the family type
   */
  public record Claim<O>(O owner, String family, MetricType type) {
    /** E.g. {@code counter 'x'}. */
    @Override
    public String toString() {
      return type.openMetricsName() + " '" + family + "'";
    }
  }

  /** One claimed family; {@code next} chains families of one name (or base) with disjoint masks. */
  private static final class Entry<O> {
    final Claim<O> claim;
    final int mask;
    final int ownSuffix; // index in SUFFIXES its name ends with (0: none), for the base index
    Entry<O> next;

    Entry(Claim<O> claim, int mask, int ownSuffix) {
      this.claim = claim;
      this.mask = mask;
      this.ownSuffix = ownSuffix;
    }
  }

  private final Map<String, Entry<O>> byName = new HashMap<>();
  /** Families claiming their bare name whose name ends with a suffix, by the name without it. */
  private final Map<String, Entry<O>> byBase = new HashMap<>();
  private String clashName;

  /** The mask of these suffixes (each one of {@link #SUFFIXES}). */
  public static int mask(List<String> suffixes) {
    int m = 0;
    for (String s : suffixes) {
      int i = SUFFIXES.indexOf(s);
      if (i < 0) {
        throw new IllegalArgumentException("not an exposition suffix: " + s);
      }
      m |= 1 << i;
    }
    return m;
  }

  /** The mask bit of a suffix, e.g. {@code bit("_total")}. */
  public static int bit(String suffix) {
    return mask(List.of(suffix));
  }

  /**
   * Claims the sample names Python's registry computes for family {@code family} of
   * {@code type}; see {@link #claim(String, MetricType, Object, int)}.
   */
  public Claim<O> claim(String family, MetricType type, O owner) {
    return claim(family, type, owner, PYTHON_MASKS.get(type));
  }

  /**
   * Claims {@code family} plus each suffix in {@code mask} for {@code owner}, unless one of these
   * names is already claimed: then nothing is claimed, {@link #clashName()} is the name in
   * conflict, and the earlier claim is returned.
   *
   * @return null when the family was claimed, else the family that holds a name first
   */
  public Claim<O> claim(String family, MetricType type, O owner, int mask) {
    for (Entry<O> e = byName.get(family); e != null; e = e.next) {
      int common = e.mask & mask;
      if (common != 0) {
        clashName = family + SUFFIXES.get(Integer.numberOfTrailingZeros(common));
        return e.claim;
      }
    }
    for (Entry<O> e = byBase.get(family); e != null; e = e.next) {
      if ((mask & (1 << e.ownSuffix)) != 0) { // e's bare name is this family plus a suffix
        clashName = e.claim.family();
        return e.claim;
      }
    }
    int own = 0;
    String base = null;
    if ((mask & NAME) != 0) {
      for (int i = 1; i < SUFFIXES.size() && own == 0; i++) {
        if (family.endsWith(SUFFIXES.get(i))) {
          own = i;
          base = family.substring(0, family.length() - SUFFIXES.get(i).length());
          for (Entry<O> e = byName.get(base); e != null; e = e.next) {
            if ((e.mask & (1 << i)) != 0) { // this bare name is e's name plus its suffix
              clashName = family;
              return e.claim;
            }
          }
        }
      }
    }
    Entry<O> mine = new Entry<>(new Claim<>(owner, family, type), mask, own);
    mine.next = byName.put(family, mine);
    if (base != null) {
      Entry<O> sameBase = new Entry<>(mine.claim, mask, own);
      sameBase.next = byBase.put(base, sameBase);
    }
    return null;
  }

  /** The sample name of the last clash {@link #claim} found. */
  public String clashName() {
    return clashName;
  }
}
