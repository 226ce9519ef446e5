package dev.hearth.multiprocess.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.testing.RandomCases;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The byte-level key parser agrees with {@link DbKey#parse} whenever it answers. */
class AsciiKeyParserTest {
  private static final String PRINTABLE;

  static {
    StringBuilder sb = new StringBuilder();
    for (char c = 0x20; c < 0x7f; c++) {
      if (c != '"' && c != '\\') {
        sb.append(c);
      }
    }
    PRINTABLE = sb.toString();
  }

  private static DbKey parse(AsciiKeyParser p, String key) {
    byte[] b = ("xx" + key + "yy").getBytes(StandardCharsets.UTF_8); // not at offset 0
    return p.parse(b, 2, b.length - 4);
  }

  private static void assertSame(DbKey fast, DbKey full) {
    assertThat(fast.metricName()).isEqualTo(full.metricName());
    assertThat(fast.sampleName()).isEqualTo(full.sampleName());
    assertThat(fast.help()).isEqualTo(full.help());
    assertThat(fast.labelCount()).isEqualTo(full.labelCount());
    for (int i = 0; i < full.labelCount(); i++) {
      assertThat(fast.labelName(i)).isEqualTo(full.labelName(i));
      assertThat(fast.labelValue(i)).isEqualTo(full.labelValue(i));
    }
  }

  private static String printable(Random r, int min, int max) {
    return RandomCases.string(r, PRINTABLE, min, max);
  }

  @Test
  void parsesEveryPrintableKeyAsTheFullParserDoes() {
    AsciiKeyParser p = new AsciiKeyParser(); // one parser: interned strings must not leak across
    RandomCases.check(2000, r -> {
      String metric = printable(r, 0, 30);
      Set<String> names = new LinkedHashSet<>();
      int n = RandomCases.between(r, 0, 5);
      while (names.size() < n) {
        names.add(printable(r, 1, 12));
      }
      List<String> values = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        values.add(r.nextInt(4) == 0 ? "" : printable(r, 0, 40));
      }
      String key = DbKey.encode(metric, metric + "_total", new ArrayList<>(names), values,
          printable(r, 0, 60));
      DbKey fast = parse(p, key);
      assertThat(fast).as(key).isNotNull();
      assertSame(fast, DbKey.parse(key));
    });
  }

  @Test
  void answersOnlyWhatTheFullParserAgreesWith() {
    // any text, including escapes, non-ASCII, other spacing and mutated keys: null or the same
    AsciiKeyParser p = new AsciiKeyParser();
    RandomCases.check(3000, r -> {
      DbKeyRandomTest.Case c = new DbKeyRandomTest.Case(r);
      StringBuilder key = new StringBuilder(c.encode());
      int mutations = RandomCases.between(r, 0, 3);
      for (int i = 0; i < mutations && key.length() > 0; i++) {
        int at = r.nextInt(key.length());
        switch (r.nextInt(3)) {
          case 0:
            key.deleteCharAt(at);
            break;
          case 1:
            key.insert(at, "\"{}[], :\\ x".charAt(r.nextInt(11)));
            break;
          default:
            key.setCharAt(at, "\"{}[], :\\ x".charAt(r.nextInt(11)));
        }
      }
      String text = key.toString();
      DbKey fast = parse(p, text);
      if (fast != null) {
        assertSame(fast, DbKey.parse(text));
      }
    });
  }

  @Test
  void leavesOtherFormsToTheFullParser() {
    AsciiKeyParser p = new AsciiKeyParser();
    assertThat(parse(p, "[\"a\", \"a_total\", {\"k\": \"v\"}, \"h\"]")).isNotNull();
    assertThat(parse(p, "[\"a\",\"a_total\",{\"k\":\"v\"},\"h\"]")).isNull(); // compact
    assertThat(parse(p, "[\"a\", \"a_total\", {\"k\": \"v\\n\"}, \"h\"]")).isNull(); // escape
    assertThat(parse(p, "[\"a\", \"a_total\", {\"k\": \"\u00e9\"}, \"h\"]")).isNull(); // UTF-8
    assertThat(parse(p, "[\"a\", \"a_total\", {\"k\": \"\u007f\"}, \"h\"]")).isNull(); // DEL
    assertThat(parse(p, "[\"a\", \"a_total\", {\"b\": \"1\", \"a\": \"2\"}, \"h\"]")).isNull();
    assertThat(parse(p, "[\"a\", \"a_total\", {\"a\": \"1\", \"a\": \"2\"}, \"h\"]")).isNull();
    assertThat(parse(p, "[\"a\", \"a_total\", {\"k\": 5}, \"h\"]")).isNull();
    assertThat(parse(p, "[\"a\", \"a_total\", {}, \"h\"] ")).isNull(); // trailing space
    assertThat(parse(p, "[\"a\", \"a_total\", {}, \"h\"")).isNull(); // truncated
    DbKey empty = parse(p, "[\"a\", \"a_total\", {}, \"\"]");
    assertThat(empty.labelCount()).isZero();
    assertThat(empty.help()).isEmpty();
  }

  @Test
  void internsEqualStrings() {
    AsciiKeyParser p = new AsciiKeyParser();
    DbKey a = parse(p, "[\"reqs\", \"reqs_total\", {\"code\": \"200\", \"path\": \"/a/b/c/d/e/f\"}, \"H.\"]");
    DbKey b = parse(p, "[\"other\", \"other_total\", {\"path\": \"/a/b/c/d/e/f\", \"x\": \"200\"}, \"H.\"]");
    assertThat(b.labelValue(0)).isSameAs(a.labelValue(1)); // another field than before
    assertThat(b.labelValue(1)).isSameAs(a.labelValue(0));
    assertThat(b.help()).isSameAs(a.help());
    assertThat(b.labelName(0)).isSameAs(a.labelName(1));
    assertThat(p.size()).isEqualTo(10); // reqs reqs_total code 200 path /a.. H. other other_total x
    p.clear();
    DbKey c = parse(p, "[\"reqs\", \"reqs_total\", {}, \"H.\"]");
    assertThat(c.metricName()).isEqualTo("reqs").isNotSameAs(a.metricName());
    assertThat(p.size()).isEqualTo(3);
  }
}
