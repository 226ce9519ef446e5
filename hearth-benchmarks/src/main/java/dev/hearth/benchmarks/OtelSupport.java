package dev.hearth.benchmarks;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.ExemplarFilter;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.util.Collection;

/**
 * An OpenTelemetry SDK set up as a Prometheus pull exporter would use it: cumulative temporality,
 * collected on demand. The SDK hands out no-op instruments when no reader is registered, hence
 * this minimal reader. Exemplars are off, as they are (implicitly) in the other libraries here.
 */
final class OtelSupport {
  private OtelSupport() {}

  /** A pull reader with cumulative temporality that collects only when asked. */
  static final class PullReader implements MetricReader {
    private volatile CollectionRegistration registration = CollectionRegistration.noop();

    @Override
    public void register(CollectionRegistration registration) {
      this.registration = registration;
    }

    Collection<MetricData> collect() {
      return registration.collectAllMetrics();
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /** A provider with exemplars off and {@code reader} registered. */
  static SdkMeterProviderBuilder builder(PullReader reader) {
    return SdkMeterProvider.builder()
        .setExemplarFilter(ExemplarFilter.alwaysOff())
        .registerMetricReader(reader);
  }

  /** A provider with exemplars off, {@code reader} and one view for the instrument {@code name}. */
  static SdkMeterProvider withView(PullReader reader, String name, View view) {
    return builder(reader)
        .registerView(InstrumentSelector.builder().setName(name).build(), view)
        .build();
  }
}
