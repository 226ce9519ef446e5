package dev.hearth.testing;

import dev.hearth.Collector;
import dev.hearth.CollectorRegistry;
import dev.hearth.model.MetricSnapshot;
import java.util.List;

/**
 * Collects whichever registry a test last {@linkplain #set set}, so that one running server can
 * serve many generated registries in turn.
 */
public final class SwappableCollector implements Collector {
  /** The {@code Accept} header Prometheus 2.42 sends with every scrape. */
  public static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,"
      + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

  private volatile CollectorRegistry current = new CollectorRegistry();

  /** Collects {@code registry} from now on. */
  public void set(CollectorRegistry registry) {
    current = registry;
  }

  /**
   * The set registry's families without its self-metrics ({@code hearth_*}): the registry this
   * collector is registered with has its own, and a second family of one name is a clash that a
   * scrape leaves out and counts as a collector error.
   */
  @Override
  public List<MetricSnapshot<?>> collect() {
    return current.collect(name -> !name.startsWith("hearth_"));
  }
}
