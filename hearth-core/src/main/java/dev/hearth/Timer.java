package dev.hearth;

import java.util.concurrent.Callable;
import java.util.function.DoubleConsumer;

/**
 * Measures a duration in seconds from its creation and records it once, when closed or when
 * {@link #observeDuration()} is called. For try-with-resources:
 *
 * <pre>{@code
 * try (Timer t = latency.startTimer()) {
 *   handle(request);
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one timer times one piece of work.
 */
public final class Timer implements AutoCloseable {
  private final DoubleConsumer sink;
  private final long startNanos = System.nanoTime();
  private boolean done;
  private double recorded;

  Timer(DoubleConsumer sink) {
    this.sink = sink;
  }

  /** Records the elapsed seconds and returns them; later calls return the recorded value. */
  public double observeDuration() {
    if (!done) {
      done = true;
      recorded = (System.nanoTime() - startNanos) / 1e9;
      sink.accept(recorded);
    }
    return recorded;
  }

  /** Records the duration unless already recorded. */
  @Override
  public void close() {
    if (!done) {
      observeDuration();
    }
  }

  /** Runs {@code work}, records its duration in seconds into {@code sink} and returns it. */
  static double time(DoubleConsumer sink, Runnable work) {
    Timer t = new Timer(sink);
    try {
      work.run();
    } finally {
      t.close();
    }
    return t.observeDuration();
  }

  /** Calls {@code work}, records its duration in seconds into {@code sink}, returns its result. */
  static <T> T time(DoubleConsumer sink, Callable<T> work) throws Exception {
    Timer t = new Timer(sink);
    try {
      return work.call();
    } finally {
      t.close();
    }
  }
}
