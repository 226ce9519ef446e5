package dev.hearth.spi;

import dev.hearth.MultiprocessMode;
import dev.hearth.model.MetricType;
import java.util.List;

/**
 * Where metric values live when not on the JVM heap, e.g. the memory-mapped files of
 * multi-process mode. Metrics ask for one {@link DoubleSlot} per exposed sample of each series
 * (a counter's {@code _total}; each histogram bucket, {@code _sum}; a summary's {@code _count} and
 * {@code _sum}; a gauge's value), once, when the series is created; recording then goes straight
 * to the slot.
 *
 * <p>Install with {@link ValueStorages#install(ValueStorage)} before metrics are created (or let
 * a {@link ValueStorageProvider} install one from the environment), or pass one to a metric
 * builder's {@code storage(...)}; a builder's {@code heapStorage()} keeps a metric on the heap
 * regardless. Without one, values live on the heap in striped cells and this interface costs
 * nothing. Series of a metric with a storage cannot be removed ({@code remove}, {@code clear},
 * {@code expireAfter} and {@code Gauge.setFunction} throw): the storage may be read by others.
 *
 * <p>Implementations must be thread-safe.
 */
public interface ValueStorage {

  /**
   * A slot for one sample of one series.
   *
   * @param familyName the family name (a counter's without {@code _total})
   * @param sampleName the exposed sample name, e.g. {@code x_total}, {@code x_bucket}, {@code x_sum}
   * @param labelNames the series' label names plus, for buckets, {@code le}
   * @param labelValues the values, parallel to {@code labelNames}
   * @param help the family's help text
   * @param type the family's type
   * @param mode for gauges, how processes are aggregated; {@link MultiprocessMode#ALL} otherwise
   */
  DoubleSlot slot(String familyName, String sampleName, List<String> labelNames,
      List<String> labelValues, String help, MetricType type, MultiprocessMode mode);
}
