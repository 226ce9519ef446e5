package dev.hearth.exporter.common;

import static dev.hearth.exporter.common.GzipEncoder.CHUNK;
import static dev.hearth.exporter.common.GzipEncoder.WINDOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.testing.Peers;
import dev.hearth.testing.RandomCases;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GzipEncoderTest {
  private static final int[] BOUNDARIES = {
    0, 1, 2, WINDOW - 1, WINDOW, WINDOW + 1, CHUNK - 1, CHUNK, CHUNK + 1, CHUNK + WINDOW,
    2 * CHUNK - 1, 2 * CHUNK, 2 * CHUNK + 1, 5 * CHUNK + 7
  };

  private static ExecutorService pool;

  @BeforeAll
  static void startPool() {
    pool = Executors.newFixedThreadPool(3, r -> {
      Thread t = new Thread(r, "gzip-test-helper");
      t.setDaemon(true);
      return t;
    });
  }

  @AfterAll
  static void stopPool() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  /** Text like an exposition (compressible), random bytes (not), or a mix of both. */
  static byte[] content(Random r, int size) {
    byte[] b = new byte[size];
    int kind = r.nextInt(3);
    int i = 0;
    while (i < size) {
      boolean text = kind == 0 || (kind == 2 && r.nextBoolean());
      byte[] piece;
      if (text) {
        piece = ("requests_" + r.nextInt(10) + "_total{method=\"GET\",path=\"/api/"
            + r.nextInt(200) + "\"} " + r.nextInt(1000) + ".0\n").getBytes(StandardCharsets.UTF_8);
      } else {
        piece = new byte[1 + r.nextInt(3000)];
        r.nextBytes(piece);
      }
      int n = Math.min(piece.length, size - i);
      System.arraycopy(piece, 0, b, i, n);
      i += n;
    }
    return b;
  }

  /** Writes {@code input} in random pieces (single bytes too) and returns the gzip body. */
  static byte[] encode(Random r, Supplier<GzipEncoder> encoders, byte[] input) throws IOException {
    GzipEncoder out = encoders.get();
    int i = 0;
    while (i < input.length) {
      if (r.nextInt(8) == 0) {
        out.write(input[i++]);
        continue;
      }
      int n = Math.min(input.length - i, 1 + r.nextInt(r.nextBoolean() ? 100 : 3 * CHUNK / 2));
      out.write(input, i, n);
      i += n;
    }
    return out.finish();
  }

  /**
   * Checks that {@code body} is exactly one gzip member (header, one deflate stream ending in a
   * final block, CRC-32 and length of {@code input}) that inflates to {@code input}, and that
   * {@link GZIPInputStream} reads it back too.
   */
  static void assertOneMemberOf(byte[] body, byte[] input) {
    assertThat(body.length).isGreaterThanOrEqualTo(20);
    assertThat(body[0]).isEqualTo((byte) 0x1f);
    assertThat(body[1]).isEqualTo((byte) 0x8b);
    assertThat(body[2]).isEqualTo((byte) 8);
    assertThat(body[3]).as("flags").isEqualTo((byte) 0);
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(body, 10, body.length - 10);
      byte[] out = new byte[input.length + 1];
      int n = 0;
      while (!inflater.finished()) {
        int k = inflater.inflate(out, n, out.length - n);
        assertThat(k > 0 || !inflater.needsInput()).as("truncated deflate stream").isTrue();
        n += k;
      }
      assertThat(n).isEqualTo(input.length);
      assertThat(java.util.Arrays.equals(out, 0, n, input, 0, input.length)).isTrue();
      assertThat(inflater.getRemaining()).as("bytes after the deflate stream").isEqualTo(8);
    } catch (DataFormatException e) {
      throw new AssertionError("invalid deflate stream", e);
    } finally {
      inflater.end();
    }
    CRC32 crc = new CRC32();
    crc.update(input);
    assertThat(littleEndian(body, body.length - 8)).isEqualTo((int) crc.getValue());
    assertThat(littleEndian(body, body.length - 4)).isEqualTo(input.length);
    assertThat(gunzip(body)).isEqualTo(input);
  }

  static byte[] gunzip(byte[] body) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int littleEndian(byte[] b, int pos) {
    return (b[pos] & 0xff) | (b[pos + 1] & 0xff) << 8 | (b[pos + 2] & 0xff) << 16
        | (b[pos + 3] & 0xff) << 24;
  }

  private static int size(Random r) {
    return r.nextBoolean() ? BOUNDARIES[r.nextInt(BOUNDARIES.length)]
        : RandomCases.between(r, 0, 6 * CHUNK);
  }

  @Test
  void decompressesToExactlyTheInputForManySizes() {
    RandomCases.check(80, r -> {
      int helpers = RandomCases.pick(r, 0, 1, 3);
      int level = 1 + r.nextInt(9);
      try {
        byte[] input = content(r, size(r));
        assertOneMemberOf(encode(r, () -> new GzipEncoder(level, pool, helpers), input), input);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  @Test
  void everyBoundarySizeAtEveryHelperCount() throws IOException {
    Random r = new Random(7);
    for (int helpers : new int[] {0, 1, 3}) {
      for (int size : BOUNDARIES) {
        byte[] input = content(r, size);
        assertOneMemberOf(encode(r, () -> new GzipEncoder(Deflater.BEST_SPEED, pool, helpers),
            input), input);
      }
    }
  }

  @Test
  void chunksAreOfferedToHelpersButNeverWaitForThem() throws IOException {
    List<Runnable> offered = new ArrayList<>();
    // a pool that accepts every chunk and never runs one: the writer must compress them all
    Random r = new Random(11);
    byte[] input = content(r, 7 * CHUNK + 5);
    assertOneMemberOf(encode(r, () -> new GzipEncoder(1, offered::add, 2), input), input);
    assertThat(offered).as("full chunks offered to the helpers").hasSize(7);
    offered.forEach(Runnable::run); // late helpers find their chunks taken and do nothing
    // a pool that refuses: the same
    Executor refusing = task -> {
      throw new RejectedExecutionException("shut down");
    };
    assertOneMemberOf(encode(r, () -> new GzipEncoder(1, refusing, 2), input), input);
  }

  @Test
  void pythonAndGzipAcceptTheStream(@TempDir Path dir) throws IOException, InterruptedException {
    Peers.requirePython();
    Peers.require(Peers.succeeds(List.of("gzip", "--version")), "gzip (the command) is not installed");
    Random r = new Random(13);
    for (int size : new int[] {0, CHUNK + 1, 3 * CHUNK + WINDOW + 3}) {
      byte[] input = content(r, size);
      byte[] body = encode(r, () -> new GzipEncoder(1, pool, 3), input);
      Path file = dir.resolve("body-" + size + ".gz");
      Files.write(file, body);
      Peers.Result t = Peers.run(List.of("gzip", "-t", file.toString()), new byte[0], dir, 30);
      assertThat(t.exitCode).as("gzip -t: %s", t.stderr).isZero();
      // Python: exactly one member, nothing after it, the same bytes
      String script = "import sys, zlib\n"
          + "data = sys.stdin.buffer.read()\n"
          + "d = zlib.decompressobj(31)\n"
          + "out = d.decompress(data) + d.flush()\n"
          + "assert d.eof and d.unused_data == b'', 'not exactly one gzip member'\n"
          + "sys.stdout.write('%d %d' % (len(out), zlib.crc32(out)))\n";
      Peers.Result p = Peers.run(List.of(Peers.python(), "-c", script), body, dir, 30);
      assertThat(p.exitCode).as("python: %s", p.stderr).isZero();
      CRC32 crc = new CRC32();
      crc.update(input);
      assertThat(p.stdout.trim()).isEqualTo(input.length + " " + crc.getValue());
    }
  }

  @Test
  void chunkedBodyIsAboutAsSmallAsOneStream() throws IOException {
    // the preset dictionary keeps matches across chunk cuts: the cost is a few bytes per chunk
    Random r = new Random(17);
    StringBuilder sb = new StringBuilder();
    while (sb.length() < 6 * CHUNK) {
      sb.append("requests_total{method=\"GET\",path=\"/api/").append(r.nextInt(300))
          .append("\"} ").append(r.nextInt(1000)).append(".0\n");
    }
    byte[] input = sb.toString().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream one = new ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(one)) {
      gz.write(input);
    }
    for (int helpers : new int[] {0, 3}) { // chunks continued by one deflater, or primed ones
      int chunked = encode(r, () -> new GzipEncoder(6, pool, helpers), input).length;
      assertThat((double) chunked).as("helpers %d", helpers).isLessThan(one.size() * 1.01 + 64);
    }
  }
}
