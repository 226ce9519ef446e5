package dev.hearth.benchmarks;

import dev.hearth.CollectorRegistry;
import dev.hearth.multiprocess.FormatVersion;
import dev.hearth.multiprocess.MmapValueStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Case 7: multi-process mode. An unlabeled counter {@code inc()} and a default-bucket histogram
 * {@code observe()} (the values of {@link HistogramBenchmark}) with values in memory-mapped files
 * ({@link MmapValueStorage}, format v2, in a temporary directory) against the same metrics in
 * memory. Method names are {@code <library>_<call>_<threads>t}; {@code hearthMmap} is the
 * multi-process path. Scores are nanoseconds per call per thread. Target: within 2x of memory.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@State(Scope.Benchmark)
public class MultiProcessBenchmark {
  private Path dir;
  private MmapValueStorage storage;
  private dev.hearth.Counter hearthCounter;
  private dev.hearth.Histogram hearthHistogram;
  private dev.hearth.Counter mmapCounter;
  private dev.hearth.Histogram mmapHistogram;

  @Setup
  public void setup() throws IOException {
    dir = Files.createTempDirectory("hearth-mp-bench");
    storage = MmapValueStorage.builder(dir).format(FormatVersion.V2).processId("bench").build();
    CollectorRegistry registry = new CollectorRegistry();
    hearthCounter = dev.hearth.Counter.builder("requests_total").help("Requests.")
        .register(registry);
    hearthHistogram = dev.hearth.Histogram.builder("request_duration_seconds").help("Latency.")
        .register(registry);
    CollectorRegistry mmapRegistry = new CollectorRegistry();
    mmapCounter = dev.hearth.Counter.builder("requests_total").help("Requests.")
        .storage(storage).register(mmapRegistry);
    mmapHistogram = dev.hearth.Histogram.builder("request_duration_seconds").help("Latency.")
        .storage(storage).register(mmapRegistry);
  }

  @TearDown
  public void tearDown() throws IOException {
    storage.close();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  // ---- 1 thread ----

  @Benchmark
  @Threads(1)
  public void hearth_inc_1t() {
    hearthCounter.inc();
  }

  @Benchmark
  @Threads(1)
  public void hearthMmap_inc_1t() {
    mmapCounter.inc();
  }

  @Benchmark
  @Threads(1)
  public void hearth_observe_1t(HistogramBenchmark.Cursor c) {
    hearthHistogram.observe(c.next());
  }

  @Benchmark
  @Threads(1)
  public void hearthMmap_observe_1t(HistogramBenchmark.Cursor c) {
    mmapHistogram.observe(c.next());
  }

  // ---- 2 threads, same metric ----

  @Benchmark
  @Threads(2)
  @Fork(3)
  public void hearth_inc_2t() {
    hearthCounter.inc();
  }

  @Benchmark
  @Threads(2)
  @Fork(3)
  public void hearthMmap_inc_2t() {
    mmapCounter.inc();
  }

  @Benchmark
  @Threads(2)
  @Fork(3)
  public void hearth_observe_2t(HistogramBenchmark.Cursor c) {
    hearthHistogram.observe(c.next());
  }

  @Benchmark
  @Threads(2)
  @Fork(3)
  public void hearthMmap_observe_2t(HistogramBenchmark.Cursor c) {
    mmapHistogram.observe(c.next());
  }
}
