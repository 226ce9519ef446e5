package dev.hearth.internal;

import dev.hearth.model.MetricType;
import java.util.ArrayList;
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
 * <p>Internal API: not for public use, can change at any time.
 *
 * @param <O> what owns a family (a collector, or a position in a list)
 */
public final class ExposedNames<O> {
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

  private final Map<String, Claim<O>> claims = new HashMap<>();
  private String clashName;

  /**
   * Claims every sample name Python's registry computes for family {@code family} of
   * {@code type} ({@link Names#exposedSuffixes}), for {@code owner}; see {@link #claim(String,
   * MetricType, Object, List)}.
   */
  public Claim<O> claim(String family, MetricType type, O owner) {
    List<String> suffixes = Names.exposedSuffixes(type);
    List<String> names = new ArrayList<>(suffixes.size());
    for (String suffix : suffixes) {
      names.add(family + suffix);
    }
    return claim(family, type, owner, names);
  }

  /**
   * Claims {@code names} for family {@code family} of {@code type} and {@code owner}, unless one
   * is already claimed: then nothing is claimed, {@link #clashName()} is the first name in
   * conflict, and the earlier claim is returned.
   *
   * @return null when the family was claimed, else the family that holds a name first
   */
  public Claim<O> claim(String family, MetricType type, O owner, List<String> names) {
    for (String n : names) {
      Claim<O> earlier = claims.get(n);
      if (earlier != null) {
        clashName = n;
        return earlier;
      }
    }
    Claim<O> mine = new Claim<>(owner, family, type);
    for (String n : names) {
      claims.put(n, mine);
    }
    return null;
  }

  /** The sample name of the last clash {@link #claim} found. */
  public String clashName() {
    return clashName;
  }
}
