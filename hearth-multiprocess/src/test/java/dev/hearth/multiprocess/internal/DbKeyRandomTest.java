package dev.hearth.multiprocess.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.testing.Peers;
import dev.hearth.testing.RandomCases;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The key encoder on random text: it round-trips, and equals Python's json.dumps. */
class DbKeyRandomTest {

  /** One random key's fields. */
  static final class Case {
    final String metric;
    final String sample;
    final List<String> names = new ArrayList<>();
    final List<String> values = new ArrayList<>();
    final String help;

    Case(Random r) {
      metric = RandomCases.unicodeString(r, 12);
      sample = RandomCases.unicodeString(r, 12);
      help = RandomCases.unicodeString(r, 30);
      Set<String> distinct = new LinkedHashSet<>();
      int n = RandomCases.between(r, 0, 4);
      while (distinct.size() < n) {
        distinct.add(r.nextBoolean() ? RandomCases.string(r, "abcxyz_", 1, 4)
            : RandomCases.unicodeString(r, 3));
      }
      for (String name : distinct) {
        names.add(name);
        values.add(RandomCases.unicodeString(r, 12));
      }
    }

    String encode() {
      return DbKey.encode(metric, sample, names, values, help);
    }
  }

  @Test
  void roundTrips() {
    RandomCases.check(500, r -> {
      Case c = new Case(r);
      String key = c.encode();
      assertThat(key.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)).as(key).isTrue();
      DbKey k = DbKey.parse(key);
      assertThat(k.metricName()).isEqualTo(c.metric);
      assertThat(k.sampleName()).isEqualTo(c.sample);
      assertThat(k.help()).isEqualTo(c.help);
      assertThat(k.labelCount()).isEqualTo(c.names.size());
      for (int i = 0; i < k.labelCount(); i++) {
        assertThat(c.values.get(c.names.indexOf(k.labelName(i)))).isEqualTo(k.labelValue(i));
        if (i > 0) {
          assertThat(DbKey.CODE_POINT_ORDER.compare(k.labelName(i - 1), k.labelName(i))).isNegative();
        }
      }
    });
  }

  private static String hex(String s) {
    return HexFormat.of().formatHex(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void equalsPythonJsonDumps() throws Exception {
    Peers.requirePython();
    List<Case> cases = new ArrayList<>();
    RandomCases.check(1, r -> {
      for (int i = 0; i < 300; i++) {
        cases.add(new Case(r));
      }
    });
    StringBuilder in = new StringBuilder();
    for (Case c : cases) {
      List<String> f = new ArrayList<>(List.of(hex(c.metric), hex(c.sample), hex(c.help)));
      for (int i = 0; i < c.names.size(); i++) {
        f.add(hex(c.names.get(i)));
        f.add(hex(c.values.get(i)));
      }
      in.append(String.join(" ", f)).append('\n');
    }
    String script = String.join("\n",
        "import sys, json",
        "for line in sys.stdin.read().split('\\n')[:-1]:",
        "    p = [bytes.fromhex(x).decode('utf-8') for x in line.split(' ')]",
        "    labels = dict(zip(p[3::2], p[4::2]))",
        "    sys.stdout.write(json.dumps((p[0], p[1], labels, p[2]), sort_keys=True) + '\\n')",
        "");
    Peers.Result res = Peers.run(List.of(Peers.python(), "-c", script),
        in.toString().getBytes(StandardCharsets.UTF_8), null, 60);
    assertThat(res.exitCode).as(res.stderr).isZero();
    String[] lines = res.stdout.split("\n", -1);
    for (int i = 0; i < cases.size(); i++) {
      assertThat(cases.get(i).encode()).as("case " + i).isEqualTo(lines[i]);
    }
  }
}
