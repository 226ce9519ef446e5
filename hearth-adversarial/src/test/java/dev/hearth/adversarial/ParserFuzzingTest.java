package dev.hearth.adversarial;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.exposition.ExpositionParser;
import dev.hearth.exposition.ParseException;
import dev.hearth.exposition.RandomExpositions;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.testing.ExpositionMutations;
import dev.hearth.testing.RandomCases;
import dev.hearth.testing.WriteParse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Parser fuzzing within a time budget (issue 11): inputs are generated from seeds until the budget
 * is spent, each parsed in both formats on a worker thread with a deadline. Every input must parse
 * or fail with {@link ParseException} (never another exception, never longer than the deadline),
 * and whatever parses must be written and parsed again in both formats ({@link WriteParse}).
 *
 * <p>Inputs, by seed: valid expositions written by Hearth, grammar-aware changes to them
 * ({@link ExpositionMutations}: lines and families moved, repeated or spliced, names swapped,
 * tokens replaced), byte-level changes (bytes replaced, inserted, deleted, runs copied, invalid
 * UTF-8) and random bytes; one input in fifty has a line repeated hundreds of times.
 *
 * <p>System properties: {@code hearth.fuzz.seconds} (budget, default 30), {@code
 * hearth.fuzz.inputMillis} (deadline per input, default 1000), {@code hearth.fuzz.seed} (the run's
 * seed), {@code hearth.fuzz.replay} (run only the input of this seed, as a failure prints it).
 */
class ParserFuzzingTest {
  private static final double BUDGET_SECONDS =
      Double.parseDouble(System.getProperty("hearth.fuzz.seconds", "30"));
  private static final long INPUT_MILLIS =
      Long.parseLong(System.getProperty("hearth.fuzz.inputMillis", "1000"));

  /** One generated input and how it was made. */
  private static final class Input {
    final long seed;
    final String kind;
    final byte[] bytes;

    Input(long seed, String kind, byte[] bytes) {
      this.seed = seed;
      this.kind = kind;
      this.bytes = bytes;
    }
  }

  /** Per-run counts. */
  private static final class Figures {
    long inputs;
    long bytes;
    final long[] parsed = new long[ExpositionFormat.values().length];
    final long[] rejected = new long[ExpositionFormat.values().length];
    long slowestNanos;
  }

