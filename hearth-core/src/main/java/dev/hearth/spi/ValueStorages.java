package dev.hearth.spi;

import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * The process-wide {@link ValueStorage} that metric builders use by default. Install it before
 * creating metrics; metrics keep the storage they were built with.
 *
 * <p>Without an explicit {@link #install}, the first {@link #current()} looks at the environment,
 * as Python prometheus_client does: when {@code PROMETHEUS_MULTIPROC_DIR} (or the deprecated
 * {@code prometheus_multiproc_dir}) is set, the {@link ValueStorageProvider} found with
 * {@link java.util.ServiceLoader} ({@code dev.hearth:hearth-multiprocess} on the class or module
 * path) creates and installs the storage. When the variable is set and no provider is found, one
 * warning names the variable and the missing artifact, and values stay on the heap. An explicit
 * {@link #install} or {@link #uninstall} always wins over the environment.
 */
public final class ValueStorages {
  /** The directory variable of Python's multiprocess mode. */
  public static final String MULTIPROC_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR";
  /** Its deprecated lower-case variant, which Python still reads. */
  public static final String LEGACY_MULTIPROC_DIR_ENV = "prometheus_multiproc_dir";

  private static final System.Logger LOG = System.getLogger(ValueStorages.class.getName());
  private static volatile ValueStorage current;
  /** True once installed, uninstalled or resolved from the environment. */
  private static volatile boolean decided;

  private ValueStorages() {}

  /** Makes {@code storage} the default for metrics built from now on. */
  public static void install(ValueStorage storage) {
    Objects.requireNonNull(storage, "storage");
    synchronized (ValueStorages.class) {
      current = storage;
      decided = true;
    }
  }

  /** Goes back to heap storage for metrics built from now on (the environment is not consulted). */
  public static void uninstall() {
    synchronized (ValueStorages.class) {
      current = null;
      decided = true;
    }
  }

  /**
   * The installed storage, or {@code null} for heap storage; on the first call without an
   * explicit {@link #install}, the storage the environment asks for (see the class comment).
   *
   * @throws RuntimeException when the environment names a storage that cannot be used (e.g.
   *     {@code PROMETHEUS_MULTIPROC_DIR} names a missing directory); later calls try again
   */
  public static ValueStorage current() {
    if (!decided) {
      resolve(System.getenv(), ValueStorages.class.getClassLoader(),
          message -> LOG.log(System.Logger.Level.WARNING, message));
    }
    return current;
  }

  /** The installed storage without consulting the environment; null for heap storage. */
  public static ValueStorage installed() {
    return current;
  }

  /** Forgets the decision, as in a fresh JVM; for tests. */
  static void forgetDecision() {
    synchronized (ValueStorages.class) {
      current = null;
      decided = false;
    }
  }

  /** Decides from {@code env}, once, unless something was installed meanwhile. */
  static void resolve(Map<String, String> env, ClassLoader fallbackLoader,
      Consumer<String> warning) {
    synchronized (ValueStorages.class) {
      if (decided) {
        return;
      }
      String variable = MULTIPROC_DIR_ENV;
      String dir = env.get(variable);
      if (dir == null || dir.isEmpty()) {
        variable = LEGACY_MULTIPROC_DIR_ENV;
        dir = env.get(variable);
      }
      if (dir == null || dir.isEmpty()) {
        decided = true;
        return;
      }
      ValueStorageProvider provider = provider(fallbackLoader);
      if (provider == null) {
        decided = true;
        warning.accept(variable + "=" + dir + " is set, but"
            + " dev.hearth:hearth-multiprocess is not on the class or module path: metric values"
            + " stay in this process's memory and are NOT written to " + dir + ", so no"
            + " multi-process collector will see them. Add the dependency"
            + " dev.hearth:hearth-multiprocess, or unset " + variable + ".");
        return;
      }
      current = provider.fromEnvironment(env); // throws: undecided, the next metric tries again
      decided = true;
    }
  }

  /** The first provider of the context class loader, else of {@code fallbackLoader}; or null. */
  private static ValueStorageProvider provider(ClassLoader fallbackLoader) {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    ValueStorageProvider p = first(ServiceLoader.load(ValueStorageProvider.class, context));
    if (p == null && fallbackLoader != context) {
      p = first(ServiceLoader.load(ValueStorageProvider.class, fallbackLoader));
    }
    return p;
  }

  private static ValueStorageProvider first(ServiceLoader<ValueStorageProvider> loader) {
    Iterator<ValueStorageProvider> it = loader.iterator();
    return it.hasNext() ? it.next() : null;
  }
}
