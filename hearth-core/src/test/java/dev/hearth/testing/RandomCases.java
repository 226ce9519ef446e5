package dev.hearth.testing;

import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Runs a property over many randomly generated cases, reproducibly: each case gets its own
 * {@link Random} seeded from a run seed, and a failure names the run seed and the case, so
 * {@code -Dhearth.seed=<seed>} replays the run exactly.
 *
 * <p>Hearth does not use jqwik: from version 1.10 its maintainers forbid its use by AI agents,
 * and much of this code base is written by them.
 */
public final class RandomCases {
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
      } catch (AssertionError | RuntimeException e) {
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
}
