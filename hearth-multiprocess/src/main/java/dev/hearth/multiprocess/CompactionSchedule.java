package dev.hearth.multiprocess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Compactions of one directory on a schedule, from {@link MultiProcess#compactEvery}: the first
 * right away, then each {@code interval} after the previous one ended, on a daemon thread.
 * Failures are logged ({@link System.Logger}, at most one warning per 10 minutes while they
 * repeat) and the schedule goes on. {@link #close()} stops it, waiting for a compaction in
 * progress to end.
 */
public final class CompactionSchedule implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(CompactionSchedule.class.getName());
  private static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(10);

  private final Path directory;
  private final ScheduledExecutorService executor;
  private volatile CompactionResult last;
  private long failures; // on the executor thread only
  private long suppressed;
  private long lastWarning;

  CompactionSchedule(Path directory, Duration interval, Compactor.Hook hook) {
    this.directory = directory;
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "hearth-compaction " + directory);
      t.setDaemon(true);
      return t;
    });
    long nanos = interval.toNanos();
    executor.scheduleWithFixedDelay(() -> run(hook), 0, nanos, TimeUnit.NANOSECONDS);
  }

  private void run(Compactor.Hook hook) {
    try {
      last = Compactor.compact(directory, hook, Integer.MAX_VALUE);
      if (failures > 0) {
        LOG.log(System.Logger.Level.INFO, "Multiprocess compaction of " + directory
            + " works again after " + failures + " failed runs");
        failures = 0;
        suppressed = 0;
      }
    } catch (Throwable t) { // never let the schedule die silently
      failures++;
      long now = System.nanoTime();
      if (failures == 1 || now - lastWarning >= WARN_INTERVAL_NANOS) {
        LOG.log(System.Logger.Level.WARNING, "Multiprocess compaction of " + directory
            + " failed" + (suppressed > 0 ? " (" + suppressed + " similar failures not logged)"
            : "") + "; it will be retried: " + t, t);
        lastWarning = now;
        suppressed = 0;
      } else {
        suppressed++;
      }
    }
  }

  /** The directory compacted. */
  public Path directory() {
    return directory;
  }

  /** The result of the last successful compaction, or null before the first one. */
  public CompactionResult lastResult() {
    return last;
  }

  /**
   * Stops the schedule; a compaction in progress completes first (waiting at most a minute).
   * Idempotent.
   */
  @Override
  public void close() {
    executor.shutdown();
    boolean interrupted = false;
    try {
      executor.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "CompactionSchedule[" + directory + (executor.isShutdown() ? ", closed" : "") + "]";
  }
}
