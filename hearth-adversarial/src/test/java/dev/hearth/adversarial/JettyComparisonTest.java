package dev.hearth.adversarial;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.httpserver.HTTPServer;
import dev.hearth.httpserver.RawHttp;
import dev.hearth.servlet.MetricsServlet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/**
 * The requests the JDK server closes without an answer (see {@link BadRequestTest}), sent to the
 * servlet path instead: {@link MetricsServlet} in Jetty 12 with a 5 s idle timeout. Backs the
 * README's advice to use the servlet path where every bad request must get a status: Jetty
 * parses the request head itself, without a thread per connection, and answers oversized heads
 * with 4xx. Sends each to both servers at once and prints both answers side by side.
 */
class JettyComparisonTest {
  @Test
  void jettyAnswersTheRequestsTheJdkServerCloses() throws Exception {
    CollectorRegistry registry = new CollectorRegistry();
    Counter.builder("events").help("Events").register(registry).inc(7);
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    connector.setIdleTimeout(5000);
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(new MetricsServlet(registry)), "/metrics");
    jetty.setHandler(context);
    jetty.start();
    List<String> rows = new ArrayList<>();
    List<String> notAnswered = new ArrayList<>();
    ExecutorService senders = Executors.newFixedThreadPool(20);
    try (HTTPServer jdk = HTTPServer.builder().host("127.0.0.1").port(0).registry(registry)
        .buildAndStart()) {
      int port = connector.getLocalPort();
      List<BadRequestTest.Case> cases = new ArrayList<>();
      List<Future<BadRequestTest.Outcome>> viaJdk = new ArrayList<>();
      List<Future<BadRequestTest.Outcome>> viaJetty = new ArrayList<>();
      for (BadRequestTest.Case c : BadRequestTest.cases(new Random(11))) {
        // the others the JDK server answers; a silent connection (20 s) is in BadRequestTest
        if (c.sensible().contains(BadRequestTest.CLOSED) && !c.name().startsWith("silent")) {
          cases.add(c);
          viaJdk.add(senders.submit(() -> BadRequestTest.send(jdk.getPort(), c)));
          viaJetty.add(senders.submit(() -> BadRequestTest.send(port, c)));
        }
      }
      for (int i = 0; i < cases.size(); i++) {
        BadRequestTest.Case c = cases.get(i);
        BadRequestTest.Outcome j = viaJdk.get(i).get(60, TimeUnit.SECONDS);
        BadRequestTest.Outcome o = viaJetty.get(i).get(60, TimeUnit.SECONDS);
        rows.add(String.format("  %-28s JDK server: %-6s %5d ms   Jetty: %-6s %5d ms", c.name(),
            BadRequestTest.describe(Set.of(j.status())), j.millis(),
            BadRequestTest.describe(Set.of(o.status())), o.millis()));
        boolean waitsForALine = c.name().contains("only") || c.name().startsWith("unterminated");
        if (!waitsForALine && !(o.status() >= 400 && o.status() < 500)) {
          notAnswered.add(c.name() + " -> " + o.status());
        }
        if (waitsForALine) {
          // like the JDK, Jetty waits for a request line; it closes at its idle timeout
          assertThat(o.status()).as(c.name()).isIn(BadRequestTest.CLOSED, 400, 408);
          assertThat(o.millis()).as(c.name()).isLessThan(20_000);
        }
      }
      try (RawHttp c = new RawHttp(port)) {
        assertThat(c.request("GET", "/metrics").text()).contains("events_total 7.0");
      }
    } finally {
      senders.shutdownNow();
      jetty.stop();
    }
    System.out.println("JettyComparisonTest: requests the JDK server may close, sent to it and to Jetty 12:");
    rows.forEach(System.out::println);
    assertThat(notAnswered).as("oversized or garbage heads Jetty should answer with 4xx").isEmpty();
    assertThat(rows).anyMatch(r -> r.contains("64 KB binary, no line end"))
        .anyMatch(r -> r.contains("1 MB header"));
  }
}
