package dev.hearth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import dev.hearth.testing.RandomCases;
import org.junit.jupiter.api.Test;

class ChildTableTest {

  /** Random inserts and removals behave like a HashMap keyed by the value list. */
  @Test
  void behavesLikeAMap() {
    RandomCases.check(300, r -> {
      List<int[]> ops = new ArrayList<>();
      for (int i = r.nextInt(400); i > 0; i--) {
        ops.add(new int[] {r.nextInt(3), r.nextInt(61)});
      }
      behavesLikeAMap(ops);
    });
  }

  private static void behavesLikeAMap(List<int[]> ops) {
    ChildTable<String> table = new ChildTable<>(3);
    Map<List<String>, String> model = new HashMap<>();
    for (int[] op : ops) {
      String[] key = {"k" + op[1], "v" + (op[1] % 3), ""};
      if (op[0] == 0) {
        String got = table.computeIfAbsent(key, k -> String.join("|", k));
        assertThat(got).isEqualTo(model.computeIfAbsent(List.of(key), k -> String.join("|", k)));
      } else if (op[0] == 1) {
        assertThat(table.remove(key)).isEqualTo(model.remove(List.of(key)));
      } else {
        assertThat(table.get3(key[0], key[1], key[2])).isEqualTo(model.get(List.of(key)));
        assertThat(table.get(key)).isEqualTo(model.get(List.of(key)));
      }
      assertThat(table.size()).isEqualTo(model.size());
    }
    assertThat(table.values()).containsExactlyInAnyOrderElementsOf(model.values());
  }

  @Test
  void specialisedLookupsAgreeWithGeneric() {
    ChildTable<String> one = new ChildTable<>(1);
    ChildTable<String> two = new ChildTable<>(2);
    for (int i = 0; i < 100; i++) {
      one.computeIfAbsent(new String[] {"a" + i}, k -> k[0]);
      two.computeIfAbsent(new String[] {"a" + i, "b"}, k -> k[0] + k[1]);
    }
    for (int i = 0; i < 100; i++) {
      assertThat(one.get1("a" + i)).isEqualTo("a" + i);
      assertThat(two.get2("a" + i, "b")).isEqualTo("a" + i + "b");
      assertThat(two.get2("a" + i, "c")).isNull();
    }
  }

  /** Values equal to but not the same instances as the child's find it through every lookup. */
  @Test
  void equalButNotIdenticalValuesFindTheChild() {
    ChildTable<String> one = new ChildTable<>(1);
    ChildTable<String> two = new ChildTable<>(2);
    ChildTable<String> three = new ChildTable<>(3);
    for (int i = 0; i < 300; i++) {
      one.computeIfAbsent(new String[] {"a" + i}, k -> "1:" + k[0]);
      two.computeIfAbsent(new String[] {"a" + i, "b"}, k -> "2:" + k[0]);
      three.computeIfAbsent(new String[] {"a" + i, "b", "c"}, k -> "3:" + k[0]);
    }
    for (int i = 0; i < 300; i++) {
      String a = new String("a" + i);
      assertThat(one.get1(a)).isEqualTo("1:a" + i);
      assertThat(two.get2(a, new String("b"))).isEqualTo("2:a" + i);
      assertThat(three.get3(a, new String("b"), new String("c"))).isEqualTo("3:a" + i);
      assertThat(three.get3(a, "b", "x")).isNull();
    }
    assertThat(one.get1("missing")).isNull();
  }

  /** Readers never miss a child that existed before they looked, while the table grows and shrinks. */
  @Test
  void readersSeeExistingChildrenDuringConcurrentGrowthAndRemoval() throws Exception {
    ChildTable<String> table = new ChildTable<>(3);
    String[] stable = {"stable", "x", "y"};
    table.computeIfAbsent(stable, k -> "S");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      Thread t = new Thread(() -> {
        try {
          while (!stop.get()) {
            if (!"S".equals(table.get3("stable", "x", "y"))) {
              throw new AssertionError("stable child missed");
            }
          }
        } catch (Throwable e) {
          failure.set(e);
        }
      });
      t.start();
      readers.add(t);
    }
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < 2000; i++) {
        String[] k = {"n" + i, "x", "y"};
        table.computeIfAbsent(k, key -> key[0]);
      }
      for (int i = 0; i < 2000; i += 2) {
        table.remove(new String[] {"n" + i, "x", "y"});
      }
      for (int i = 1; i < 2000; i += 2) {
        table.remove(new String[] {"n" + i, "x", "y"});
      }
    }
    assertThat(table.size()).isEqualTo(1);
    stop.set(true);
    for (Thread t : readers) {
      t.join();
    }
    assertThat(failure.get()).isNull();
  }
}
