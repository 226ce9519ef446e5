package dev.hearth.exposition;

import static dev.hearth.exposition.ExpositionFormat.OPENMETRICS_1_0_0;
import static dev.hearth.exposition.ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.hearth.model.MetricSnapshot;
import dev.hearth.testing.RandomCases;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Malformed input either parses or fails with {@link ParseException}: never another exception,
 * never a hang. Each run is guarded by a preemptive timeout.
 */
class ParserFuzzTest {
  private static final Duration LIMIT = Duration.ofSeconds(5);

  /**
   * Parses in both formats, letting only ParseException through; fails on anything else or when
   * both parses together take longer than the limit.
   */
  private static void parseOrReject(byte[] bytes) {
    assertTimeoutPreemptively(LIMIT, () -> {
      for (ExpositionFormat format : ExpositionFormat.values()) {
        try {
          ExpositionParser.parse(new ByteArrayInputStream(bytes), format);
        } catch (ParseException expected) {
          // fine: malformed input
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    });
  }

  private static void parseOrReject(String text) {
    assertTimeoutPreemptively(LIMIT, () -> {
      for (ExpositionFormat format : ExpositionFormat.values()) {
        try {
          ExpositionParser.parse(text, format);
        } catch (ParseException expected) {
          // fine: malformed input
        }
      }
    });
  }

  /** Runs {@code check}, naming {@code input} if it fails. */
  private static void describingInput(Object input, Runnable check) {
    try {
      check.run();
    } catch (AssertionError | RuntimeException | StackOverflowError e) {
      throw new AssertionError(e.getMessage() + "\ninput: " + input, e);
    }
  }

  @Test
  void randomBytes() {
    RandomCases.check(500, r -> {
      byte[] bytes = bytes(r, 400);
      describingInput(Arrays.toString(bytes), () -> parseOrReject(bytes));
    });
  }

  @Test
  void randomText() {
    RandomCases.check(500, r -> {
      String text = text(r);
      describingInput(text, () -> parseOrReject(text));
    });
  }

  @Test
  void mutatedExpositions() {
    RandomCases.check(500, r -> {
      Mutation m = mutation(r);
      byte[] original = m.source.getBytes(StandardCharsets.UTF_8);
      byte[] mutated = m.apply(original);
      describingInput(m, () -> parseOrReject(mutated));
    });
  }

  @Test
  void largeAdversarialInputsStayLinear() {
    StringBuilder labels = new StringBuilder("a{");
    for (int i = 0; i < 100_000; i++) {
      labels.append("l").append(i).append("=\"v\",");
    }
    labels.append("l=\"v\"} 1\n");
    StringBuilder states = new StringBuilder("# TYPE s stateset\n");
    StringBuilder quantiles = new StringBuilder("# TYPE q summary\n");
    StringBuilder buckets = new StringBuilder("# TYPE h histogram\n");
    for (int i = 0; i < 50_000; i++) {
      states.append("s{s=\"").append(i).append("\"} 1\n");
      quantiles.append("q{quantile=\"0.").append(i).append("\"} 1\n");
      buckets.append("h_bucket{le=\"").append(50_000 - i).append("\"} 1\n");
    }
    buckets.append("h_count 1\n");
    String longNumber = "a " + "9".repeat(1_000_000) + "\n";
    // one series with 50,000 labels in two orders (grouping compared them pairwise: quadratic),
    // and an exemplar with 100,000 labels (built into Labels before its length was checked)
    StringBuilder forward = new StringBuilder();
    StringBuilder backward = new StringBuilder();
    for (int i = 0; i < 50_000; i++) {
      forward.append("l").append(i).append("=\"v\",");
      backward.append("l").append(49_999 - i).append("=\"v\",");
    }
    String reordered = "# TYPE h histogram\nh_bucket{" + forward + "le=\"1\"} 1\nh_bucket{" + backward
        + "le=\"+Inf\"} 1\nh_count{" + forward.substring(0, forward.length() - 1) + "} 1\nh_sum{"
        + backward.substring(0, backward.length() - 1) + "} 1\n";
    String exemplar = "# TYPE c counter\nc_total 1 # {" + labels.substring(2, labels.length() - 4)
        + "} 1\n";
    for (String text : List.of(labels.toString(), states.toString(), quantiles.toString(),
        buckets.toString(), longNumber, reordered, exemplar, "a{b=\"" + "\\\\".repeat(500_000) + "\"} 1\n",
        "#".repeat(1_000_000), "\n".repeat(1_000_000))) {
      parseOrReject(text);
      parseOrReject(text + "# EOF\n");
    }
  }

  /**
   * 65,536 series whose label values all have one hash code ("Aa" and "BB" hash alike): the
   * series map must not degrade to a list scanned for every series (about 2 * 10^9 comparisons,
   * minutes; a second or less as a tree). One format, a hang guard of 10 s.
   */
  @Test
  void labelValuesWithOneHashCodeStayFast() {
    StringBuilder colliding = new StringBuilder("# TYPE g gauge\n");
    for (int i = 0; i < 1 << 16; i++) {
      colliding.append("g{v=\"");
      for (int bit = 0; bit < 16; bit++) {
        colliding.append((i >> bit & 1) == 0 ? "Aa" : "BB");
      }
      colliding.append("\"} 1\n");
    }
    String text = colliding.toString();
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThat(
        ExpositionParser.parse(text, PROMETHEUS_TEXT_0_0_4).get(0).dataPoints()).hasSize(1 << 16));
  }

  // ---------------------------------------------------------------- generators

  private static final List<String> TOKENS = List.of("# ", "HELP ", "TYPE ", "UNIT ", "EOF",
      "counter", "histogram", "summary", "stateset", "info", "gauge", "unknown", "untyped", "x",
      "x_total", "x_bucket", "x_count", "x_sum", "x_created", "x_info", "{", "}", "=", "\"", ",",
      "\\", "le", "quantile", " ", "\t", "\n", "\r", "1", "-1.5e3", "+Inf", "NaN", ".", "# {",
      "1700000000.5");

  /** Valid expositions written by other code: the golden files and Python's output. */
  private static final List<String> SOURCES = List.of(
      ExpositionWriterTest.resource("golden/all-types.txt"),
      ExpositionWriterTest.resource("golden/all-types.om.txt"),
      ExpositionWriterTest.resource("python/python-0.0.4.txt"),
      ExpositionWriterTest.resource("python/python-openmetrics.txt"));

  /** Bytes that mean something in an exposition. */
  private static final byte[] SYNTAX_BYTES =
      "{}=\",\\# \n\t.e+-_0123456789".getBytes(StandardCharsets.US_ASCII);

  /** Up to {@code maxLength} arbitrary bytes. */
  private static byte[] bytes(Random r, int maxLength) {
    byte[] bytes = new byte[r.nextInt(maxLength + 1)];
    r.nextBytes(bytes);
    return bytes;
  }

  /** Up to 60 chunks, each a token of the formats or a little Unicode. */
  private static String text(Random r) {
    int n = r.nextInt(61);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(r.nextBoolean() ? RandomCases.pick(r, TOKENS) : Snapshots.unicode(r, 3));
    }
    return sb.toString();
  }

