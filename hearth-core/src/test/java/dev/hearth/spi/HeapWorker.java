package dev.hearth.spi;

import dev.hearth.Counter;

/**
 * The main class of the JVM {@link ValueStoragesTest} forks with only core on the class path:
 * builds two counters and prints where their values live.
 */
public final class HeapWorker {
  private HeapWorker() {}

  public static void main(String[] args) {
    Counter a = Counter.builder("a_total").help("A.").build();
    Counter b = Counter.builder("b_total").help("B.").build();
    a.inc(2);
    b.inc(3);
    System.out.println("storage=" + ValueStorages.current() + " a=" + a.get() + " b=" + b.get());
  }
}
