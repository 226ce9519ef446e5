package dev.hearth.httpserver;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs the JDK server's exchanges on a delegate executor and interrupts any that runs longer than
 * the request timeout. The JDK server reads requests and writes responses with blocking I/O on
 * interruptible socket channels, so the interrupt closes the connection and frees the thread.
 */
final class WatchdogExecutor implements Executor {
  private final Executor delegate;
  private final long timeoutNanos;
  private final Set<Task> running = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer;

  WatchdogExecutor(Executor delegate, long timeoutNanos) {
    this.delegate = delegate;
    this.timeoutNanos = timeoutNanos;
    ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
      Thread th = new Thread(r, "hearth-http-watchdog");
      th.setDaemon(true);
      return th;
    });
    t.setRemoveOnCancelPolicy(true);
    this.timer = t;
    long periodMillis = Math.max(50, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(timeoutNanos) / 4));
    timer.scheduleWithFixedDelay(this::check, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void execute(Runnable command) {
    delegate.execute(() -> run(command));
  }

  private void run(Runnable command) {
    Task task = new Task(Thread.currentThread(), System.nanoTime() + timeoutNanos);
    running.add(task);
    try {
      command.run();
    } finally {
      synchronized (task) {
        task.done = true;
      }
      running.remove(task);
      Thread.interrupted(); // never leak a watchdog interrupt into the next task
    }
  }

  private void check() {
    long now = System.nanoTime();
    for (Task t : running) {
      if (now - t.deadline > 0) {
        synchronized (t) {
          if (!t.done && !t.interrupted) {
            t.interrupted = true;
            t.thread.interrupt();
          }
        }
      }
    }
  }

  void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class Task {
    final Thread thread;
    final long deadline;
    boolean done;
    boolean interrupted;

    Task(Thread thread, long deadline) {
      this.thread = thread;
      this.deadline = deadline;
    }
  }
}
