package dev.hearth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.MetricType;
import dev.hearth.testing.RandomCases;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The indexed clash check agrees with building every sample name and looking each up. */
class ExposedNamesTest {
  private static final List<String> BASES = List.of("x", "x_total", "x_created", "h", "h_count",
      "x_total_total", "i", "i_info", "h_sum", "h_bucket", "y");

  @Test
  void agreesWithTheSampleNamesOnRandomFamilies() {
    RandomCases.check(3000, r -> {
      ExposedNames<Integer> fast = new ExposedNames<>();
      Map<String, Integer> slow = new HashMap<>();
      int n = RandomCases.between(r, 1, 6);
      for (int i = 0; i < n; i++) {
        String family = RandomCases.pick(r, BASES);
        MetricType type = RandomCases.pick(r, List.of(MetricType.values()));
        int mask = r.nextBoolean() ? python(type) : r.nextInt(1 << ExposedNames.SUFFIXES.size());
        List<String> names = new ArrayList<>();
        for (int b = 0; b < ExposedNames.SUFFIXES.size(); b++) {
          if ((mask & (1 << b)) != 0) {
            names.add(family + ExposedNames.SUFFIXES.get(b));
          }
        }
        Integer expected = null;
        String clash = null;
        for (String name : names) {
          if (slow.containsKey(name)) {
            expected = slow.get(name);
            clash = name;
            break;
          }
        }
        ExposedNames.Claim<Integer> got = fast.claim(family, type, i, mask);
        String what = family + " " + type + " mask " + Integer.toBinaryString(mask) + " after " + slow;
        if (expected == null) {
          assertThat(got).as(what).isNull();
          for (String name : names) {
            slow.put(name, i);
          }
        } else {
          assertThat(got).as(what + ", clashing on " + clash).isNotNull();
          assertThat(names).as(what).contains(fast.clashName());
          assertThat(got.owner()).as(what).isEqualTo(slow.get(fast.clashName()));
        }
      }
    });
  }

  private static int python(MetricType type) {
    return ExposedNames.mask(Names.exposedSuffixes(type));
  }
}
