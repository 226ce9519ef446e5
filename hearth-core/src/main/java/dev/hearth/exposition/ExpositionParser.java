package dev.hearth.exposition;

import dev.hearth.model.MetricSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Parses exposition text into typed snapshots: the inverse of {@link Exposition}.
 *
 * <pre>{@code
 * List<MetricSnapshot<?>> families =
 *     ExpositionParser.parse(text, ExpositionFormat.OPENMETRICS_1_0_0);
 * }</pre>
 *
 * <p>Samples are grouped into data points by their labels: {@code _bucket/_count/_sum/_created}
 * into a {@link dev.hearth.model.HistogramSnapshot}, {@code _total/_created} into a
 * {@link dev.hearth.model.CounterSnapshot}, quantile lines with {@code _count/_sum} into a
 * {@link dev.hearth.model.SummarySnapshot}. Samples without a preceding {@code # TYPE} (or whose
 * name the current family does not allow) form an untyped family of their own, consecutive ones
 * of one name together.
 *
 * <p>Each family appears once (the text format: "all lines for a given metric must be provided as
 * one single group"; OpenMetrics: metric family names are unique), and no two families expose the
 * same name ({@code x} and {@code x_count} of a summary {@code x}, say): a family that appears
 * again or clashes is rejected with its line. So whatever parses can be written in both formats
 * and parses again (but see the gauge {@code x} and counter {@code x_total} below). One exception in text 0.0.4: samples of one name without HELP or TYPE in
 * several groups are merged into one family, as Prometheus reads them (Prometheus' own metrics
 * without metadata interleave a summary's lines).
 *
 * <p><b>Text 0.0.4</b> follows Python prometheus_client's parser conventions, with Prometheus'
 * syntax: {@code # TYPE x_total counter} gives the counter family {@code x}; an {@code x_created}
 * gauge (or untyped) family right after a counter, histogram or summary {@code x} gives its
 * creation times, as Python and Hearth write them in text (its HELP and timestamps are not kept;
 * a series it names must be one of {@code x}'s; elsewhere, as where the Pushgateway sorts it
 * before {@code x_total}, it stays a gauge); {@code x_info} gauges stay gauges; a counter
 * {@code x_total} may follow a gauge {@code x} (Go's process metrics do). OpenMetrics cannot carry
 * such a gauge {@code x} or {@code x_created} beside a counter {@code x}: written as OpenMetrics,
 * they are rejected as a clash. The types are {@code counter, gauge, histogram, summary,
 * untyped}. Blanks and tabs may separate tokens, label lists may end with a comma, other
 * {@code #} comments and blank lines are skipped, a CR ending a sample or TYPE line is ignored, unknown escapes such as {@code \x} are kept as
 * written, the HELP text is everything after the one blank following the name (so it round-trips
 * exactly), and timestamps are milliseconds. Buckets may come in any order; a missing {@code +Inf} bucket is
 * taken from {@code _count}, and when both are present the buckets win.
 *
 * <p><b>OpenMetrics 1.0.0</b> is parsed strictly to the specification's grammar and to Python
 * prometheus_client's checks: {@code # EOF} must end the input, no blank lines, single spaces,
 * no metadata after samples or repeated metadata, units must suffix the name, exemplars only on
 * counter {@code _total} and histogram {@code _bucket} lines, ordered buckets ending with
 * {@code +Inf} matching {@code _count}, state set values 0 or 1, info values 1. Timestamps are
 * seconds, rounded to milliseconds. {@code gaugehistogram} is rejected as the model has no such
 * type. Value ranges (negative counters, non-integer counts) are not checked.
 *
 * <p>Both formats: a series may appear only once per family (no duplicate samples); a missing
 * {@code _sum} (or summary {@code _count}) becomes NaN; a data point takes the timestamp of its
 * first sample.
 *
 * <p>Every malformed input, including arbitrary bytes, fails with a {@link ParseException} naming
 * the line. Parsing takes time linear in the input.
 */
public final class ExpositionParser {
  private ExpositionParser() {}

  /**
   * Parses {@code text} in {@code format}.
   *
   * @throws ParseException when the text is malformed
   */
  public static List<MetricSnapshot<?>> parse(String text, ExpositionFormat format) {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(format, "format");
    return TextParser.parse(text, format);
  }

  /**
   * Reads {@code in} to its end as UTF-8 and parses it. The stream is not closed.
   *
   * @throws ParseException when the bytes are not valid UTF-8 or the text is malformed
   * @throws IOException when reading fails
   */
  public static List<MetricSnapshot<?>> parse(InputStream in, ExpositionFormat format)
      throws IOException {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(format, "format");
    return TextParser.parse(decode(in.readAllBytes()), format);
  }

  /** Strict UTF-8 decoding; malformed bytes fail with the line they are on. */
  static String decode(byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult r = decoder.decode(in, out, true);
    if (!r.isError()) {
      r = decoder.flush(out);
    }
    if (r.isError()) {
      int line = 1;
      for (int i = 0; i < in.position(); i++) {
        if (bytes[i] == '\n') {
          line++;
        }
      }
      throw new ParseException(line, "invalid UTF-8 at byte offset " + in.position());
    }
    out.flip();
    return out.toString();
  }
}
