package dev.hearth.exporter.common;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A complete answer to a scrape: status, headers and body, ready to be written by an HTTP adapter.
 * Error answers have a one-line {@code text/plain} body and never a stack trace. Immutable.
 */
public final class ScrapeResponse {
  private static final String TEXT = "text/plain; charset=utf-8";

  private final int status;
  private final Map<String, String> headers;
  private final byte[] body;

  ScrapeResponse(int status, Map<String, String> headers, byte[] body) {
    this.status = status;
    this.headers = Collections.unmodifiableMap(headers);
    this.body = body;
  }

  /** A {@code text/plain} answer with {@code message} (and a newline) as its body. */
  public static ScrapeResponse error(int status, String message) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", TEXT);
    return new ScrapeResponse(status, headers, (message + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** The HTTP status code. */
  public int status() {
    return status;
  }

  /**
   * The response headers to set, in order: {@code Content-Type}, and for metrics
   * {@code Content-Encoding} (when gzipped) and {@code Vary}. {@code Content-Length} is
   * {@link #bodyLength()}; adapters set it themselves.
   */
  public Map<String, String> headers() {
    return headers;
  }

  /** The body's length in bytes (after compression). */
  public int bodyLength() {
    return body.length;
  }

  /** Writes the body to {@code out}; does not flush or close it. */
  public void writeBody(OutputStream out) throws IOException {
    out.write(body);
  }

  /** A copy of the body bytes. */
  public byte[] body() {
    return body.clone();
  }
}
