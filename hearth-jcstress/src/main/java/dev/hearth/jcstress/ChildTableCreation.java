package dev.hearth.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.hearth.internal.ChildTable;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * No child is lost when two threads create children at once, and both get the one child of a
 * label set they create together. r1: the table's size at the end (3: "a", "b", "shared");
 * r2: 1 when both threads got the same "shared" child.
 */
@JCStressTest
@Outcome(id = "3, 1", expect = ACCEPTABLE, desc = "every child kept, one shared child")
@Outcome(expect = FORBIDDEN, desc = "a child lost, or two children for one label set")
@State
public class ChildTableCreation {
  private final ChildTable<Object> table = new ChildTable<>(1);
  private Object seenByFirst;
  private Object seenBySecond;

  @Actor
  public void first() {
    table.computeIfAbsent(new String[] {"a"}, v -> new Object());
    seenByFirst = table.computeIfAbsent(new String[] {"shared"}, v -> new Object());
  }

  @Actor
  public void second() {
    table.computeIfAbsent(new String[] {"b"}, v -> new Object());
    seenBySecond = table.computeIfAbsent(new String[] {"shared"}, v -> new Object());
  }

  @Arbiter
  public void check(II_Result r) {
    r.r1 = table.size();
    r.r2 = seenByFirst == seenBySecond && seenByFirst == table.get1("shared") ? 1 : 0;
  }
}
