package dev.hearth.exposition;

import dev.hearth.CollectorRegistry;
import dev.hearth.model.MetricSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Writes metric snapshots in a text exposition format.
 *
 * <pre>{@code
 * String text = Exposition.generateLatest(registry);   // Prometheus text 0.0.4
 * Exposition.write(out, registry, ExpositionFormat.OPENMETRICS_1_0_0);
 * }</pre>
 *
 * <p>Writing streams: the text is UTF-8 encoded into a buffer that is written to the stream
 * whenever it fills, so memory does not grow with the number of series. Labels are written
 * sorted by name. Floats are formatted as Python prometheus_client does ({@code 1.0},
 * {@code +Inf}, {@code NaN}, {@code 1e+06}).
 *
 * <p>Text 0.0.4 matches Python prometheus_client 0.16's {@code generate_latest} byte for byte:
 * units and exemplars are dropped, counters are named {@code x_total}, info families become
 * {@code x_info} gauges, state sets gauges, unknown families {@code untyped}, and creation times
 * go into a separate {@code x_created} gauge family. Timestamps are integer milliseconds.
 *
 * <p>OpenMetrics 1.0.0 writes {@code # TYPE}, {@code # UNIT} (when set) and {@code # HELP} (when
 * set), {@code _created} samples inside their family, exemplars on counter {@code _total} and
 * histogram {@code _bucket} lines (exemplars of unknown-typed series are dropped, as the format
 * forbids them there), timestamps and creation times as seconds with millisecond decimals, and a
 * final {@code # EOF}. A histogram series with a negative bucket bound is written without
 * {@code _sum} and {@code _count}, as the specification requires.
 *
 * <p>Thread-safe: the methods keep no shared state.
 */
public final class Exposition {
  private Exposition() {}

  /** The registry's current state in Prometheus text format 0.0.4. */
  public static String generateLatest(CollectorRegistry registry) {
    return generateLatest(registry, ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
  }

  /** The registry's current state in {@code format}, as a string. */
  public static String generateLatest(CollectorRegistry registry, ExpositionFormat format) {
    Objects.requireNonNull(registry, "registry");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
    try {
      write(bytes, registry.collect(), format);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // not thrown by ByteArrayOutputStream
    }
    return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
  }

  /**
   * Collects {@code registry} and writes it to {@code out} in {@code format}. The stream is
   * flushed, not closed.
   */
  public static void write(OutputStream out, CollectorRegistry registry, ExpositionFormat format)
      throws IOException {
    Objects.requireNonNull(registry, "registry");
    write(out, registry.collect(), format);
  }

  /**
   * Writes {@code snapshots} to {@code out} in {@code format}. The stream is flushed, not closed.
   *
   * @throws IllegalArgumentException, before anything is written, when two families would
   *     expose one sample name (the same name twice, or e.g. counter {@code x} and gauge
   *     {@code x_total}, histogram {@code h} and gauge {@code h_count}, info {@code i} and gauge
   *     {@code i_info}), naming both
   */
  public static void write(OutputStream out, List<? extends MetricSnapshot<?>> snapshots,
      ExpositionFormat format) throws IOException {
    write(out, snapshots, format, true);
  }

  /**
   * Writes {@code snapshots} to {@code out} in {@code format}, with the {@code _created} series
   * (text 0.0.4: the {@code x_created} gauge families; OpenMetrics: the {@code _created} samples)
   * only when {@code createdSeries} is true. {@link #write(OutputStream, List, ExpositionFormat)}
   * writes them, as Python prometheus_client always does; client_java writes them only when asked.
   * Without them the output is about half the size for counters. The stream is flushed, not closed.
   */
  public static void write(OutputStream out, List<? extends MetricSnapshot<?>> snapshots,
      ExpositionFormat format, boolean createdSeries) throws IOException {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(snapshots, "snapshots");
    Objects.requireNonNull(format, "format");
    ExpositionWriter.write(out, snapshots, format, createdSeries);
  }
}
