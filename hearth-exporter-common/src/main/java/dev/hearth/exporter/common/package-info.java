/**
 * The framework-neutral core of a {@code /metrics} endpoint: {@link
 * dev.hearth.exporter.common.ScrapeHandler} turns the request's query string and headers into a
 * complete {@link dev.hearth.exporter.common.ScrapeResponse} that an HTTP adapter writes out.
 *
 * <pre>{@code
 * ScrapeHandler handler = ScrapeHandler.builder().registry(registry).build();
 * ScrapeResponse r = handler.scrape(rawQuery, accept, acceptEncoding, scrapeTimeoutHeader);
 * // set r.status() and r.headers(), then r.writeBody(out)
 * }</pre>
 */
package dev.hearth.exporter.common;