  @Test
  void parsersAcceptOrRejectEveryInputInTime() throws InterruptedException {
    String replay = System.getProperty("hearth.fuzz.replay");
    long runSeed = System.getProperty("hearth.fuzz.seed") != null
        ? Long.parseLong(System.getProperty("hearth.fuzz.seed")) : new SplittableRandom().nextLong();
    ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "parser-fuzz-worker");
      t.setDaemon(true); // an input that hangs the parser must not keep the JVM alive
      return t;
    });
    Figures figures = new Figures();
    long start = System.nanoTime();
    try {
      if (replay != null) {
        Input input = input(Long.parseLong(replay));
        System.out.println("replaying " + describe(input));
        run(worker, input, runSeed, 0, figures);
        return;
      }
      SplittableRandom seeds = new SplittableRandom(runSeed);
      long budget = (long) (BUDGET_SECONDS * 1e9);
      while (System.nanoTime() - start < budget) {
        run(worker, input(seeds.nextLong()), runSeed, figures.inputs, figures);
      }
    } finally {
      worker.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "[hearth-adversarial] parser fuzzing: %d inputs (%.1f MB) in "
            + "%.1f s (budget %.0f s, run seed %d): text 0.0.4 parsed %d / rejected %d, "
            + "OpenMetrics parsed %d / rejected %d; slowest input %.1f ms (deadline %d ms)%n",
        figures.inputs, figures.bytes / 1e6, seconds, BUDGET_SECONDS, runSeed,
        figures.parsed[ExpositionFormat.PROMETHEUS_TEXT_0_0_4.ordinal()],
        figures.rejected[ExpositionFormat.PROMETHEUS_TEXT_0_0_4.ordinal()],
        figures.parsed[ExpositionFormat.OPENMETRICS_1_0_0.ordinal()],
        figures.rejected[ExpositionFormat.OPENMETRICS_1_0_0.ordinal()],
        figures.slowestNanos / 1e6, INPUT_MILLIS);
    // a budget spent on very few inputs means the generator or the parser went wrong
    assertThat(figures.inputs).as("inputs tried in %.0f s", BUDGET_SECONDS)
        .isGreaterThanOrEqualTo(Math.min(1000, (long) (BUDGET_SECONDS * 20)));
    // both outcomes must be common, or the inputs test too little
    for (ExpositionFormat f : ExpositionFormat.values()) {
      assertThat(figures.parsed[f.ordinal()]).as("%s inputs that parsed", f)
          .isGreaterThan(figures.inputs / 20);
      assertThat(figures.rejected[f.ordinal()]).as("%s inputs rejected", f)
          .isGreaterThan(figures.inputs / 20);
    }
  }

  /** Checks one input on the worker within the deadline; fails naming its seed otherwise. */
  private static void run(ExecutorService worker, Input input, long runSeed, long index,
      Figures figures) throws InterruptedException {
    long t0 = System.nanoTime();
    Future<boolean[]> result = worker.submit(() -> check(input.bytes));
    boolean[] parsed;
    try {
      parsed = result.get(INPUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      result.cancel(true);
      throw failure(input, runSeed, index, "took longer than " + INPUT_MILLIS + " ms", null);
    } catch (ExecutionException e) {
      throw failure(input, runSeed, index, String.valueOf(e.getCause()), e.getCause());
    }
    long took = System.nanoTime() - t0;
    figures.slowestNanos = Math.max(figures.slowestNanos, took);
    figures.inputs++;
    figures.bytes += input.bytes.length;
    for (ExpositionFormat f : ExpositionFormat.values()) {
      (parsed[f.ordinal()] ? figures.parsed : figures.rejected)[f.ordinal()]++;
    }
  }

  /** Parses in both formats; for each, whether it parsed. Anything but ParseException escapes. */
  private static boolean[] check(byte[] bytes) throws IOException {
    boolean[] parsed = new boolean[ExpositionFormat.values().length];
    for (ExpositionFormat format : ExpositionFormat.values()) {
      List<MetricSnapshot<?>> families;
      try {
        families = ExpositionParser.parse(new ByteArrayInputStream(bytes), format);
      } catch (ParseException rejected) {
        continue;
      }
      parsed[format.ordinal()] = true;
      // valid UTF-8, since it parsed: the same text, checked written and parsed again
      List<MetricSnapshot<?>> again =
          WriteParse.check(new String(bytes, StandardCharsets.UTF_8), format);
      if (again == null || again.size() != families.size()) {
        throw new AssertionError("the same text parsed from a String and from bytes differs");
      }
    }
    return parsed;
  }

  private static AssertionError failure(Input input, long runSeed, long index, String problem,
      Throwable cause) {
    return new AssertionError("parser fuzzing failed on input #" + index + " of run seed "
        + runSeed + ": " + problem + "\nreplay this input: mvn -B -o -pl hearth-adversarial -am "
        + "verify -Dtest=ParserFuzzingTest -Dsurefire.failIfNoSpecifiedTests=false "
        + "-Dhearth.fuzz.replay=" + input.seed + "\n" + describe(input), cause);
  }

  private static String describe(Input input) {
    String text = new String(input.bytes, StandardCharsets.UTF_8);
    String shown = text.length() > 4000 ? text.substring(0, 4000) + "...(" + text.length()
        + " chars)" : text;
    return "input seed " + input.seed + " (" + input.kind + ", " + input.bytes.length
        + " bytes):\n" + shown;
  }

  // ---------------------------------------------------------------- inputs

  /** The input of {@code seed}. */
  static Input input(long seed) {
    Random r = new Random(seed);
    String kind;
    byte[] bytes;
    switch (RandomCases.weighted(r, 15, 50, 25, 10)) {
      case 0:
        kind = "valid";
        bytes = utf8(RandomExpositions.valid(r));
        break;
      case 1:
        kind = "grammar-aware change";
        bytes = utf8(ExpositionMutations.mutate(r, RandomExpositions.valid(r),
            RandomExpositions.valid(r)));
        break;
      case 2:
        kind = "byte-level change";
        bytes = byteChanges(r, utf8(RandomExpositions.valid(r)));
        break;
      default:
        kind = "random bytes";
        bytes = new byte[r.nextInt(2000)];
        r.nextBytes(bytes);
        break;
    }
    if (r.nextInt(50) == 0) {
      kind += ", a line repeated";
      bytes = repeatALine(r, bytes);
    }
    return new Input(seed, kind, bytes);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Bytes that mean something in an exposition, or start invalid UTF-8. */
  private static final byte[] INTERESTING = "{}=\",\\# \n\r\t.e+-_0123456789\u00ff"
      .getBytes(StandardCharsets.ISO_8859_1);

  /** One to eight byte-level changes. */
  private static byte[] byteChanges(Random r, byte[] b) {
    int n = 1 + r.nextInt(8);
    for (int i = 0; i < n; i++) {
      int at = b.length == 0 ? 0 : r.nextInt(b.length);
      byte value = r.nextBoolean() ? (byte) r.nextInt(256) : INTERESTING[r.nextInt(INTERESTING.length)];
      switch (r.nextInt(5)) {
        case 0: // replace
          if (b.length > 0) {
            b = b.clone();
            b[at] = value;
          }
          break;
        case 1: // insert
          b = splice(b, at, 0, new byte[] {value});
          break;
        case 2: // delete a run
          b = splice(b, at, Math.min(b.length - at, 1 + r.nextInt(8)), new byte[0]);
          break;
        case 3: // copy a run elsewhere
          int len = Math.min(b.length - at, 1 + r.nextInt(64));
          b = splice(b, b.length == 0 ? 0 : r.nextInt(b.length), 0, Arrays.copyOfRange(b, at, at + len));
          break;
        default: // truncate
          b = Arrays.copyOf(b, at);
          break;
      }
    }
    return b;
  }

  /** {@code b} with {@code remove} bytes at {@code at} replaced by {@code insert}. */
  private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
    byte[] out = new byte[b.length - remove + insert.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
    return out;
  }

  /** One line of {@code b} repeated 200 to 2,000 times in place. */
  private static byte[] repeatALine(Random r, byte[] b) {
    String text = new String(b, StandardCharsets.ISO_8859_1);
    String[] lines = text.split("\n", -1);
    int which = r.nextInt(lines.length);
    String repeated = (lines[which] + "\n").repeat(200 + r.nextInt(1801));
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines.length; i++) {
      sb.append(i == which ? repeated : lines[i] + (i < lines.length - 1 ? "\n" : ""));
    }
    return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
  }
}
