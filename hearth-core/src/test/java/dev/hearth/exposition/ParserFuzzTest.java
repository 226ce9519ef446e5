package dev.hearth.exposition;

import static dev.hearth.exposition.ExpositionFormat.OPENMETRICS_1_0_0;
import static dev.hearth.exposition.ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.hearth.model.MetricSnapshot;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
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

  @Property(tries = 500)
  void randomBytes(@ForAll @Size(max = 400) byte[] bytes) {
    parseOrReject(bytes);
  }

  @Property(tries = 500)
  void randomText(@ForAll("exposition-ish text") String text) {
    parseOrReject(text);
  }

  @Property(tries = 500)
  void mutatedExpositions(@ForAll("mutations") Mutation m) {
    byte[] original = m.source.getBytes(StandardCharsets.UTF_8);
    byte[] mutated = m.apply(original);
    parseOrReject(mutated);
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
    for (String text : List.of(labels.toString(), states.toString(), quantiles.toString(),
        buckets.toString(), longNumber, "a{b=\"" + "\\\\".repeat(500_000) + "\"} 1\n",
        "#".repeat(1_000_000), "\n".repeat(1_000_000))) {
      parseOrReject(text);
      parseOrReject(text + "# EOF\n");
    }
  }

  @Provide("exposition-ish text")
  Arbitrary<String> text() {
    Arbitrary<String> token = Arbitraries.of("# ", "HELP ", "TYPE ", "UNIT ", "EOF", "counter",
        "histogram", "summary", "stateset", "info", "gauge", "unknown", "untyped", "x", "x_total",
        "x_bucket", "x_count", "x_sum", "x_created", "x_info", "{", "}", "=", "\"", ",", "\\",
        "le", "quantile", " ", "\t", "\n", "\r", "1", "-1.5e3", "+Inf", "NaN", ".", "# {",
        "1700000000.5");
    Arbitrary<String> chunk = Arbitraries.oneOf(token, Snapshots.unicode(3));
    return chunk.list().ofMaxSize(60).map(l -> String.join("", l));
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

  @Provide
  Arbitrary<Mutation> mutations() {
    Arbitrary<String> source = Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.of(ExpositionWriterTest.resource("golden/all-types.txt"),
            ExpositionWriterTest.resource("golden/all-types.om.txt"),
            ExpositionWriterTest.resource("python/python-0.0.4.txt"),
            ExpositionWriterTest.resource("python/python-openmetrics.txt"))),
        Tuple.of(1, Snapshots.expositions(Snapshots.Profile.ANY).flatMap(
            (List<MetricSnapshot<?>> f) -> Arbitraries.of(
                Snapshots.write(f, PROMETHEUS_TEXT_0_0_4),
                Snapshots.write(f, OPENMETRICS_1_0_0)))));
    Arbitrary<Byte> value = Arbitraries.oneOf(
        Arbitraries.bytes(),
        Arbitraries.of("{}=\",\\# \n\t.e+-_0123456789".chars().mapToObj(c -> (byte) c)
            .toArray(Byte[]::new)));
    return Combinators.combine(source, Arbitraries.integers().between(0, 3),
        Arbitraries.doubles().between(0, 1), value).as(Mutation::new);
  }
}
