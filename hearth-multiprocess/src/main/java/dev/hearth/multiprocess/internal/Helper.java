package dev.hearth.multiprocess.internal;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A piece of a scrape handed to a second thread (a {@link ForkJoinPool#commonPool()} worker):
 * the scraping thread does its own part, then {@link #join()}s, which runs the piece itself when
 * no pool thread has started it yet, so a busy pool never makes a scrape wait. Failures are
 * rethrown by {@link #join()}.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class Helper implements Runnable {
  private final Runnable work;
  private final AtomicBoolean claimed = new AtomicBoolean();
  private final Gate done = new Gate();
  /** How long {@link #join()} spins before it parks: the helper's last piece is usually short. */
  private static final long JOIN_SPIN_NANOS = 100_000;
  private volatile Throwable failure;

  private Helper(Runnable work) {
    this.work = work;
  }

  /** Starts {@code work} on a pool thread, if one is free before {@link #join()}. */
  public static Helper start(Runnable work) {
    Helper h = new Helper(work);
    ForkJoinPool.commonPool().execute(h);
    return h;
  }

  @Override
  public void run() {
    if (!claimed.compareAndSet(false, true)) {
      return;
    }
    try {
      work.run();
    } catch (Throwable t) {
      failure = t;
    } finally {
      done.open();
    }
  }

  /** Waits for the work, doing it here when no pool thread has started it. */
  public void join() {
    run();
    done.await(JOIN_SPIN_NANOS);
    Throwable t = failure;
    if (t instanceof RuntimeException) {
      throw (RuntimeException) t;
    }
    if (t instanceof Error) {
      throw (Error) t;
    }
    if (t != null) {
      throw new IllegalStateException(t);
    }
  }

  /**
   * A one-shot signal for a helper: the waiter spins for a short while before it parks, because
   * the signal usually comes within microseconds and waking a parked thread costs the signalling
   * thread more than that.
   */
  public static final class Gate {
    private volatile boolean open;
    private final CountDownLatch latch = new CountDownLatch(1);

    /** Opens the gate (releases any waiter). */
    public void open() {
      open = true;
      latch.countDown(); // no unpark unless the waiter stopped spinning
    }

    /** Waits until {@link #open()}, spinning up to {@code spinNanos} first. */
    public void await(long spinNanos) {
      long deadline = System.nanoTime() + spinNanos;
      while (!open) {
        for (int i = 0; i < 64 && !open; i++) {
          Thread.onSpinWait();
        }
        Thread.yield(); // the thread being waited for may share this CPU
        if (!open && System.nanoTime() - deadline > 0) {
          awaitUninterruptibly();
          return;
        }
      }
    }

    private void awaitUninterruptibly() {
      boolean interrupted = false;
      while (true) {
        try {
          latch.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) { // kept for the caller, not thrown
        Thread.currentThread().interrupt();
      }
    }
  }
}
