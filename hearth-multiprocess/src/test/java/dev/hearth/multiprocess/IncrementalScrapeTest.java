package dev.hearth.multiprocess;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.CollectorRegistry;
import dev.hearth.multiprocess.internal.DbKey;
import dev.hearth.multiprocess.internal.DbLayout;
import dev.hearth.multiprocess.internal.ScanFile;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's incremental reads of files written by another program (here a minimal writer
 * doing what Python's {@code MmapedDict} does, so the collector cannot use a writer's mapping in
 * this JVM): new entries, growth, values changing between scrapes, a file replaced under the
 * same name, a file truncated under the collector.
 */
class IncrementalScrapeTest {

  /** Python's writer, reduced: v1 entries appended, the file doubled when an entry does not fit. */
  static final class ForeignWriter implements AutoCloseable {
    final RandomAccessFile file;
    long capacity;
    int used = DbLayout.HEADER_SIZE;
    final Map<String, Integer> offsets = new java.util.HashMap<>();

    ForeignWriter(Path path) throws IOException {
      file = new RandomAccessFile(path.toFile(), "rw");
      capacity = DbLayout.INITIAL_SIZE;
      file.setLength(capacity);
      writeInt(0, used);
    }

    void set(String key, double value) throws IOException {
      Integer at = offsets.get(key);
      if (at == null) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        long length = DbLayout.entryLength(k.length, FormatVersion.V1);
        while (used + length > capacity) {
          capacity *= 2;
          file.setLength(capacity);
        }
        ByteBuffer b = ByteBuffer.allocate((int) length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(k.length).put(k);
        for (int i = 0; i < DbLayout.padding(k.length); i++) {
          b.put(DbLayout.PAD_BYTE);
        }
        at = b.position() + used;
        b.putDouble(value);
        file.seek(used);
        file.write(b.array());
        used += (int) length;
        writeInt(0, used); // the entry first, then used: as Python
        offsets.put(key, at);
      } else {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(value);
        file.seek(at);
        file.write(b.array());
      }
    }

    private void writeInt(long at, int v) throws IOException {
      file.seek(at);
      file.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    @Override
    public void close() throws IOException {
      file.close();
    }
  }

  static String key(String metric, String label) {
    return DbKey.encode(metric, metric + "_total", List.of("k"), List.of(label), "Help.");
  }

  @Test
  void newEntriesGrowthAndValueChangesAreSeen(@TempDir Path dir) throws Exception {
    MultiProcessCollector collector = new MultiProcessCollector(dir);
    CollectorRegistry r = new CollectorRegistry();
    r.register(collector);
    try (ForeignWriter w = new ForeignWriter(dir.resolve("counter_1.db"))) {
      w.set(key("reqs", "a"), 1);
      assertThat(r.getSampleValue("reqs_total", Map.of("k", "a"))).isEqualTo(1.0);
      w.set(key("reqs", "a"), 5);
      assertThat(r.getSampleValue("reqs_total", Map.of("k", "a"))).isEqualTo(5.0);
      for (int i = 0; i < 3000; i++) { // ~56 bytes each: the file doubles twice
        w.set(key("reqs", "s" + i), i);
      }
      assertThat(Files.size(dir.resolve("counter_1.db"))).isGreaterThan(2L * DbLayout.INITIAL_SIZE);
      assertThat(r.getSampleValue("reqs_total", Map.of("k", "s2999"))).isEqualTo(2999.0);
      w.set(key("reqs", "s0"), 42);
      w.set(key("reqs", "a"), 6);
      assertThat(r.getSampleValue("reqs_total", Map.of("k", "s0"))).isEqualTo(42.0);
      assertThat(r.getSampleValue("reqs_total", Map.of("k", "a"))).isEqualTo(6.0);
    }
    assertThat(collector.cacheOf("counter_1.db").fullParses()).isEqualTo(1);
    assertThat(collector.readErrors()).isEmpty();
  }

  @Test
  void aFileReplacedUnderItsNameIsReadAnew(@TempDir Path dir) throws Exception {
    CollectorRegistry r = new CollectorRegistry();
    r.register(new MultiProcessCollector(dir));
    Path f = dir.resolve("counter_1.db");
    try (ForeignWriter w = new ForeignWriter(f)) {
      w.set(key("reqs", "a"), 1);
      w.set(key("reqs", "b"), 2);
    }
    assertThat(r.getSampleValue("reqs_total", Map.of("k", "a"))).isEqualTo(1.0);
    Files.delete(f);
    try (ForeignWriter w = new ForeignWriter(f)) { // same key lengths, other order and values
      w.set(key("reqs", "b"), 20);
      w.set(key("reqs", "a"), 10);
    }
    assertThat(r.getSampleValue("reqs_total", Map.of("k", "a"))).isEqualTo(10.0);
    assertThat(r.getSampleValue("reqs_total", Map.of("k", "b"))).isEqualTo(20.0);
  }

