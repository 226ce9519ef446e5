package dev.hearth.multiprocess;

import java.nio.file.Path;

/**
 * The main class of the forked JVMs in {@link LiveInteropTest}: records the interop metrics
 * {@code n} times into a directory, then prints {@code done} and, with {@code hold}, waits
 * until its stdin closes.
 *
 * <p>Arguments: directory, process id, format (v1|v2), n, [hold].
 */
public final class ForkedWriter {
  private ForkedWriter() {}

  public static void main(String[] args) throws Exception {
    MmapValueStorage storage = MmapValueStorage.builder(Path.of(args[0])).processId(args[1])
        .format(FormatVersion.parse(args[2], "argument")).build();
    LiveInteropTest.record(storage, Integer.parseInt(args[3]));
    System.out.println("done");
    System.out.flush();
    if (args.length > 4 && args[4].equals("hold")) {
      while (System.in.read() >= 0) {
        // wait for the parent to close stdin
      }
    }
  }
}
