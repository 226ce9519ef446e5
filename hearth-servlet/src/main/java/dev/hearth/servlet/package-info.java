/**
 * {@link dev.hearth.servlet.MetricsServlet}: a Jakarta Servlet 6 {@code /metrics} endpoint with
 * the same content negotiation, gzip and {@code name[]} filtering as Hearth's HTTP server.
 *
 * <pre>{@code
 * context.addServlet(new ServletHolder(new MetricsServlet(registry)), "/metrics");
 * }</pre>
 */
package dev.hearth.servlet;