  @Test
  void aFileTruncatedUnderTheCollectorIsAReadErrorNotACrash(@TempDir Path dir) throws Exception {
    MultiProcessCollector collector = new MultiProcessCollector(dir);
    CollectorRegistry r = new CollectorRegistry();
    r.register(collector);
    try (ForeignWriter w = new ForeignWriter(dir.resolve("counter_1.db"));
        ForeignWriter other = new ForeignWriter(dir.resolve("counter_2.db"))) {
      w.set(key("reqs", "a"), 1);
      other.set(key("reqs", "a"), 2);
      assertThat(r.getSampleValue("reqs_total", Map.of("k", "a"))).isEqualTo(3.0);
      w.file.setLength(16); // shorter than what was read before
      assertThat(r.getSampleValue("reqs_total", Map.of("k", "a"))).isEqualTo(2.0);
      assertThat(collector.readErrors()).containsOnlyKeys("counter_1.db");
      assertThat(r.getSampleValue("hearth_multiprocess_read_errors_total",
          Map.of("file", "counter_1.db"))).isGreaterThanOrEqualTo(1.0);
    }
  }

  @Test
  void filesOfOneProgramShareTheirKeysAndStillMergeExactly(@TempDir Path dir) throws Exception {
    // p1..p3 write the same keys in the same order (p2 one more in the middle); p4 is v2 with the
    // same keys as the v1 files: its version is detected on its own
    for (int p = 1; p <= 4; p++) {
      try (MmapValueStorage s = MmapValueStorage.builder(dir).processId("p" + p)
          .format(p == 4 ? FormatVersion.V2 : FormatVersion.V1).build()) {
        dev.hearth.Counter c = dev.hearth.Counter.builder("reqs").help("Help.").labelNames("k")
            .storage(s).build();
        c.labels("a").inc(p);
        if (p == 2) {
          c.labels("extra").inc(100);
        }
        c.labels("b").inc(10 * p);
      }
    }
    MultiProcessCollector collector = new MultiProcessCollector(dir);
    CollectorRegistry r = new CollectorRegistry();
    r.register(collector);
    for (int scrape = 0; scrape < 2; scrape++) { // a first read, then a repeated one
      assertThat(r.getSampleValue("reqs_total", Map.of("k", "a"))).isEqualTo(10.0);
      assertThat(r.getSampleValue("reqs_total", Map.of("k", "b"))).isEqualTo(100.0);
      assertThat(r.getSampleValue("reqs_total", Map.of("k", "extra"))).isEqualTo(100.0);
    }
    assertThat(collector.readErrors()).isEmpty();
    assertThat(collector.cacheOf("counter_p4.db").version()).isEqualTo(FormatVersion.V2);
    assertThat(collector.sharedKeys()).isEqualTo(3);
  }

  @Test
  void aFirstScrapeOfManyNewFilesMergesExactly(@TempDir Path dir) throws Exception {
    // 12 processes: v1 and v2, one with an extra series in the middle, gauges, and one corrupt
    // file, which costs only itself
    double a = 0;
    double b = 0;
    for (int p = 1; p <= 12; p++) {
      try (MmapValueStorage s = MmapValueStorage.builder(dir).processId("p" + p)
          .format(p % 5 == 0 ? FormatVersion.V2 : FormatVersion.V1).build()) {
        dev.hearth.Counter c = dev.hearth.Counter.builder("reqs").help("Help.").labelNames("k")
            .storage(s).build();
        dev.hearth.Gauge g = dev.hearth.Gauge.builder("temp").help("Help.")
            .multiprocessMode(dev.hearth.MultiprocessMode.MAX).storage(s).build();
        for (int i = 0; i < 50; i++) {
          c.labels("s" + i).inc(p);
          if (p == 7 && i == 20) {
            c.labels("only7").inc(70);
          }
        }
        c.labels("a").inc(p);
        c.labels("b").inc(2 * p);
        g.set(p);
        a += p;
        b += 2 * p;
      }
    }
    Files.write(dir.resolve("counter_zz.db"), new byte[] {64, 0, 0, 0, 1, 0, 0, 0, 9, 9});
    MultiProcessCollector collector = new MultiProcessCollector(dir);
    CollectorRegistry r = new CollectorRegistry();
    r.register(collector);
    for (int scrape = 0; scrape < 2; scrape++) {
      assertThat(r.getSampleValue("reqs_total", Map.of("k", "a"))).isEqualTo(a);
      assertThat(r.getSampleValue("reqs_total", Map.of("k", "b"))).isEqualTo(b);
      assertThat(r.getSampleValue("reqs_total", Map.of("k", "s49"))).isEqualTo(78.0);
      assertThat(r.getSampleValue("reqs_total", Map.of("k", "only7"))).isEqualTo(70.0);
      assertThat(r.getSampleValue("temp")).isEqualTo(12.0);
    }
    assertThat(collector.readErrors()).containsOnlyKeys("counter_zz.db");
    assertThat(collector.cacheOf("counter_p5.db").version()).isEqualTo(FormatVersion.V2);
  }

