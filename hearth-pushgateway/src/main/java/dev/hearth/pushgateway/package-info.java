/**
 * {@link dev.hearth.pushgateway.PushGateway}: pushes a registry to a Prometheus Pushgateway.
 *
 * <pre>{@code
 * PushGateway.builder().address("127.0.0.1:9091").job("batch").build().push(registry);
 * }</pre>
 */
package dev.hearth.pushgateway;
