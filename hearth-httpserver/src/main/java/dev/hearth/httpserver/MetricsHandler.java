package dev.hearth.httpserver;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.hearth.exporter.common.ScrapeHandler;
import dev.hearth.exporter.common.ScrapeResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

/** Routes {@code /metrics}, {@code /cardinality}, {@code /-/healthy} and everything else (404). */
final class MetricsHandler implements HttpHandler {
  static final String METRICS = "/metrics";
  static final String HEALTHY = "/-/healthy";
  static final String CARDINALITY = "/cardinality";
  private static final System.Logger LOG = System.getLogger(HTTPServer.class.getName());

  private final ScrapeHandler scrapes;
  private final Credentials credentials; // null: open

  MetricsHandler(ScrapeHandler scrapes, Credentials credentials) {
    this.scrapes = scrapes;
    this.credentials = credentials;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try {
      respond(ex, route(ex));
    } catch (IOException e) {
      throw e; // the client went away; the JDK server closes the connection
    } catch (RuntimeException | Error e) {
      LOG.log(System.Logger.Level.WARNING, "Failed to answer " + ex.getRequestURI(), e);
      if (ex.getResponseCode() == -1) {
        respond(ex, ScrapeResponse.error(500, "internal server error"));
      }
    } finally {
      ex.close();
    }
  }

  private ScrapeResponse route(HttpExchange ex) {
    String path = ex.getRequestURI().getRawPath();
    boolean cardinality = CARDINALITY.equals(path);
    boolean metrics = METRICS.equals(path) || cardinality;
    if (!metrics && !HEALTHY.equals(path)) {
      return ScrapeResponse.error(404, "not found; metrics are at " + METRICS);
    }
    String method = ex.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      ex.getResponseHeaders().set("Allow", "GET, HEAD");
      return ScrapeResponse.error(405, "method " + printable(method) + " not allowed; use GET or HEAD");
    }
    if (!metrics) {
      return ScrapeResponse.error(200, "OK");
    }
    Headers h = ex.getRequestHeaders();
    if (credentials != null && !credentials.accepts(h.getFirst("Authorization"))) {
      ex.getResponseHeaders().set("WWW-Authenticate", credentials.challenge());
      return ScrapeResponse.error(401, "unauthorized");
    }
    if (cardinality) {
      return scrapes.cardinality();
    }
    return scrapes.scrape(ex.getRequestURI().getRawQuery(), joined(h, "Accept"),
        joined(h, "Accept-Encoding"), h.getFirst("X-Prometheus-Scrape-Timeout-Seconds"));
  }

  private static String joined(Headers h, String name) {
    List<String> values = h.get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    return values.size() == 1 ? values.get(0) : String.join(", ", values);
  }

  private static void respond(HttpExchange ex, ScrapeResponse r) throws IOException {
    Headers out = ex.getResponseHeaders();
    for (Map.Entry<String, String> e : r.headers().entrySet()) {
      out.set(e.getKey(), e.getValue());
    }
    if (ex.getRequestMethod().equals("HEAD")) {
      out.set("Content-Length", Integer.toString(r.bodyLength())); // the JDK leaves it to us for HEAD
      ex.sendResponseHeaders(r.status(), -1);
      return;
    }
    int length = r.bodyLength();
    ex.sendResponseHeaders(r.status(), length == 0 ? -1 : length);
    if (length > 0) {
      try (OutputStream body = ex.getResponseBody()) {
        r.writeBody(body);
      }
    }
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && i < 20; i++) {
      char c = s.charAt(i);
      sb.append(c > 0x20 && c < 0x7f ? c : '?');
    }
    return sb.toString();
  }
}
