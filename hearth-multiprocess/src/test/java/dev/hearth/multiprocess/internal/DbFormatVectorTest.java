package dev.hearth.multiprocess.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.multiprocess.FormatVersion;
import dev.hearth.multiprocess.testing.Vectors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The reader, the writer and the key encoder against files real Python processes wrote. */
class DbFormatVectorTest {
  static final List<String> SCENARIOS = Vectors.SCENARIOS;

  @ParameterizedTest
  @FieldSource("SCENARIOS")
  void readerDetectsTheVersionAndEveryEntry(String scenario) throws Exception {
    FormatVersion expected = Vectors.version(scenario);
    List<Vectors.EntryRow> rows = Vectors.entries(scenario);
    for (Vectors.FileRow f : Vectors.files(scenario)) {
      byte[] data = Vectors.db(scenario, f.name);
      assertThat(Vectors.sha256(data)).isEqualTo(f.sha256);
      ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      int used = DbFileParser.checkHeader(f.name, buf, data.length);
      assertThat(used).isEqualTo(f.used);
      DbFileParser.Parsed p = DbFileParser.parse(f.name, buf, 8, used, null);
      assertThat(p.version).as(f.name).isEqualTo(f.entries == 0 ? null : expected);
      List<Vectors.EntryRow> mine = rows.stream().filter(r -> r.file.equals(f.name))
          .collect(Collectors.toList());
      assertThat(p.entries).hasSize(f.entries).hasSize(mine.size());
      for (int i = 0; i < mine.size(); i++) {
        Vectors.EntryRow r = mine.get(i);
        DbFileParser.RawEntry e = p.entries.get(i);
        assertThat(e.entryOffset).isEqualTo(r.offset);
        assertThat(e.valueOffset).isEqualTo(r.valueOffset);
        assertThat(e.key).isEqualTo(r.key);
        assertThat(DbLayout.padding(r.keyLength)).isEqualTo(r.pad);
        assertThat(buf.getLong(e.valueOffset)).isEqualTo(r.valueBits);
        if (expected == FormatVersion.V2) {
          assertThat(buf.getDouble(e.valueOffset + 8)).isEqualTo(r.timestamp);
        }
      }
    }
  }

  @ParameterizedTest
  @FieldSource("SCENARIOS")
  void keyEncoderReproducesEveryPythonKey(String scenario) {
    for (Vectors.EntryRow r : Vectors.entries(scenario)) {
      DbKey k = DbKey.parse(r.key);
      List<String> names = new ArrayList<>();
      List<String> values = new ArrayList<>();
      for (int i = k.labelCount() - 1; i >= 0; i--) { // reversed: the encoder must sort
        names.add(k.labelName(i));
        values.add(k.labelValue(i));
      }
      assertThat(DbKey.encode(k.metricName(), k.sampleName(), names, values, k.help()))
          .isEqualTo(r.key);
    }
  }

  @ParameterizedTest
  @FieldSource("SCENARIOS")
  void writerProducesByteIdenticalFiles(String scenario, @TempDir Path dir) throws Exception {
    FormatVersion version = Vectors.version(scenario);
    List<Vectors.EntryRow> rows = Vectors.entries(scenario);
    for (Vectors.FileRow f : Vectors.files(scenario)) {
      Path path = dir.resolve(f.name);
      try (MmapDbFile file = MmapDbFile.open(path, version)) {
        for (Vectors.EntryRow r : rows) {
          if (r.file.equals(f.name)) {
            int v = file.valueOffset(r.key);
            assertThat(v).isEqualTo(r.valueOffset);
            file.set(v, r.value());
            if (r.timestamp != null) {
              file.setTimestamp(v, r.timestamp);
            }
          }
        }
        assertThat(file.used()).isEqualTo(f.used);
      }
      byte[] written = Files.readAllBytes(path);
      assertThat(written.length).as(f.name).isEqualTo(f.size);
      assertThat(Vectors.sha256(written)).as(f.name).isEqualTo(f.sha256);
    }
  }

  @ParameterizedTest
  @FieldSource("SCENARIOS")
  void writerContinuesAPythonFile(String scenario, @TempDir Path dir) throws Exception {
    FormatVersion version = Vectors.version(scenario);
    Vectors.FileRow f = Vectors.files(scenario).get(0);
    Vectors.EntryRow first = Vectors.entries(scenario).get(0);
    Path path = dir.resolve(f.name);
    Files.write(path, Vectors.db(scenario, f.name));
    try (MmapDbFile file = MmapDbFile.open(path, version)) {
      assertThat(file.valueOffset(first.key)).isEqualTo(first.valueOffset);
      assertThat(file.get(first.valueOffset)).isEqualTo(first.value());
      assertThat(file.used()).isEqualTo(f.used);
    }
  }
}
