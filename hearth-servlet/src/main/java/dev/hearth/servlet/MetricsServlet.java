package dev.hearth.servlet;

import dev.hearth.CollectorRegistry;
import dev.hearth.exporter.common.ScrapeHandler;
import dev.hearth.exporter.common.ScrapeResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Enumeration;
import java.util.Map;
import java.util.Objects;

/**
 * Serves a registry from a Jakarta Servlet 6 container, mapped wherever the application wants
 * it (typically {@code /metrics}).
 *
 * <pre>{@code
 * ServletContextHandler context = new ServletContextHandler();
 * context.addServlet(new ServletHolder(new MetricsServlet(registry)), "/metrics");
 * }</pre>
 *
 * <p>{@code GET} and {@code HEAD} answer with the registry in the format the {@code Accept}
 * header prefers (OpenMetrics 1.0.0 with exemplars, or the default text 0.0.4, with that exact
 * {@code Content-Type}), gzipped when {@code Accept-Encoding} allows, restricted to the families
 * named by {@code name[]=} query parameters (at most 100 names of at most 200 characters, else
 * 400), within the scrape timeout (default 30 s, lowered by
 * {@code X-Prometheus-Scrape-Timeout-Seconds}; 503 beyond). Concurrent scrapes share one
 * collection. Other methods get 405 with {@code Allow: GET, HEAD}. Errors are one line of
 * {@code text/plain}, never a stack trace. Authentication and TLS are the container's job. The
 * behaviour is that of {@link ScrapeHandler}, shared with Hearth's HTTP server: the exposition is
 * gzipped as it is written (level 1 by default, large bodies in parallel chunks), and
 * {@code _created} series are left out unless the
 * {@linkplain #MetricsServlet(ScrapeHandler.Builder) configuration} turns them on.
 *
 * <p>The no-argument constructor (for containers that instantiate servlets by class name) serves
 * {@link CollectorRegistry#defaultRegistry()}.
 */
public final class MetricsServlet extends HttpServlet {
  private static final long serialVersionUID = 1L;

  private final transient ScrapeHandler.Builder config;
  private transient volatile ScrapeHandler handler;

  /** Serves {@link CollectorRegistry#defaultRegistry()}. */
  public MetricsServlet() {
    this(CollectorRegistry.defaultRegistry());
  }

  /** Serves {@code registry} with the default 30 s scrape timeout. */
  public MetricsServlet(CollectorRegistry registry) {
    this(registry, Duration.ofSeconds(30));
  }

  /** Serves {@code registry}; a scrape waits for collection at most {@code scrapeTimeout}. */
  public MetricsServlet(CollectorRegistry registry, Duration scrapeTimeout) {
    this(ScrapeHandler.builder().registry(registry)
        .scrapeTimeout(Objects.requireNonNull(scrapeTimeout, "scrapeTimeout")));
  }

  /**
   * Serves as {@code config} describes: registry, scrape timeout, {@code _created} series, gzip
   * level and compression threads (see {@link ScrapeHandler.Builder}). The handler is built in
   * {@link #init()}; later changes to {@code config} do not affect it.
   *
   * <pre>{@code
   * new MetricsServlet(ScrapeHandler.builder().registry(registry).createdSeries(true))
   * }</pre>
   */
  public MetricsServlet(ScrapeHandler.Builder config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  @Override
  public void init() {
    handler = config.build();
  }

  @Override
  public void destroy() {
    ScrapeHandler h = handler;
    if (h != null) {
      h.close();
    }
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String method = req.getMethod();
    ScrapeResponse r;
    ScrapeHandler h = handler;
    if (!method.equals("GET") && !method.equals("HEAD")) {
      resp.setHeader("Allow", "GET, HEAD");
      r = ScrapeResponse.error(405, "method not allowed; use GET or HEAD");
    } else if (h == null) {
      r = ScrapeResponse.error(503, "metrics servlet not initialised");
    } else {
      r = h.scrape(req.getQueryString(), joined(req.getHeaders("Accept")),
          joined(req.getHeaders("Accept-Encoding")),
          req.getHeader("X-Prometheus-Scrape-Timeout-Seconds"));
    }
    resp.setStatus(r.status());
    for (Map.Entry<String, String> e : r.headers().entrySet()) {
      resp.setHeader(e.getKey(), e.getValue());
    }
    resp.setContentLength(r.bodyLength());
    if (!method.equals("HEAD")) {
      r.writeBody(resp.getOutputStream());
    }
  }

  private static String joined(Enumeration<String> values) {
    if (values == null || !values.hasMoreElements()) {
      return null;
    }
    String first = values.nextElement();
    if (!values.hasMoreElements()) {
      return first;
    }
    StringBuilder sb = new StringBuilder(first);
    while (values.hasMoreElements()) {
      sb.append(", ").append(values.nextElement());
    }
    return sb.toString();
  }
}
