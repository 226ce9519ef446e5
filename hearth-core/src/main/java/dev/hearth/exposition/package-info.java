/**
 * Text exposition of metric snapshots: writing and parsing the Prometheus text format 0.0.4 and
 * OpenMetrics 1.0.0, and choosing between them from an HTTP {@code Accept} header.
 *
 * <pre>{@code
 * ExpositionFormat format = ContentNegotiation.choose(acceptHeader);
 * Exposition.write(out, registry, format);          // streaming, UTF-8
 * List<MetricSnapshot<?>> parsed = ExpositionParser.parse(text, format);
 * }</pre>
 *
 * <p>The text 0.0.4 output is byte-for-byte what Python prometheus_client 0.16 writes for the same
 * data: labels sorted by name, counters as {@code x_total}, creation times in a separate
 * {@code x_created} gauge family, no exemplars or units.
 */
package dev.hearth.exposition;
