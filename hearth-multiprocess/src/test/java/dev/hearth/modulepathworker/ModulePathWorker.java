package dev.hearth.modulepathworker;

import dev.hearth.Counter;

/**
 * The main class of the JVM that {@code EnvironmentEnableTest} forks with core and
 * multi-process as named modules; outside their packages, so it can run from the class path.
 * Counts {@code n} into {@code module_path_total} with no storage given and prints {@code done}.
 */
public final class ModulePathWorker {
  private ModulePathWorker() {}

  public static void main(String[] args) {
    Counter c = Counter.builder("module_path_total").help("Counted from the class path.").build();
    c.inc(Integer.parseInt(args[0]));
    System.out.println("done");
  }
}