  /** A valid exposition and one byte-level change to it. */
  static final class Mutation {
    final String source;
    final int kind; // 0 replace, 1 insert, 2 delete, 3 truncate
    final double where;
    final byte value;

    Mutation(String source, int kind, double where, byte value) {
      this.source = source;
      this.kind = kind;
      this.where = where;
      this.value = value;
    }

    byte[] apply(byte[] b) {
      if (b.length == 0) {
        return new byte[] {value};
      }
      int i = Math.min(b.length - 1, (int) (where * b.length));
      switch (kind) {
        case 0: {
          byte[] out = b.clone();
          out[i] = value;
          return out;
        }
        case 1: {
          byte[] out = new byte[b.length + 1];
          System.arraycopy(b, 0, out, 0, i);
          out[i] = value;
          System.arraycopy(b, i, out, i + 1, b.length - i);
          return out;
        }
        case 2: {
          byte[] out = new byte[b.length - 1];
          System.arraycopy(b, 0, out, 0, i);
          System.arraycopy(b, i + 1, out, i, b.length - i - 1);
          return out;
        }
        default:
          return Arrays.copyOf(b, i);
      }
    }

    @Override
    public String toString() {
      return "Mutation{kind=" + kind + ", where=" + where + ", value=" + value + ", source=\n"
          + source + "}";
    }
  }

  /**
   * A valid exposition (two times in three a fixed one, else a random one written in either
   * format) and a change of a random kind, place and byte.
   */
  static Mutation mutation(Random r) {
    String source;
    if (RandomCases.weighted(r, 2, 1) == 0) {
      source = RandomCases.pick(r, SOURCES);
    } else {
      List<MetricSnapshot<?>> families = Snapshots.exposition(r, Snapshots.Profile.ANY);
      source = Snapshots.write(families, r.nextBoolean() ? PROMETHEUS_TEXT_0_0_4
          : OPENMETRICS_1_0_0);
    }
    int kind = RandomCases.between(r, 0, 3);
    double where = RandomCases.decimal(r, 0, 1);
    byte value = r.nextBoolean() ? (byte) r.nextInt(256)
        : SYNTAX_BYTES[r.nextInt(SYNTAX_BYTES.length)];
    return new Mutation(source, kind, where, value);
  }
}
