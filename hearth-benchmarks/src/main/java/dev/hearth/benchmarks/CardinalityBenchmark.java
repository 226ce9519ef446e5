package dev.hearth.benchmarks;

import dev.hearth.CardinalityPolicy;
import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the series limit costs (issue #4): looking up an existing child with the default limit
 * versus unlimited (the check is only on the miss path, so these should match); creating a new
 * child under a limit versus unlimited; and routing a new combination past the limit to the
 * overflow series. Single thread; ns per lookup+inc.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@Threads(1)
@State(Scope.Thread)
public class CardinalityBenchmark {
  /** Distinct label values for the creation cases: more than one iteration can use up. */
  private static final int POOL = 1 << 22;

  @Param({"limited", "unlimited"})
  public String limit;

  private String[][] combos;
  private String[] fresh;
  private Counter existing;
  private Counter creating;
  private Counter full;
  private int next;

  @Setup(Level.Trial)
  public void setupTrial() {
    combos = Fixtures.labelCombinations();
    fresh = new String[POOL];
    for (int k = 0; k < POOL; k++) {
      fresh[k] = "v" + k;
    }
    existing = counter("existing", 10_000);
    for (String[] v : combos) {
      existing.labels(v[0], v[1], v[2]).inc();
    }
    full = Counter.builder("full").labelNames(Fixtures.LABEL_NAMES).maxSeries(100)
        .cardinalityPolicy(CardinalityPolicy.OVERFLOW).register(new CollectorRegistry());
    for (String[] v : combos) {
      full.labels(v[0], v[1], v[2]).inc();
    }
  }

  /** A fresh metric per iteration, so creation never runs out of new label values. */
  @Setup(Level.Iteration)
  public void setupIteration() {
    creating = counter("creating", POOL + 1);
    next = 0;
  }

  private Counter counter(String name, int limited) {
    Counter.Builder b = Counter.builder(name).labelNames(Fixtures.LABEL_NAMES);
    b = "limited".equals(limit) ? b.maxSeries(limited) : b.unlimitedSeries();
    return b.register(new CollectorRegistry());
  }

  @Benchmark
  public void hearth_existingChild(LabeledCounterBenchmark.Cursor c) {
    String[] v = combos[c.next()];
    existing.labels(v[0], v[1], v[2]).inc();
  }

  @Benchmark
  public void hearth_newChild() {
    String v = fresh[next++ & (POOL - 1)];
    creating.labels("GET", v, "200").inc();
  }

  @Benchmark
  public void hearth_newCombinationPastLimitToOverflow() {
    String v = fresh[next++ & (POOL - 1)];
    full.labels("GET", v, "200").inc();
  }
}
