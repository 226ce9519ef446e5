/**
 * JMH benchmarks of Hearth against Prometheus client_java, Micrometer, the OpenTelemetry SDK and
 * plain {@code LongAdder}/{@code AtomicLong}; see the module's README.md.
 */
package dev.hearth.benchmarks;
