package dev.hearth.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Logs through {@link System.Logger} at most once per key and interval, counting what it held back.
 *
 * <p>Internal API: not for public use, can change at any time.
 */
public final class ThrottledLogger {
  private final System.Logger logger;
  private final long intervalMillis;
  private final ConcurrentHashMap<String, long[]> last = new ConcurrentHashMap<>();

  /** Logs to {@code logger}, each key at most once per {@code intervalMillis}. */
  public ThrottledLogger(System.Logger logger, long intervalMillis) {
    this.logger = logger;
    this.intervalMillis = intervalMillis;
  }

  /** Logs {@code message} unless the same key was logged within the interval. */
  public void log(System.Logger.Level level, String key, Supplier<String> message, Throwable t) {
    long now = System.currentTimeMillis();
    long[] state = last.computeIfAbsent(key, k -> new long[] {Long.MIN_VALUE, 0});
    long suppressed;
    synchronized (state) {
      if (state[0] != Long.MIN_VALUE && now - state[0] < intervalMillis) {
        state[1]++;
        return;
      }
      state[0] = now;
      suppressed = state[1];
      state[1] = 0;
    }
    if (logger.isLoggable(level)) {
      String text = message.get();
      if (suppressed > 0) {
        text += " (" + suppressed + " similar messages suppressed)";
      }
      logger.log(level, text, t);
    }
  }
}
