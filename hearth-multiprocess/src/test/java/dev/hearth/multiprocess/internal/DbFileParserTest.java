package dev.hearth.multiprocess.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.multiprocess.FormatVersion;
import dev.hearth.multiprocess.testing.Vectors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strict detection: invalid and ambiguous files are errors naming the file and offset. */
class DbFileParserTest {
  private static final String V1_FILE = "counter_32431.db";

  private static byte[] v1() {
    return Vectors.db("0.16.0/01-counters-histograms-summaries", V1_FILE);
  }

  private static DbFileParser.Parsed parse(String name, byte[] data) throws DbFileException {
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    int used = DbFileParser.checkHeader(name, b, data.length);
    return DbFileParser.parse(name, b, 8, used, null);
  }

  @Test
  void emptyFileIsValidWithoutVersion() throws Exception {
    byte[] data = new byte[65536];
    data[0] = 8;
    DbFileParser.Parsed p = parse("x.db", data);
    assertThat(p.version).isNull();
    assertThat(p.entries).isEmpty();
  }

  @Test
  void truncatedHeader() {
    assertThatThrownBy(() -> parse("counter_1.db", new byte[5]))
        .isInstanceOf(DbFileException.class)
        .hasMessageContaining("counter_1.db at offset 0").hasMessageContaining("truncated");
  }

  @Test
  void usedBeyondTheFile() {
    byte[] data = Arrays.copyOf(v1(), 200); // cut below `used`
    assertThatThrownBy(() -> parse(V1_FILE, data))
        .hasMessageContaining(V1_FILE + " at offset 0").hasMessageContaining("outside");
  }

  @Test
  void corruptedPaddingNamesTheByte() {
    byte[] data = v1();
    int keyLength = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
    data[8 + 4 + keyLength] = 'x';
    assertThatThrownBy(() -> parse(V1_FILE, data))
        .hasMessageContaining(V1_FILE + " at offset")
        .hasMessageContaining("neither a v1 nor a v2 file")
        .hasMessageContaining("padding byte is not a space at offset " + (8 + 4 + keyLength));
  }

  @Test
  void v1FileForcedAsV2Fails() {
    byte[] data = v1();
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    assertThatThrownBy(() -> DbFileParser.parse(V1_FILE, b, 8, b.getInt(0), FormatVersion.V2))
        .isInstanceOf(DbFileException.class).hasMessageContaining(V1_FILE + " at offset");
  }

  @Test
  void v2FileWithOneEntryIsNotMistakenForV1() throws Exception {
    byte[] data = new byte[65536];
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    byte[] key = "[\"a\", \"a\", {}, \"\"]".getBytes(StandardCharsets.US_ASCII);
    b.putInt(8, key.length);
    b.put(12, key);
    int v = (int) DbLayout.valueOffset(8, key.length);
    for (int i = 12 + key.length; i < v; i++) {
      data[i] = ' ';
    }
    b.putInt(0, v + 16);
    assertThat(parse("g.db", data).version).isEqualTo(FormatVersion.V2);
    b.putInt(0, v + 8);
    assertThat(parse("g.db", data).version).isEqualTo(FormatVersion.V1);
  }

  /** Two v1 entries that a v2 walk also reads as two valid entries ending exactly at used. */
  @Test
  void ambiguousFileIsAnError() {
    byte[] data = new byte[65536];
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, 80);
    b.putInt(8, 3);
    b.put(12, "[1]".getBytes(StandardCharsets.US_ASCII));
    data[15] = ' ';
    b.putInt(24, 43); // v1's second entry: key 28..70, pad 71, value 72..79
    Arrays.fill(data, 28, 71, (byte) 'a');
    data[28] = '[';
    b.putInt(32, 27); // v2's second entry: key 36..62, pad 63, value 64..79
    data[36] = '[';
    data[62] = ']';
    data[63] = ' ';
    data[70] = ']';
    data[71] = ' ';
    assertThatThrownBy(() -> parse("counter_9.db", data))
        .isInstanceOf(DbFileException.class)
        .hasMessageContaining("counter_9.db at offset 8")
        .hasMessageContaining("ambiguous");
  }

  @Test
  void badKeyJsonNamesTheEntry() throws Exception {
    byte[] data = new byte[65536];
    ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    byte[] key = "[not json]".getBytes(StandardCharsets.US_ASCII);
    b.putInt(8, key.length);
    b.put(12, key);
    int v = (int) DbLayout.valueOffset(8, key.length);
    for (int i = 12 + key.length; i < v; i++) {
      data[i] = ' ';
    }
    b.putInt(0, v + 16);
    DbFileParser.Parsed p = parse("c.db", data);
    assertThatThrownBy(() -> DbFileParser.parseKey("c.db", p.entries.get(0)))
        .hasMessageContaining("c.db at offset 8").hasMessageContaining("invalid key JSON");
  }

  @Test
  void writerRefusesToContinueAFileOfTheOtherVersion(@TempDir Path dir) throws Exception {
    Path p = dir.resolve(V1_FILE);
    Files.write(p, v1());
    assertThatThrownBy(() -> MmapDbFile.open(p, FormatVersion.V2))
        .isInstanceOf(DbFileException.class)
        .hasMessageContaining(V1_FILE).hasMessageContaining("cannot continue")
        .hasMessageContaining("V2");
  }
}
