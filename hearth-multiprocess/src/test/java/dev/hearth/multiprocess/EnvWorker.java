package dev.hearth.multiprocess;

import java.nio.file.Path;

/**
 * The main class of the forked JVMs in {@link EnvironmentEnableTest}: records the interop
 * metrics of {@link LiveInteropTest} {@code n} times, built with no storage and no call to
 * {@link MultiProcess}, so only the environment ({@code PROMETHEUS_MULTIPROC_DIR}, ...) decides
 * where values go; then prints {@code done}.
 *
 * <p>Arguments: n, [explicit directory to {@link MultiProcess#enable} first].
 */
public final class EnvWorker {
  private EnvWorker() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    if (args.length > 1) {
      MultiProcess.enable(Path.of(args[1]));
    }
    LiveInteropTest.record(null, n);
    System.out.println("done");
    System.out.flush();
  }
}
