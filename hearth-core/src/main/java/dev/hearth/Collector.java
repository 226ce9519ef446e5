package dev.hearth;

import dev.hearth.model.MetricSnapshot;
import java.util.List;

/**
 * Produces metric families at scrape time. Register with a {@link CollectorRegistry}.
 *
 * <pre>{@code
 * class DatabasePoolCollector implements Collector {
 *   public List<MetricSnapshot<?>> collect() {
 *     return List.of(
 *         new GaugeMetricFamily("db_pool_size", "Connections in the pool").addMetric(pool.size()).build(),
 *         new GaugeMetricFamily("db_pool_checked_out", "Connections in use").addMetric(pool.busy()).build());
 *   }
 * }
 * registry.register(new DatabasePoolCollector());
 * }</pre>
 *
 * <p>Implementations must be thread-safe: concurrent scrapes may call {@link #collect()} at once.
 */
public interface Collector {

  /** The metric families as of now. Called on every scrape. */
  List<MetricSnapshot<?>> collect();

  /**
   * The families this collector will produce (data points may be empty), used by the registry to
   * reject name conflicts at registration time. The default, an empty list, opts out of the check.
   */
  default List<MetricSnapshot<?>> describe() {
    return List.of();
  }

  /**
   * A name for this collector in error reports ({@code hearth_collector_errors_total{collector}}).
   * Defaults to the class name.
   */
  default String collectorName() {
    return getClass().getName();
  }
}
