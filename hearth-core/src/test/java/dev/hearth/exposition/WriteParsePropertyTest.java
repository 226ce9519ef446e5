package dev.hearth.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.testing.ExpositionMutations;
import dev.hearth.testing.RandomCases;
import dev.hearth.testing.WriteParse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: whatever parses can be written in both formats and parses again to the same families
 * ({@link WriteParse}), for valid expositions and for byte-level and grammar-aware changes to them.
 */
class WriteParsePropertyTest {

  @Test
  void validExpositions() {
    RandomCases.check(300, r -> {
      ExpositionFormat format = RandomCases.pick(r, List.of(ExpositionFormat.values()));
      String text = RandomExpositions.valid(r, format);
      assertThat(WriteParse.check(text, format)).as("parsing%n%s", text).isNotNull();
    });
  }

  @Test
  void byteLevelChanges() {
    RandomCases.check(500, r -> {
      ParserFuzzTest.Mutation m = ParserFuzzTest.mutation(r);
      String text = new String(m.apply(m.source.getBytes(StandardCharsets.UTF_8)),
          StandardCharsets.UTF_8);
      checkBothFormats(text);
    });
  }

  @Test
  void grammarAwareChanges() {
    RandomCases.check(1000, r -> {
      String text = ExpositionMutations.mutate(r, RandomExpositions.valid(r),
          RandomExpositions.valid(r));
      checkBothFormats(text);
    });
  }

  /** Families that appear twice or clash are the cases the issue names: they must not parse. */
  @Test
  void examplesFromTheIssue() {
    for (String text : List.of("a 1\nb 1\na 2\n",
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 1\nh 1\n")) {
      assertThat(WriteParse.check(text, ExpositionFormat.PROMETHEUS_TEXT_0_0_4)).isNull();
    }
  }

  private static void checkBothFormats(String text) {
    for (ExpositionFormat format : ExpositionFormat.values()) {
      try {
        WriteParse.check(text, format);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(e.getMessage() + "\ninput (" + format + "):\n" + text, e);
      }
    }
  }
}
