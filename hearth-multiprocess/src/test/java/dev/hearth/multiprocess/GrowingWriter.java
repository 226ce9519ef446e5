package dev.hearth.multiprocess;

import dev.hearth.Counter;
import java.nio.file.Path;

/**
 * The main class of the forked writer of {@link ScrapeRobustnessTest}: creates {@code n} series
 * of counter {@code grow} one after another ({@code c.labels("s" + i).inc()}), pausing
 * {@code pauseMillis} after every 10, so its file grows while another JVM scrapes it; then prints
 * {@code done}.
 *
 * <p>Arguments: directory, n, pauseMillis.
 */
public final class GrowingWriter {
  private GrowingWriter() {}

  public static void main(String[] args) throws Exception {
    int n = Integer.parseInt(args[1]);
    long pause = Long.parseLong(args[2]);
    try (MmapValueStorage storage =
        MmapValueStorage.builder(Path.of(args[0])).processId("grower").build()) {
      Counter c = Counter.builder("grow").help("Series created one by one.").labelNames("s")
          .storage(storage).build();
      for (int i = 0; i < n; i++) {
        c.labels("s" + i).inc();
        if (i % 10 == 9) {
          Thread.sleep(pause);
        }
      }
    }
    System.out.println("done");
  }
}
