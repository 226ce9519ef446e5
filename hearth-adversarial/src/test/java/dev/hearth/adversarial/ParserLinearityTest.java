package dev.hearth.adversarial;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.exposition.ExpositionParser;
import dev.hearth.testing.ParserWorkloads;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Parsing time grows linearly with the input (issue 11, item 7: the text parser was quadratic in
 * HELP lines): for HELP-, label- and exemplar-heavy inputs in both formats, parsing twice the input
 * takes at most 2.5 times as long. This is the one timing assertion the issue asks for, made
 * robust for a noisy shared machine:
 *
 * <ul>
 *   <li>it is measured in a JVM of its own with a fixed, pre-touched heap ({@code -Xms1g -Xmx1g
 *       -XX:+AlwaysPreTouch}): in the test JVM, a parse that allocates beyond the committed heap
 *       pays page faults for the fresh memory, which made 8 MB look four to nine times as slow as
 *       4 MB with a linear parser;
 *   <li>the time is the parsing thread's CPU time, so that neither other processes competing for
 *       the cores nor garbage collection on other threads count (wall times are printed too);
 *   <li>inputs of 4 and 8 MB (tens of milliseconds each, where the quadratic parser took seconds),
 *       three warm-up parses of each, a full collection before each timed parse, the best of seven
 *       parses per size, sizes alternating;
 *   <li>up to three attempts, of which the best ratio counts. Quadratic parsing gives a ratio near
 *       4 on every attempt, linear parsing about 2.
 * </ul>
 */
class ParserLinearityTest {
  private static final int SMALL = 4_000_000;
  private static final int WARMUP = 3;
  private static final int RUNS = 7;
  private static final int ATTEMPTS = 3;
  private static final double MAX_RATIO = 2.5;
  private static final String RESULT = "RESULT ";

  /** Per "KIND FORMAT": the best ratio and the attempts' measurements. */
  private static final Map<String, String[]> results = new HashMap<>();

  static List<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (ParserWorkloads.Kind kind : ParserWorkloads.Kind.values()) {
      for (ExpositionFormat format : ExpositionFormat.values()) {
        out.add(Arguments.of(kind, format));
      }
    }
    return out;
  }

  /** Runs {@link #main} in a JVM of its own and collects its results. */
  @BeforeAll
  static void measureInAJvmOfItsOwn() throws IOException, InterruptedException {
    String classPath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    Process p = new ProcessBuilder(java, "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "-cp",
        classPath, ParserLinearityTest.class.getName()).redirectErrorStream(true).start();
    String output;
    try {
      output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("measuring JVM ended").isTrue();
    } finally {
      p.destroyForcibly();
    }
    assertThat(p.exitValue()).as("measuring JVM's exit code, output:%n%s", output).isZero();
    for (String line : output.split("\n")) {
      if (line.startsWith(RESULT)) {
        String[] f = line.substring(RESULT.length()).split(" ", 4);
        results.put(f[0] + " " + f[1], new String[] {f[2], f[3]});
        System.out.println("[hearth-adversarial] parser linearity " + f[0] + " " + f[1] + ": "
            + f[3]);
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void twiceTheInputTakesAtMostTwoAndAHalfTimesAsLong(ParserWorkloads.Kind kind,
      ExpositionFormat format) {
    String[] r = results.get(kind + " " + format);
    assertThat(r).as("a measurement of %s %s", kind, format).isNotNull();
    assertThat(Double.parseDouble(r[0])).as("best ratio of parse times for 2x input (%s)", r[1])
        .isLessThanOrEqualTo(MAX_RATIO);
  }

  /**
   * The measuring JVM: prints {@code RESULT kind format bestRatio attempts} for every case.
   */
  public static void main(String[] args) {
    for (ParserWorkloads.Kind kind : ParserWorkloads.Kind.values()) {
      for (ExpositionFormat format : ExpositionFormat.values()) {
        measure(kind, format);
      }
    }
  }

  private static void measure(ParserWorkloads.Kind kind, ExpositionFormat format) {
    String small = kind.generate(format, SMALL);
    String large = kind.generate(format, 2 * SMALL);
    for (int i = 0; i < WARMUP; i++) {
      ExpositionParser.parse(small, format);
      ExpositionParser.parse(large, format);
    }
    List<String> attempts = new ArrayList<>();
    double best = Double.MAX_VALUE;
    for (int a = 0; a < ATTEMPTS && best > MAX_RATIO; a++) {
      long[] smallNanos = {Long.MAX_VALUE, Long.MAX_VALUE}; // cpu, wall
      long[] largeNanos = {Long.MAX_VALUE, Long.MAX_VALUE};
      for (int i = 0; i < RUNS; i++) {
        time(small, format, smallNanos);
        time(large, format, largeNanos);
      }
      double ratio = (double) largeNanos[0] / smallNanos[0];
      best = Math.min(best, ratio);
      attempts.add(String.format(Locale.ROOT, "%.1f MB in %.1f ms cpu (%.1f ms wall), %.1f MB in "
          + "%.1f ms cpu (%.1f ms wall): %.2f", small.length() / 1e6, smallNanos[0] / 1e6,
          smallNanos[1] / 1e6, large.length() / 1e6, largeNanos[0] / 1e6, largeNanos[1] / 1e6,
          ratio));
    }
    System.out.printf(Locale.ROOT, "%s%s %s %.3f %s%n", RESULT, kind, format, best,
        String.join("; ", attempts));
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Parses {@code text}, keeping the least thread CPU and wall time in {@code best}. */
  private static void time(String text, ExpositionFormat format, long[] best) {
    System.gc();
    long cpu0 = THREADS.getCurrentThreadCpuTime();
    long wall0 = System.nanoTime();
    int families = ExpositionParser.parse(text, format).size();
    long wall = System.nanoTime() - wall0;
    long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
    if (families == 0) {
      throw new IllegalStateException("nothing parsed");
    }
    best[0] = Math.min(best[0], cpu);
    best[1] = Math.min(best[1], wall);
  }
}
