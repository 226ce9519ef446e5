package dev.hearth.examples;

import dev.hearth.Collector;
import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.Gauge;
import dev.hearth.GaugeMetricFamily;
import dev.hearth.Histogram;
import dev.hearth.Info;
import dev.hearth.StateSet;
import dev.hearth.Summary;
import dev.hearth.exposition.Exposition;
import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.model.MetricSnapshot;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A small simulated service: it records requests, latencies, payload sizes, a connection pool and
 * its build info for a number of rounds, then prints the exposition.
 *
 * <p>Usage: {@code ExampleService [--openmetrics] [rounds]}.
 */
public final class ExampleService {
  private ExampleService() {}

  /** A custom collector reading a (simulated) connection pool at scrape time. */
  static final class DatabasePoolCollector implements Collector {
    private final int size;
    private final int checkedOut;

    DatabasePoolCollector(int size, int checkedOut) {
      this.size = size;
      this.checkedOut = checkedOut;
    }

    @Override
    public List<MetricSnapshot<?>> collect() {
      return List.of(
          new GaugeMetricFamily("db_pool_size", "Connections in the pool", List.of("pool"))
              .addMetric(List.of("main"), size).build(),
          new GaugeMetricFamily("db_pool_checked_out", "Connections in use", List.of("pool"))
              .addMetric(List.of("main"), checkedOut).build());
    }

    @Override
    public List<MetricSnapshot<?>> describe() {
      return collect();
    }
  }

  /** Runs the simulation and prints the exposition to standard output. */
  public static void main(String[] args) throws Exception {
    boolean openMetrics = List.of(args).contains("--openmetrics");
    int rounds = 1000;
    for (String a : args) {
      if (a.matches("\\d+")) {
        rounds = Integer.parseInt(a);
      }
    }
    CollectorRegistry registry = new CollectorRegistry();
    Counter requests = Counter.builder("http_requests_total").help("Total HTTP requests")
        .labelNames("method", "status").register(registry);
    Histogram latency = Histogram.builder("http_request_duration_seconds")
        .help("HTTP request latency").labelNames("method").register(registry);
    Summary payload = Summary.builder("http_request_payload_bytes").help("Request payload sizes")
        .quantile(0.5, 0.01).quantile(0.99, 0.001).register(registry);
    Gauge inFlight = Gauge.builder("http_requests_in_progress").help("Requests being served")
        .register(registry);
    Info.builder("build").help("Build information").register(registry)
        .info(Map.of("version", "0.1.0", "language", "java"));
    StateSet state = StateSet.builder("service_state").help("Lifecycle state")
        .states("starting", "running", "stopping").register(registry);
    registry.register(new DatabasePoolCollector(20, 3));

    Random random = new Random(42);
    String[] methods = {"GET", "GET", "GET", "POST", "PUT"};
    for (int i = 0; i < rounds; i++) {
      Gauge.InProgress inProgress = inFlight.track();
      try {
        String method = methods[random.nextInt(methods.length)];
        double seconds = Math.abs(random.nextGaussian() * 0.05 + 0.08);
        String status = random.nextInt(100) < 97 ? "200" : "500";
        requests.labels(method, status).inc();
        if (i % 100 == 0) {
          latency.labels(method).observe(seconds, Map.of("trace_id", Long.toHexString(random.nextLong())));
        } else {
          latency.labels(method).observe(seconds);
        }
        payload.observe(200 + random.nextInt(4000));
      } finally {
        inProgress.close();
      }
    }
    state.state("running");
    Exposition.write(System.out, registry,
        openMetrics ? ExpositionFormat.OPENMETRICS_1_0_0 : ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
    System.out.flush();
  }
}
