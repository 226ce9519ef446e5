package dev.hearth.spi;

import java.util.Map;

/**
 * Creates the process-wide {@link ValueStorage} from the environment, so that setting a variable
 * is enough to move metric values out of the heap (as Python's {@code PROMETHEUS_MULTIPROC_DIR}
 * is). Found with {@link java.util.ServiceLoader} ({@code provides} in a module, or
 * {@code META-INF/services/dev.hearth.spi.ValueStorageProvider} on the class path) the first time
 * a metric without an explicit storage is built while {@code PROMETHEUS_MULTIPROC_DIR} is set;
 * {@code hearth-multiprocess} provides one. Core itself depends on no provider.
 */
public interface ValueStorageProvider {

  /**
   * The storage {@code environment} asks for. Called at most once per successful discovery.
   *
   * @param environment the process environment ({@link System#getenv()})
   * @return the storage to install, never null
   * @throws RuntimeException when the environment names a storage that cannot be used (e.g. a
   *     directory that does not exist), with a message naming the variable and its value
   */
  ValueStorage fromEnvironment(Map<String, String> environment);
}
