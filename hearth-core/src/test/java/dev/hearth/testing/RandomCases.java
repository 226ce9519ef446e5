package dev.hearth.testing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import org.opentest4j.TestAbortedException;

/**
 * Runs a property over many randomly generated cases, reproducibly: each case gets its own
 * {@link Random} seeded from a run seed, and a failure names the run seed and the case, so
 * {@code -Dhearth.seed=<seed>} replays the run exactly.
 *
 * <p>Hearth does not use jqwik: from version 1.10 its maintainers forbid its use by AI agents,
 * and much of this code base is written by them.
 *
 * <p>The generator helpers draw everything from the {@link Random} they are given, so a case is
 * determined by its seed. Choices and sizes are uniform unless stated otherwise.
 */
public final class RandomCases {
  /** Ranges with at least this many values are drawn with a bias towards small magnitudes. */
  private static final long BIAS_THRESHOLD = 1000;
  /** How many repeated values {@link #distinct} tolerates before giving up. */
  private static final int MAX_MISSES = 10_000;

  private RandomCases() {}

  /** Runs {@code property} {@code tries} times with independent, seeded random sources. */
  public static void check(int tries, Consumer<Random> property) {
    String given = System.getProperty("hearth.seed");
    long seed = given != null ? Long.parseLong(given) : new SplittableRandom().nextLong();
    SplittableRandom seeds = new SplittableRandom(seed);
    for (int i = 0; i < tries; i++) {
      long caseSeed = seeds.nextLong();
      try {
        property.accept(new Random(caseSeed));
      } catch (TestAbortedException e) {
        throw e; // a skipped test (say, a missing peer) is not a failed case
      } catch (AssertionError | RuntimeException | StackOverflowError e) {
        throw new AssertionError("Property failed on case " + i + " of " + tries
            + " (replay with -Dhearth.seed=" + seed + "): " + e.getMessage(), e);
      }
    }
  }

  /** A random string of up to {@code maxLength} code points drawn from all of Unicode (no lone surrogates). */
  public static String unicodeString(Random r, int maxLength) {
    int n = r.nextInt(maxLength + 1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int kind = r.nextInt(10);
      int cp;
      if (kind < 3) {
        cp = "\"\\\n\t {}=,#".charAt(r.nextInt(10));
      } else if (kind < 6) {
        cp = 0x20 + r.nextInt(0x5f);
      } else if (kind < 8) {
        cp = r.nextInt(0xD800);
      } else {
        cp = 0xE000 + r.nextInt(0x10FFFF - 0xE000 + 1);
      }
      sb.appendCodePoint(cp);
    }
    return sb.toString();
  }

  // ---------------------------------------------------------------- generator helpers

  /**
   * A number in {@code [min, max]}. Ranges of fewer than 1000 values are drawn uniformly. Wider
   * ranges are biased towards the value in range closest to zero, so that small magnitudes turn
   * up as often as large ones: half of the draws are uniform over the range, the other half lie a
   * distance from that value whose binary order of magnitude is uniform.
   */
  public static long between(Random r, long min, long max) {
    if (min > max) {
      throw new IllegalArgumentException("empty range [" + min + ", " + max + "]");
    }
    long width = max - min; // negative on overflow: a range wider than Long.MAX_VALUE
    if ((width >= 0 && width < BIAS_THRESHOLD) || r.nextBoolean()) {
      return uniform(r, min, max);
    }
    long centre = Math.max(min, Math.min(max, 0));
    boolean up = centre == min || (centre != max && r.nextBoolean());
    long extent = up ? max - centre : centre - min;
    if (extent < 0) { // overflow: at most one side of zero can be wider than Long.MAX_VALUE
      extent = Long.MAX_VALUE;
    }
    int bits = 64 - Long.numberOfLeadingZeros(extent);
    int b = r.nextInt(bits + 1);
    long distance = b == 0 ? 0 : uniform(r, 1L << (b - 1), Math.min(extent, (1L << b) - 1));
    return up ? centre + distance : centre - distance;
  }

  /** An int in {@code [min, max]}, distributed as {@link #between(Random, long, long)}. */
  public static int between(Random r, int min, int max) {
    return (int) between(r, (long) min, (long) max);
  }

  /**
   * A number with at most two decimal places in {@code [min, max]} (finite bounds), biased towards
   * small magnitudes like {@link #between(Random, long, long)}: half of the draws are uniform, the
   * other half lie a log-uniform distance (from 0.01 to the range's extent) from the value in
   * range closest to zero.
   */
  public static double decimal(Random r, double min, double max) {
    if (!(min <= max) || Double.isInfinite(min) || Double.isInfinite(max)) {
      throw new IllegalArgumentException("bad range [" + min + ", " + max + "]");
    }
    double d;
    if (r.nextBoolean()) {
      d = min + r.nextDouble() * (max - min);
    } else {
      double centre = Math.max(min, Math.min(max, 0));
      boolean up = centre == min || (centre != max && r.nextBoolean());
      double extent = up ? max - centre : centre - min;
      double distance = extent <= 0.01 ? extent * r.nextDouble()
          : 0.01 * Math.pow(extent / 0.01, r.nextDouble());
      d = up ? centre + distance : centre - distance;
    }
    d = BigDecimal.valueOf(d).setScale(2, RoundingMode.HALF_UP).doubleValue();
    return Math.max(min, Math.min(max, d));
  }

  /** One of {@code values}. */
  public static int pick(Random r, int... values) {
    return values[r.nextInt(values.length)];
  }

  /** One of {@code values}. */
  public static double pick(Random r, double... values) {
    return values[r.nextInt(values.length)];
  }

  /** One of {@code values}. */
  public static <T> T pick(Random r, List<T> values) {
    return values.get(r.nextInt(values.size()));
  }

  /** The index of one of {@code weights}, each chosen with probability proportional to its weight. */
  public static int weighted(Random r, int... weights) {
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int x = r.nextInt(total);
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) {
        return i;
      }
    }
    throw new AssertionError("unreachable");
  }

  /** A string of {@code minLength} to {@code maxLength} characters from {@code alphabet}. */
  public static String string(Random r, String alphabet, int minLength, int maxLength) {
    int n = minLength + r.nextInt(maxLength - minLength + 1);
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /** A list of exactly {@code size} elements. */
  public static <T> List<T> list(Random r, int size, Function<Random, ? extends T> element) {
    List<T> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      out.add(element.apply(r));
    }
    return out;
  }

  /**
   * Up to {@code maxSize} distinct elements (by {@code equals}), in the order generated. Fails
   * when {@code element} keeps repeating itself.
   */
  public static <T> List<T> distinct(Random r, int maxSize, Function<Random, ? extends T> element) {
    int n = r.nextInt(maxSize + 1);
    Set<T> out = new LinkedHashSet<>();
    int misses = 0;
    while (out.size() < n) {
      if (!out.add(element.apply(r)) && ++misses > MAX_MISSES) {
        throw new IllegalStateException("could not generate " + n + " distinct values, got " + out);
      }
    }
    return new ArrayList<>(out);
  }

  private static long uniform(Random r, long min, long max) {
    if (max < Long.MAX_VALUE) {
      return r.nextLong(min, max + 1);
    }
    return min == Long.MIN_VALUE ? r.nextLong() : r.nextLong(min - 1, max) + 1;
  }
}
