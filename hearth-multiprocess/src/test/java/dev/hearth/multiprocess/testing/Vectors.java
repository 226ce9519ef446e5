package dev.hearth.multiprocess.testing;

import dev.hearth.multiprocess.FormatVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** The Python prometheus_client test vectors under {@code src/test/resources/python-multiproc}. */
public final class Vectors {
  private Vectors() {}

  /** The scenario folders of both versions, e.g. {@code 0.16.0/01-counters-histograms-summaries}. */
  public static final List<String> SCENARIOS = List.of(
      "0.16.0/01-counters-histograms-summaries", "0.16.0/02-gauges-all-modes",
      "0.16.0/03-file-growth", "0.16.0/04-quirks",
      "0.25.0/01-counters-histograms-summaries", "0.25.0/02-gauges-all-modes",
      "0.25.0/03-file-growth", "0.25.0/04-quirks");

  /** The format a scenario's files use. */
  public static FormatVersion version(String scenario) {
    return scenario.startsWith("0.16.0") ? FormatVersion.V1 : FormatVersion.V2;
  }

  /** A text resource of a scenario. */
  public static String text(String scenario, String file) {
    return new String(bytes("/python-multiproc/" + scenario + "/" + file), StandardCharsets.UTF_8);
  }

  static byte[] bytes(String resource) {
    try (InputStream in = Vectors.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One row of files.tsv. */
  public static final class FileRow {
    public final String name;
    public final long size;
    public final int used;
    public final int entries;
    public final String sha256;

    FileRow(String[] f) {
      name = f[0];
      size = Long.parseLong(f[1]);
      used = Integer.parseInt(f[2]);
      entries = Integer.parseInt(f[3]);
      sha256 = f[4];
    }
  }

  /** One row of entries.tsv. */
  public static final class EntryRow {
    public final String file;
    public final int offset;
    public final int keyLength;
    public final int pad;
    public final int valueOffset;
    public final long valueBits;
    public final String valueRepr;
    public final Double timestamp; // null in v1
    public final String key;

    EntryRow(String[] f) {
      file = f[0];
      offset = Integer.parseInt(f[1]);
      keyLength = Integer.parseInt(f[2]);
      pad = Integer.parseInt(f[3]);
      valueOffset = Integer.parseInt(f[4]);
      valueBits = Long.reverseBytes(Long.parseUnsignedLong(f[5], 16));
      valueRepr = f[6];
      timestamp = f[7].isEmpty() ? null : Double.valueOf(f[7]);
      key = f[8];
    }

    public double value() {
      return Double.longBitsToDouble(valueBits);
    }
  }

  /** files.tsv of a scenario. */
  public static List<FileRow> files(String scenario) {
    List<FileRow> out = new ArrayList<>();
    for (String[] f : rows(scenario, "files.tsv", 5)) {
      out.add(new FileRow(f));
    }
    return out;
  }

  /** entries.tsv of a scenario. */
  public static List<EntryRow> entries(String scenario) {
    List<EntryRow> out = new ArrayList<>();
    for (String[] f : rows(scenario, "entries.tsv", 9)) {
      out.add(new EntryRow(f));
    }
    return out;
  }

  private static List<String[]> rows(String scenario, String file, int columns) {
    List<String[]> out = new ArrayList<>();
    String[] lines = text(scenario, file).split("\n");
    for (int i = 1; i < lines.length; i++) {
      if (!lines[i].isEmpty()) {
        out.add(lines[i].split("\t", columns));
      }
    }
    return out;
  }

  /** The uncompressed bytes of one .db file of a scenario. */
  public static byte[] db(String scenario, String name) {
    byte[] gz = bytes("/python-multiproc/" + scenario + "/db/" + name + ".gz");
    try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes every .db file of a scenario into {@code dir}. */
  public static void extract(String scenario, Path dir) throws IOException {
    for (FileRow f : files(scenario)) {
      Files.write(dir.resolve(f.name), db(scenario, f.name));
    }
  }

  /** The hex sha256 of {@code data}. */
  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
