package dev.hearth.multiprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.model.CounterSnapshot;
import dev.hearth.model.HistogramSnapshot;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.Sample;
import dev.hearth.model.SummarySnapshot;
import dev.hearth.multiprocess.internal.CompactionJournal;
import dev.hearth.multiprocess.internal.DbFileContents;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Shared by the compaction tests. */
final class CompactionSupport {
  private CompactionSupport() {}

  /** A writer that records {@code n} rounds of {@link LiveInteropTest#record} and is closed. */
  static void deadWriter(Path dir, String id, FormatVersion format, int n) throws IOException {
    try (MmapValueStorage s = MmapValueStorage.builder(dir).processId(id).format(format).build()) {
      LiveInteropTest.record(s, n);
    }
  }

  /** A forked JVM that records {@code n} rounds under {@code id} and exits. */
  static void deadForkedWriter(Path dir, String id, FormatVersion format, int n) throws Exception {
    Process p = LiveInteropTest.forkJvm(dir, id, format.toString().toLowerCase(java.util.Locale.ROOT),
        n, false);
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(err).isZero();
    assertThat(out).contains("done");
  }

  /**
   * The additive samples (counters, histograms, summaries) of one scrape, by name and labels;
   * gauges are left out (compaction deletes dead processes' live gauges on purpose).
   */
  static Map<String, Double> totals(List<MetricSnapshot<?>> families) {
    Map<String, Double> out = new TreeMap<>();
    for (MetricSnapshot<?> f : families) {
      if (f instanceof CounterSnapshot || f instanceof HistogramSnapshot
          || f instanceof SummarySnapshot) {
        if (f.name().equals(MultiProcessCollector.READ_ERRORS)) {
          continue;
        }
        for (Sample s : f.samples()) {
          out.merge(s.name() + s.labels(), s.value(), Double::sum);
        }
      }
    }
    return out;
  }

  static Map<String, Double> totals(Path dir) {
    MultiProcessCollector c = new MultiProcessCollector(dir);
    Map<String, Double> t = totals(c.collect());
    assertThat(c.readErrors()).as("read errors").isEmpty();
    return t;
  }

  /** The totals of {@code n} rounds of {@link LiveInteropTest#record} (over all writers). */
  static Map<String, Double> expected(int n) {
    Map<String, Double> m = new TreeMap<>();
    m.put("interop_requests_total{path=\"/a\"}", 1.0 * n);
    m.put("interop_requests_total{path=\"/b\"}", 0.5 * n);
    m.put("interop_latency_seconds_bucket{le=\"0.5\"}", 1.0 * n);
    m.put("interop_latency_seconds_bucket{le=\"1.0\"}", 2.0 * n);
    m.put("interop_latency_seconds_bucket{le=\"+Inf\"}", 2.0 * n);
    m.put("interop_latency_seconds_count{}", 2.0 * n);
    m.put("interop_latency_seconds_sum{}", 1.0 * n);
    m.put("interop_size_bytes_count{}", 1.0 * n);
    m.put("interop_size_bytes_sum{}", 10.0 * n);
    return m;
  }

  /** The names in {@code dir}, sorted. */
  static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  /** The files of process {@code id} (its .db files and its lock file). */
  static List<String> filesOf(Path dir, String id) throws IOException {
    List<String> out = new ArrayList<>();
    for (String n : files(dir)) {
      String[] owner = Compactor.owner(n);
      if (owner != null && owner[1].equals(id) || n.matches("gauge_[a-z]+_" + id + "\\.db")
          || n.equals(CompactionJournal.processLockName(id))) {
        out.add(n);
      }
    }
    return out;
  }

  /** Asserts no temporary compacted file and no journal is left. */
  static void assertNoLeftovers(Path dir) throws IOException {
    assertThat(files(dir)).noneMatch(n -> n.endsWith(".tmp") || n.contains("journal"));
  }

  /** Reads a .db file as the compactor does. */
  static DbFileContents read(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      return DbFileContents.read(file.getFileName().toString(), f);
    }
  }

  /** The value of the first entry of {@code file} whose key contains {@code fragment}. */
  static double value(Path file, String fragment) throws IOException {
    DbFileContents c = read(file);
    double sum = 0;
    for (int i = 0; i < c.size(); i++) {
      if (c.keys.get(i).contains(fragment)) {
        sum += c.values[i];
      }
    }
    return sum;
  }

  /** Starts a forked {@link CompactionMain}. */
  static Process forkCompaction(String... args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        CompactionMain.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  /** Reads the forked JVM's output (unbuffered) up to and including the line {@code line}. */
  static void awaitLine(Process p, String line) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c; (c = p.getInputStream().read()) >= 0; ) {
      if (c != '\n') {
        sb.append((char) c);
      } else if (sb.toString().equals(line)) {
        return;
      } else {
        sb.setLength(0);
      }
    }
    throw new AssertionError("the forked JVM ended without printing " + line + ": " + sb);
  }

  /** Waits for a forked JVM, returning its exit status; its output goes to {@code out}. */
  static int finish(Process p, StringBuilder out) throws Exception {
    p.getOutputStream().close();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        out.append(line).append('\n');
      }
    }
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("forked JVM finished").isTrue();
    return p.exitValue();
  }
}
