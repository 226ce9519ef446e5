package dev.hearth.benchmarks;

import dev.hearth.Buckets;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Inputs shared by the benchmarks, built once and identical for every library. */
final class Fixtures {
  private Fixtures() {}

  static final String[] LABEL_NAMES = {"method", "path", "status"};
  static final AttributeKey<String> K1 = AttributeKey.stringKey(LABEL_NAMES[0]);
  static final AttributeKey<String> K2 = AttributeKey.stringKey(LABEL_NAMES[1]);
  static final AttributeKey<String> K3 = AttributeKey.stringKey(LABEL_NAMES[2]);

  /** Number of distinct label combinations the labeled benchmarks cycle through. */
  static final int COMBINATIONS = 100;

  private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH"};
  private static final String[] STATUSES = {"200", "404", "500", "503"};

  /**
   * 100 distinct (method, path, status) combinations: 5 methods x 20 paths, the status cycling
   * independently. Created once, so a lookup sees the very String instances it was created with,
   * as with label values that are constants in application code.
   */
  static String[][] labelCombinations() {
    String[][] out = new String[COMBINATIONS][];
    for (int i = 0; i < COMBINATIONS; i++) {
      out[i] = new String[] {
        METHODS[i % 5], "/api/v1/resource" + (i / 5), STATUSES[i % 4]
      };
    }
    return out;
  }

  /** The OpenTelemetry equivalent of {@link #labelCombinations()}, prebuilt. */
  static Attributes[] attributes(String[][] combos) {
    Attributes[] out = new Attributes[combos.length];
    for (int i = 0; i < combos.length; i++) {
      out[i] = Attributes.of(K1, combos[i][0], K2, combos[i][1], K3, combos[i][2]);
    }
    return out;
  }

  /** The default bucket bounds of Hearth, client_java and Python: .005 .. 10, without +Inf. */
  static final double[] DEFAULT_BOUNDS = Buckets.defaults();

  /** Number of precomputed observations (a power of two, so the cursor wraps with a mask). */
  static final int VALUE_COUNT = 1024;

  /**
   * 1024 pseudo-random observations in [0.001, 12): log-uniform, so each decade of the default
   * buckets gets a similar share and every bucket, +Inf included, is hit (checked). Fixed seed.
   */
  static double[] histogramValues() {
    SplittableRandom r = new SplittableRandom(42);
    double lo = Math.log(0.001);
    double hi = Math.log(12);
    double[] v = new double[VALUE_COUNT];
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.min(Math.exp(lo + r.nextDouble() * (hi - lo)), Math.nextDown(12.0));
    }
    int[] hits = new int[DEFAULT_BOUNDS.length + 1];
    for (double x : v) {
      int b = 0;
      while (b < DEFAULT_BOUNDS.length && x > DEFAULT_BOUNDS[b]) {
        b++;
      }
      hits[b]++;
    }
    for (int h : hits) {
      if (h == 0) {
        throw new IllegalStateException("a bucket is never hit: " + Arrays.toString(hits));
      }
    }
    return v;
  }
}
