package dev.hearth.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.hearth.internal.ChildTable;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * A child created by one thread is fully initialised when another thread finds it: the table
 * publishes children safely even when the child's own fields are plain (not final, not
 * volatile), as a metric's child fields may be.
 */
@JCStressTest
@Outcome(id = "-1", expect = ACCEPTABLE, desc = "looked up before the child was created")
@Outcome(id = "42", expect = ACCEPTABLE, desc = "found, fully initialised")
@Outcome(expect = FORBIDDEN, desc = "found before its fields were set")
@State
public class ChildTablePublication {
  /** A child with a plain field, set in the constructor. */
  static final class Node {
    int value;

    Node(int value) {
      this.value = value;
    }
  }

  private final ChildTable<Node> table = new ChildTable<>(1);

  @Actor
  public void create() {
    table.computeIfAbsent(new String[] {"GET"}, v -> new Node(42));
  }

  @Actor
  public void find(I_Result r) {
    Node n = table.get1("GET");
    r.r1 = n == null ? -1 : n.value;
  }
}
