package dev.hearth.exposition;

/**
 * The text exposition formats Hearth writes and parses.
 *
 * <pre>{@code
 * ExpositionFormat f = ContentNegotiation.choose(request.getHeader("Accept"));
 * response.setContentType(f.contentType());
 * Exposition.write(response.getOutputStream(), registry, f);
 * }</pre>
 */
public enum ExpositionFormat {
  /** The Prometheus text format 0.0.4, as Python prometheus_client's {@code generate_latest} writes it. */
  PROMETHEUS_TEXT_0_0_4("text/plain; version=0.0.4; charset=utf-8"),
  /** OpenMetrics 1.0.0 text, terminated by {@code # EOF}. */
  OPENMETRICS_1_0_0("application/openmetrics-text; version=1.0.0; charset=utf-8");

  private final String contentType;

  ExpositionFormat(String contentType) {
    this.contentType = contentType;
  }

  /** The HTTP {@code Content-Type} header value of this format. */
  public String contentType() {
    return contentType;
  }
}
