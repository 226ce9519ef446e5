package dev.hearth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.testing.RandomCases;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelValueAllowListTest {
  @Test
  void allowedValuesComeBackAsTheSameInstanceOthersAsOther() {
    LabelValueAllowList methods = LabelValueAllowList.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");
    String get = new String("GET"); // not the literal the list was built from
    assertThat(methods.apply(get)).isSameAs(get);
    assertThat(methods.apply("PATCH")).isEqualTo("PATCH");
    assertThat(methods.apply("get")).isEqualTo("other");
    assertThat(methods.apply("BREW")).isEqualTo("other");
    assertThat(methods.apply("")).isEqualTo("other");
    assertThat(methods.apply(null)).isEqualTo("other");
    assertThat(methods.allows("GET")).isTrue();
    assertThat(methods.allows("TRACE")).isFalse();
    assertThat(methods.allows(null)).isFalse();
    assertThat(methods.replacement()).isEqualTo(LabelValueAllowList.OTHER).isEqualTo("other");
  }

  @Test
  void theReplacementIsConfigurableWithoutChangingTheOriginal() {
    LabelValueAllowList regions = LabelValueAllowList.of(List.of("eu", "us"));
    LabelValueAllowList unknown = regions.withReplacement("unknown");
    assertThat(unknown.apply("mars")).isEqualTo("unknown");
    assertThat(unknown.apply("eu")).isEqualTo("eu");
    assertThat(regions.apply("mars")).isEqualTo("other");
    assertThat(unknown.values()).isEqualTo(regions.values());
    assertThatThrownBy(() -> regions.withReplacement(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void valuesAreCopiedDeduplicatedAndImmutable() {
    List<String> source = new ArrayList<>(List.of("a", "b", "a"));
    LabelValueAllowList list = LabelValueAllowList.of(source);
    source.add("c");
    assertThat(list.values()).containsExactlyInAnyOrder("a", "b");
    assertThat(list.apply("c")).isEqualTo("other");
    assertThatThrownBy(() -> list.values().add("c")).isInstanceOf(UnsupportedOperationException.class);
    assertThat(LabelValueAllowList.of().apply("a")).isEqualTo("other");
  }

  @Test
  void nullValuesAreRejected() {
    assertThatThrownBy(() -> LabelValueAllowList.of("a", null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> LabelValueAllowList.of(Arrays.asList("a", null)))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> LabelValueAllowList.of((String[]) null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void httpMethodsAreTheStandardOnesCaseSensitively() {
    LabelValueAllowList methods = LabelValueAllowList.httpMethods();
    assertThat(methods.values())
        .containsExactlyInAnyOrder("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
    assertThat(methods.apply("DELETE")).isEqualTo("DELETE");
    assertThat(methods.apply("delete")).isEqualTo("other");
    assertThat(methods.apply("PROPFIND")).isEqualTo("other");
    assertThat(methods.apply("GET ")).isEqualTo("other");
    assertThat(LabelValueAllowList.httpMethods()).isSameAs(methods);
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource({
      "100, 1xx", "101, 1xx", "199, 1xx", "200, 2xx", "204, 2xx", "299, 2xx", "301, 3xx", "304, 3xx",
      "399, 3xx", "400, 4xx", "404, 4xx", "429, 4xx", "499, 4xx", "500, 5xx", "503, 5xx", "599, 5xx",
      "0, other", "-200, other", "99, other", "600, other", "999, other", "2147483647, other",
      "-2147483648, other"})
  void statusClass(int status, String expected) {
    assertThat(LabelValueAllowList.statusClass(status)).isEqualTo(expected);
  }

  @Test
  void statusClassHasAtMostSixValues() {
    RandomCases.check(1000, r -> {
      int status = RandomCases.between(r, Integer.MIN_VALUE, Integer.MAX_VALUE);
      String c = LabelValueAllowList.statusClass(status);
      assertThat(c).isIn("1xx", "2xx", "3xx", "4xx", "5xx", "other");
      assertThat(c.equals("other")).as("%d", status).isEqualTo(status < 100 || status > 599);
      if (!c.equals("other")) {
        assertThat(c.charAt(0) - '0').isEqualTo(status / 100);
      }
    });
  }

  @Test
  void applyYieldsOnlyAllowedValuesOrTheReplacement() {
    RandomCases.check(500, r -> {
      List<String> allowed = RandomCases.distinct(r, 8, x -> RandomCases.string(x, "abcAB", 0, 3));
      LabelValueAllowList list = LabelValueAllowList.of(allowed).withReplacement("zz");
      String value = RandomCases.string(r, "abcAB", 0, 3);
      String out = list.apply(value);
      if (allowed.contains(value)) {
        assertThat(out).isSameAs(value);
      } else {
        assertThat(out).isEqualTo("zz");
      }
    });
  }

  @Test
  void toStringShowsValuesAndReplacement() {
    assertThat(LabelValueAllowList.of("x").withReplacement("y")).hasToString("LabelValueAllowList[x] else 'y'");
  }
}
