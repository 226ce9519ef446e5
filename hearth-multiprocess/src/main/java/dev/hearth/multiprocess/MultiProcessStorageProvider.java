package dev.hearth.multiprocess;

import dev.hearth.spi.ValueStorage;
import dev.hearth.spi.ValueStorageProvider;
import java.util.Map;

/**
 * Enables multi-process mode from {@code PROMETHEUS_MULTIPROC_DIR} alone: found by core with
 * {@link java.util.ServiceLoader} when that variable is set and the first metric is built, it
 * does what {@link MultiProcess#enableFromEnvironment()} does (honouring
 * {@code HEARTH_MULTIPROC_FORMAT} and {@code HEARTH_MULTIPROC_PROCESS_ID}). Not for direct use.
 */
public final class MultiProcessStorageProvider implements ValueStorageProvider {

  /** For {@link java.util.ServiceLoader}. */
  public MultiProcessStorageProvider() {}

  /**
   * The storage writing the directory of {@code environment}.
   *
   * @throws IllegalArgumentException naming the variable and the directory when it is not an
   *     existing, writable directory
   */
  @Override
  public ValueStorage fromEnvironment(Map<String, String> environment) {
    java.nio.file.Path dir = MultiProcess.directoryFromEnvironment(environment);
    try {
      return MultiProcess.enable(dir, environment);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(MultiProcess.DIR_ENV + " (or "
          + MultiProcess.LEGACY_DIR_ENV + ") is set, so metrics are to be written to " + dir
          + ", but: " + e.getMessage(), e);
    }
  }
}
