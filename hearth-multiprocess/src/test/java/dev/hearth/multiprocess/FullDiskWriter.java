package dev.hearth.multiprocess;

import dev.hearth.Counter;
import dev.hearth.Gauge;
import java.nio.file.Path;

/**
 * The main class of the forked JVM in {@link FullDiskTest}: enables multi-process mode on a
 * small file system and creates series of a counter (series {@code i} gets {@code i + 1}) until
 * the file cannot grow, then {@code extra} more, then adds 1000 to series 0 (in the file since
 * the start) and sets a gauge. Prints {@code errors=<write errors> failedAt=<first series in
 * memory> gauge=<the gauge>}, after checking that this process sees every value recorded.
 *
 * <p>Arguments: directory, extra.
 */
public final class FullDiskWriter {
  private FullDiskWriter() {}

  public static void main(String[] args) {
    MultiProcess.enable(Path.of(args[0]));
    int extra = Integer.parseInt(args[1]);
    Counter c = Counter.builder("fill_total").help("Fills the disk.").labelNames("series")
        .unlimitedSeries().build();
    int failedAt = -1;
    int end = Integer.MAX_VALUE;
    double total = 0;
    for (int i = 0; i < end; i++) {
      c.labels("s" + i).inc(i + 1);
      total += i + 1;
      if (failedAt < 0 && MultiProcess.writeErrors().get() > 0) {
        failedAt = i;
        end = i + 1 + extra;
      }
      if (i > 1_000_000) {
        throw new AssertionError("the file system never filled up");
      }
    }
    c.labels("s0").inc(1000);
    total += 1000;
    Gauge gauge = Gauge.builder("after_full").help("Set after the disk filled.").build();
    gauge.set(7);
    double seen = 0;
    for (int i = 0; i < end; i++) {
      seen += c.labels("s" + i).get();
    }
    if (seen != total) {
      throw new AssertionError("this process sees " + seen + ", recorded " + total);
    }
    System.out.println("errors=" + (long) MultiProcess.writeErrors().get() + " failedAt=" + failedAt
        + " gauge=" + gauge.get());
  }
}
