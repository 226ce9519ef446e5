package dev.hearth.multiprocess;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The main class of forked JVMs that compact a directory in the compaction tests.
 *
 * <ul>
 *   <li>{@code crash <dir> <phase> <n>}: compacts and halts the JVM ({@link #HALTED}) the
 *       {@code n}-th time the compaction reaches {@code phase}; prints {@code completed} when
 *       it never does.</li>
 *   <li>{@code loop <dir> <stop file> <max processes>}: prints {@code started}, compacts (at
 *       most that many processes per run) until the stop file exists, then prints
 *       {@code folded <processes>}.</li>
 * </ul>
 */
public final class CompactionMain {
  /** The exit status of a JVM halted by the hook. */
  static final int HALTED = 77;

  private CompactionMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    switch (args[0]) {
      case "crash": {
        Compactor.Phase phase = Compactor.Phase.valueOf(args[2]);
        int n = Integer.parseInt(args[3]);
        AtomicInteger seen = new AtomicInteger();
        MultiProcess.compact(dir, (p, detail) -> {
          if (p == phase && seen.incrementAndGet() == n) {
            System.out.flush();
            Runtime.getRuntime().halt(HALTED);
          }
        }, Integer.MAX_VALUE);
        System.out.println("completed");
        break;
      }
      case "loop": {
        Path stop = Path.of(args[2]);
        int max = Integer.parseInt(args[3]);
        long folded = 0;
        boolean announced = false;
        while (!Files.exists(stop)) {
          if (!announced) {
            System.out.println("started");
            System.out.flush();
            announced = true;
          }
          folded += MultiProcess.compact(dir, Compactor.Hook.NONE, max).foldedProcesses().size();
          Thread.sleep(2);
        }
        System.out.println("folded " + folded);
        break;
      }
      default:
        throw new IllegalArgumentException(args[0]);
    }
    System.out.flush();
  }
}
