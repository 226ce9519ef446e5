package dev.hearth.multiprocess;

import dev.hearth.Counter;
import dev.hearth.Histogram;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The main class of the forked JVM in {@link CrashSafetyTest}: enables multi-process mode (v1)
 * on a directory and records from several threads until killed, adding a new series every
 * {@link #OPS_PER_SERIES} operations so the files keep growing. A reporter thread prints
 * {@code progress <n>} lines, {@code n} being the number of completed operations (one counter
 * {@code inc()} then one histogram {@code observe()}).
 *
 * <p>Arguments: directory, threads.
 */
public final class CrashWriter {
  static final int OPS_PER_SERIES = 1024;
  static final int MAX_COUNTER_SERIES = 5000;
  static final int HISTOGRAM_EVERY = 16; // one histogram series per this many counter series

  private CrashWriter() {}

  public static void main(String[] args) throws Exception {
    MultiProcess.enable(Path.of(args[0]), java.util.Map.of(MultiProcess.FORMAT_ENV, "v1",
        MultiProcess.PROCESS_ID_ENV, "crash"));
    int threads = Integer.parseInt(args[1]);
    Counter ops = Counter.builder("crash_ops_total").help("Operations.")
        .labelNames("thread", "series").build();
    Histogram lat = Histogram.builder("crash_latency_seconds").help("Latency.")
        .labelNames("thread", "series").build();
    AtomicLongArray done = new AtomicLongArray(threads * 16); // padded slots
    for (int t = 0; t < threads; t++) {
      int slot = t * 16;
      String thread = "t" + t;
      Thread w = new Thread(() -> {
        for (long i = 0; ; i++) {
          long s = Math.min(i / OPS_PER_SERIES, MAX_COUNTER_SERIES - 1);
          ops.labels(thread, "s" + s).inc();
          lat.labels(thread, "h" + s / HISTOGRAM_EVERY).observe((i % 1000) / 100.0);
          done.lazySet(slot, i + 1); // ordered after both writes
        }
      }, "writer-" + t);
      w.setDaemon(true);
      w.start();
    }
    System.out.println("started");
    System.out.flush();
    while (true) {
      long total = 0;
      for (int t = 0; t < threads; t++) {
        total += done.get(t * 16);
      }
      System.out.println("progress " + total);
      System.out.flush();
      Thread.sleep(10);
    }
  }
}
