/**
 * Hearth multi-process mode: metric values in memory-mapped files shared with Python
 * prometheus_client's multiprocess mode, and a collector that merges a directory of them.
 * Entry points: {@link dev.hearth.multiprocess.MultiProcess} and
 * {@link dev.hearth.multiprocess.MultiProcessCollector}.
 */
module dev.hearth.multiprocess {
  requires transitive dev.hearth.core;

  exports dev.hearth.multiprocess;

  provides dev.hearth.spi.ValueStorageProvider
      with dev.hearth.multiprocess.MultiProcessStorageProvider;
}
