package dev.hearth.httpserver;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's own handler pool: a task goes to an idle thread if there is one, else to a new
 * thread while fewer than the maximum exist, and only then waits in line; threads idle for the
 * keep-alive end, so an idle server holds none.
 *
 * <p>Why not a plain {@link ThreadPoolExecutor}: the JDK server reads each request's headers on
 * the executor's thread, so a client sending them slowly holds a thread for as long as it
 * trickles. With few threads, a handful of such clients starves every scrape; the remedy is
 * enough threads that slow clients cannot use them all, created only under load. A plain pool
 * cannot do that: with a queue it grows past its core size only when the queue is full, and with
 * core = max it starts a thread per task even when others idle. This pool's queue refuses a task
 * while every thread is busy and the maximum is not reached, which makes the executor add a
 * thread (the same trick as Tomcat's {@code TaskQueue}); at the maximum, the rejected task is
 * queued after all. One race remains: when the only idle thread reaches its keep-alive just as a
 * task is queued for it while other threads are busy, the task waits for one of those.
 */
final class ElasticPool extends ThreadPoolExecutor {
  /** Tasks submitted and not yet finished (queued or running). */
  private final AtomicInteger pending = new AtomicInteger();

  ElasticPool(int maxThreads, long keepAliveMillis, ThreadFactory threads) {
    super(0, maxThreads, keepAliveMillis, TimeUnit.MILLISECONDS, new GrowFirstQueue(), threads,
        ElasticPool::queueAtMaximum);
    ((GrowFirstQueue) getQueue()).pool = this;
  }

  @Override
  public void execute(Runnable command) {
    pending.incrementAndGet();
    try {
      super.execute(command);
    } catch (RejectedExecutionException e) {
      pending.decrementAndGet();
      throw e;
    }
  }

  @Override
  protected void afterExecute(Runnable r, Throwable t) {
    pending.decrementAndGet();
  }

  private static void queueAtMaximum(Runnable r, ThreadPoolExecutor executor) {
    if (executor.isShutdown() || !((GrowFirstQueue) executor.getQueue()).enqueue(r)) {
      throw new RejectedExecutionException("HTTP server stopped");
    }
  }

  private static final class GrowFirstQueue extends LinkedBlockingQueue<Runnable> {
    private static final long serialVersionUID = 1L;
    transient ElasticPool pool;

    @Override
    public boolean offer(Runnable r) {
      int threads = pool.getPoolSize();
      if (pool.pending.get() > threads && threads < pool.getMaximumPoolSize()) {
        return false; // every thread is busy: the executor starts another one
      }
      return super.offer(r);
    }

    boolean enqueue(Runnable r) {
      return super.offer(r);
    }
  }
}
