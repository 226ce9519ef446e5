/**
 * Multi-process mode, file-compatible with Python prometheus_client's: each process writes its
 * values to memory-mapped {@code .db} files in a shared directory ({@link
 * dev.hearth.multiprocess.MmapValueStorage}, installed when the first metric is built if
 * {@code PROMETHEUS_MULTIPROC_DIR} is set, or by {@link
 * dev.hearth.multiprocess.MultiProcess#enable}), and one process serves the merged view ({@link
 * dev.hearth.multiprocess.MultiProcessCollector}).
 *
 * <p>What is shared: counters, gauges (per {@link dev.hearth.MultiprocessMode}), histograms
 * (buckets and sum; the count is derived) and summaries ({@code _count} and {@code _sum} only:
 * quantiles are per process and are not merged, as in Python). Info and state set metrics stay
 * on the heap of the process that created them, as Python writes nothing for them: register them
 * with the serving process' registry if they should be exposed.
 */
package dev.hearth.multiprocess;
