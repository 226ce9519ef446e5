package dev.hearth.examples;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.Gauge;
import dev.hearth.Histogram;
import dev.hearth.Info;
import dev.hearth.StateSet;
import dev.hearth.Summary;
import dev.hearth.httpserver.HTTPServer;
import java.io.IOException;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

/**
 * A simulated service that records traffic continuously and serves its metrics over HTTP until
 * stopped (Ctrl-C).
 *
 * <p>Usage: {@code ExampleHttpService [--port 9400]}; it listens on 127.0.0.1 only:
 * {@code curl http://127.0.0.1:9400/metrics}, or with
 * {@code -H 'Accept: application/openmetrics-text'} for OpenMetrics with exemplars.
 */
public final class ExampleHttpService implements AutoCloseable {
  private final HTTPServer server;
  private final Thread traffic;
  private volatile boolean stopped;

  private ExampleHttpService(CollectorRegistry registry, HTTPServer server) {
    this.server = server;
    Counter requests = Counter.builder("http_requests_total").help("Total HTTP requests")
        .labelNames("method", "status").register(registry);
    Histogram latency = Histogram.builder("http_request_duration_seconds")
        .help("HTTP request latency").labelNames("method").register(registry);
    Summary payload = Summary.builder("http_request_payload_bytes").help("Request payload sizes")
        .register(registry);
    Gauge inFlight = Gauge.builder("http_requests_in_progress").help("Requests being served")
        .register(registry);
    Info.builder("build").help("Build information").register(registry)
        .info(Map.of("version", "0.1.0", "language", "java"));
    StateSet.builder("service_state").help("Lifecycle state")
        .states("starting", "running", "stopping").register(registry).state("running");
    registry.register(new ExampleService.DatabasePoolCollector(20, 3));
    this.traffic = new Thread(() -> {
      Random random = new Random(42);
      String[] methods = {"GET", "GET", "GET", "POST", "PUT"};
      long n = 0;
      while (!stopped) {
        Gauge.InProgress inProgress = inFlight.track();
        try {
          String method = methods[random.nextInt(methods.length)];
          double seconds = Math.abs(random.nextGaussian() * 0.05 + 0.08);
          requests.labels(method, random.nextInt(100) < 97 ? "200" : "500").inc();
          if (n++ % 100 == 0) {
            latency.labels(method).observe(seconds,
                Map.of("trace_id", Long.toHexString(random.nextLong())));
          } else {
            latency.labels(method).observe(seconds);
          }
          payload.observe(200 + random.nextInt(4000));
        } finally {
          inProgress.close();
        }
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "simulated-traffic");
    traffic.setDaemon(true);
    traffic.start();
  }

  /** Starts recording and serving on {@code 127.0.0.1:port} (0 for any free port). */
  public static ExampleHttpService start(int port) throws IOException {
    CollectorRegistry registry = new CollectorRegistry();
    HTTPServer server = HTTPServer.builder().host("127.0.0.1").port(port).registry(registry)
        .buildAndStart();
    return new ExampleHttpService(registry, server);
  }

  /** The port served on. */
  public int port() {
    return server.getPort();
  }

  /** Stops the traffic and the server. */
  @Override
  public void close() {
    stopped = true;
    traffic.interrupt();
    server.close();
  }

  /** Serves until Ctrl-C. */
  public static void main(String[] args) throws Exception {
    int port = 9400;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--port") && i + 1 < args.length) {
        port = Integer.parseInt(args[++i]);
      } else if (args[i].startsWith("--port=")) {
        port = Integer.parseInt(args[i].substring("--port=".length()));
      } else {
        System.err.println("usage: ExampleHttpService [--port 9400]");
        System.exit(2);
      }
    }
    ExampleHttpService service = start(port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      service.close();
      stopped.countDown();
    }, "shutdown"));
    System.out.println("Serving metrics on http://127.0.0.1:" + service.port()
        + "/metrics (Ctrl-C to stop)");
    stopped.await();
  }
}