  @Test
  void aFileWithABadKeyCostsOnlyItself(@TempDir Path dir) throws Exception {
    // the first counter file walks fine and has the others' 30 keys, but its last key is not
    // valid JSON: it is an error, the others still count
    for (int p = 0; p < 10; p++) {
      try (ForeignWriter w = new ForeignWriter(dir.resolve(String.format("counter_p%02d.db", p)))) {
        for (int i = 0; i < 30; i++) {
          w.set(key("reqs", "s" + i), p);
        }
        if (p == 0) {
          w.set("[\"reqs\", \"reqs_total\", {\"k\": 5}, \"Help.\"]", 1000);
        }
      }
    }
    MultiProcessCollector collector = new MultiProcessCollector(dir);
    CollectorRegistry r = new CollectorRegistry();
    r.register(collector);
    for (int scrape = 0; scrape < 2; scrape++) {
      assertThat(r.getSampleValue("reqs_total", Map.of("k", "s0"))).isEqualTo(45.0);
      assertThat(r.getSampleValue("reqs_total", Map.of("k", "s29"))).isEqualTo(45.0);
    }
    assertThat(collector.readErrors()).containsOnlyKeys("counter_p00.db");
    assertThat(collector.sharedKeys()).isEqualTo(30);
  }

  @Test
  void filesWithTheSameKeysThenAppendingDifferentOnesStayApart(@TempDir Path dir)
      throws Exception {
    // both files have the same keys: when both append different keys later, neither may see
    // the other's
    MultiProcessCollector collector = new MultiProcessCollector(dir);
    CollectorRegistry r = new CollectorRegistry();
    r.register(collector);
    try (ForeignWriter a = new ForeignWriter(dir.resolve("counter_a.db"));
        ForeignWriter b = new ForeignWriter(dir.resolve("counter_b.db"))) {
      for (int i = 0; i < 10; i++) {
        a.set(key("reqs", "s" + i), 1);
        b.set(key("reqs", "s" + i), 2);
      }
      assertThat(r.getSampleValue("reqs_total", Map.of("k", "s9"))).isEqualTo(3.0);
      for (int scrape = 0; scrape < 3; scrape++) {
        a.set(key("reqs", "onlyA" + scrape), 10);
        b.set(key("reqs", "onlyB" + scrape), 20);
        for (int s = 0; s <= scrape; s++) {
          assertThat(r.getSampleValue("reqs_total", Map.of("k", "onlyA" + s))).isEqualTo(10.0);
          assertThat(r.getSampleValue("reqs_total", Map.of("k", "onlyB" + s))).isEqualTo(20.0);
        }
        assertThat(r.getSampleValue("reqs_total", Map.of("k", "s0"))).isEqualTo(3.0);
      }
    }
    assertThat(collector.readErrors()).isEmpty();
  }

  @Test
  void filesLargerThanOneReadAreReadWhole(@TempDir Path dir) throws Exception {
    // 12000 entries of about 56 bytes: several read chunks per file, alone and with 8 more files
    Path one = Files.createDirectory(dir.resolve("one"));
    Path many = Files.createDirectory(dir.resolve("many"));
    for (int p = 0; p < 9; p++) {
      try (ForeignWriter w = new ForeignWriter(many.resolve("counter_p" + p + ".db"));
          ForeignWriter single = p == 0 ? new ForeignWriter(one.resolve("counter_p0.db")) : null) {
        for (int i = 0; i < 12000; i++) {
          w.set(key("reqs", "s" + i), i + p);
          if (single != null) {
            single.set(key("reqs", "s" + i), i);
          }
        }
      }
    }
    assertThat(Files.size(many.resolve("counter_p0.db"))).isGreaterThan(2L * ScanFile.ReadBuffer.MAX);
    CollectorRegistry r1 = new CollectorRegistry();
    r1.register(new MultiProcessCollector(one));
    CollectorRegistry r9 = new CollectorRegistry();
    r9.register(new MultiProcessCollector(many));
    for (int scrape = 0; scrape < 2; scrape++) {
      assertThat(r1.getSampleValue("reqs_total", Map.of("k", "s0"))).isEqualTo(0.0);
      assertThat(r1.getSampleValue("reqs_total", Map.of("k", "s11999"))).isEqualTo(11999.0);
      assertThat(r9.getSampleValue("reqs_total", Map.of("k", "s0"))).isEqualTo(36.0);
      assertThat(r9.getSampleValue("reqs_total", Map.of("k", "s11999")))
          .isEqualTo(9 * 11999 + 36.0);
    }
  }
}
