package dev.hearth;

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

  Timer(DoubleConsumer sink) {
    this.sink = sink;
  }

  /** Records the elapsed seconds (the first call only) and returns them. */
  public double observeDuration() {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    if (!done) {
      done = true;
      sink.accept(seconds);
    }
    return seconds;
  }

  /** Records the duration unless already recorded. */
  @Override
  public void close() {
    if (!done) {
      observeDuration();
    }
  }
}
