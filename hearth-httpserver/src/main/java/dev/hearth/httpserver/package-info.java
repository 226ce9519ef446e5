/**
 * {@link dev.hearth.httpserver.HTTPServer}: a {@code /metrics} endpoint on the JDK's built-in
 * HTTP server, with content negotiation, gzip, {@code name[]} filtering, TLS, authentication and
 * bounded threads.
 *
 * <pre>{@code
 * HTTPServer server = HTTPServer.builder().port(9400).registry(registry).buildAndStart();
 * }</pre>
 */
package dev.hearth.httpserver;
