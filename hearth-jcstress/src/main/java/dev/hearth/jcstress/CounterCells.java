package dev.hearth.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import dev.hearth.Counter;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * No increment is lost while a counter's cells are created and its table of cells grows, and a
 * thread's reads never go back. Both threads add 1 three times (the first lost CAS on the base
 * creates the cells; a lost CAS on a cell grows the table); the second also reads the total
 * before and after its own increments. r1: 1 when that second read was at least the first plus
 * its own 3; r2: the total at the end.
 */
@JCStressTest
@Outcome(id = "1, 6", expect = ACCEPTABLE, desc = "every increment counted, reads monotonic")
@Outcome(expect = FORBIDDEN, desc = "an increment lost or counted twice, or a read went back")
@State
public class CounterCells {
  private final Counter counter = Counter.builder("jcstress").help("h").build();

  @Actor
  public void writer() {
    counter.inc();
    counter.inc();
    counter.inc();
  }

  @Actor
  public void writerAndReader(II_Result r) {
    double before = counter.get();
    counter.inc();
    counter.inc();
    counter.inc();
    double after = counter.get();
    r.r1 = after >= before + 3 ? 1 : 0;
  }

  @Arbiter
  public void total(II_Result r) {
    r.r2 = (int) counter.get();
  }
}
