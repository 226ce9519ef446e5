package dev.hearth.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns JMH's {@code -rf json} output (and, optionally, the {@code HEAP ...} lines of
 * {@link HeapPerSeries}) into markdown tables with ratios against client_java:
 *
 * <pre>
 * java -cp target/benchmarks.jar dev.hearth.benchmarks.ResultsTable target/jmh-result.json [target/heap-results.txt]
 * </pre>
 *
 * <p>Benchmark methods are named {@code <library>_<call>[_<threads>t]}; the class names the case.
 * "vs client_java" is client_java's time divided by this row's (so 2.00x = twice as fast); for the
 * heap table it is client_java's bytes divided by this row's (2.00x = half the memory).
 */
public final class ResultsTable {
  private ResultsTable() {}

  private static final Map<String, String> CASES = new LinkedHashMap<>();
  private static final Map<String, String> LIBRARIES = new LinkedHashMap<>();

  static {
    CASES.put("CounterBenchmark", "1. unlabeled counter inc");
    CASES.put("LabeledCounterBenchmark", "2. labeled counter lookup+inc (3 labels, 100 combos)");
    CASES.put("HistogramBenchmark", "3. histogram observe (default buckets)");
    CASES.put("ExpositionBenchmark", "4. text exposition (scrape)");
    CASES.put("CardinalityBenchmark", "6. series limit cost (Hearth; limit=limited/unlimited)");
    CASES.put("MultiProcessBenchmark", "7. multi-process mode: mmap (v2) vs in-memory");
    LIBRARIES.put("hearth", "Hearth");
    LIBRARIES.put("hearthMmap", "Hearth multi-process (mmap v2)");
    LIBRARIES.put("clientJava", "client_java 1.10.0");
    LIBRARIES.put("micrometer", "Micrometer 1.17.2");
    LIBRARIES.put("otel", "OTel SDK 1.68.0");
    LIBRARIES.put("longAdder", "LongAdder (floor)");
    LIBRARIES.put("atomicLong", "AtomicLong (floor)");
    LIBRARIES.put("naiveAdders", "LongAdder/bucket + DoubleAdder (floor)");
    LIBRARIES.put("chm", "ConcurrentHashMap<List<String>,LongAdder> (floor)");
  }

  /** One benchmark result. */
  private static final class Row {
    String caseName;
    String library;
    String call;
    int threads;
    String params;
    String group; // rows compared with each other
    double score;
    double error;
    String unit;
    Double bytesPerOp;
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: ResultsTable jmh-result.json [heap-results.txt]");
      System.exit(2);
    }
    StringBuilder md = new StringBuilder();
    List<Row> rows = parse(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8));
    List<String> caseOrder = new ArrayList<>(CASES.values());
    List<String> libraryOrder = new ArrayList<>(LIBRARIES.keySet());
    rows.sort(Comparator.<Row>comparingInt(r -> rank(caseOrder, r.caseName))
        .thenComparing(r -> r.params)
        .thenComparingInt(r -> r.threads)
        .thenComparingInt(r -> rank(libraryOrder, r.library))
        .thenComparing(r -> r.call));
    md.append("| Case | Library (call) | Threads | Params | Score | Error (99.9%) | Unit | B/op"
        + " | vs client_java (>1 = faster) |\n");
    md.append("|---|---|---:|---|---:|---:|---|---:|---:|\n");
    for (Row r : rows) {
      Row cj = null;
      for (Row o : rows) {
        if (o.group.equals(r.group) && o.library.equals("clientJava")
            && o.call.equals(clientJavaBaseline(r))) {
          cj = o;
        }
      }
      String ratio = cj == null || !cj.unit.equals(r.unit) ? "" : ratio(cj.score, r.score, r.unit);
      md.append("| ").append(r.caseName)
          .append(" | ").append(LIBRARIES.getOrDefault(r.library, r.library))
          .append(" (").append(r.call).append(")")
          .append(" | ").append(r.threads)
          .append(" | ").append(r.params)
          .append(" | ").append(num(r.score))
          .append(" | ").append(Double.isNaN(r.error) ? "" : "± " + num(r.error))
          .append(" | ").append(r.unit)
          .append(" | ").append(r.bytesPerOp == null ? "" : r.bytesPerOp < 0.5 ? "0" : num(r.bytesPerOp))
          .append(" | ").append(ratio)
          .append(" |\n");
    }
    if (args.length == 2) {
      md.append('\n').append(heapTable(Files.readAllLines(Path.of(args[1]))));
    }
    System.out.print(md);
  }

  private static int rank(List<String> order, String key) {
    int i = order.indexOf(key);
    return i < 0 ? order.size() : i;
  }

  /** Which client_java row a row is compared with: the default writer for scrapes. */
  private static String clientJavaBaseline(Row r) {
    if (r.caseName.startsWith("4.")) {
      return "scrapeWrite";
    }
    for (Map.Entry<String, String> e : Map.of(
        "1.", "inc", "2.", "labelValuesInc", "3.", "classicOnlyObserve").entrySet()) {
      if (r.caseName.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return "";
  }

  private static String ratio(double clientJava, double score, String unit) {
    // time units: lower is better; throughput units (ops/...): higher is better
    double x = unit.startsWith("ops/") ? score / clientJava : clientJava / score;
    return String.format(Locale.ROOT, "%.2fx", x);
  }

  private static String num(double v) {
    double a = Math.abs(v);
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    } else if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    } else if (a >= 0.01 || a == 0) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.2g", v);
  }

  private static final Pattern HEAP = Pattern.compile(
      "HEAP library=(\\S+) series=(\\d+) bytesPerSeries=([0-9.]+).*");

  static String heapTable(List<String> lines) {
    Map<String, double[]> byLib = new LinkedHashMap<>();
    for (String line : lines) {
      Matcher m = HEAP.matcher(line.trim());
      if (m.matches()) {
        byLib.put(m.group(1), new double[] {Double.parseDouble(m.group(2)),
            Double.parseDouble(m.group(3))});
      }
    }
    StringBuilder md = new StringBuilder();
    md.append("| 5. retained heap per labeled counter series | Series | Bytes/series"
        + " | vs client_java (>1 = smaller) |\n|---|---:|---:|---:|\n");
    double[] cj = byLib.get("clientJava");
    for (Map.Entry<String, double[]> e : byLib.entrySet()) {
      double[] v = e.getValue();
      md.append("| ").append(LIBRARIES.getOrDefault(e.getKey(), e.getKey()))
          .append(" | ").append((long) v[0])
          .append(" | ").append(String.format(Locale.ROOT, "%.1f", v[1]))
          .append(" | ").append(cj == null ? "" : String.format(Locale.ROOT, "%.2fx", cj[1] / v[1]))
          .append(" |\n");
    }
    return md.toString();
  }

  // ---- JMH JSON

  @SuppressWarnings("unchecked")
  static List<Row> parse(String json) {
    List<Row> rows = new ArrayList<>();
    for (Object o : (List<Object>) new Json(json).value()) {
      Map<String, Object> b = (Map<String, Object>) o;
      String full = (String) b.get("benchmark");
      String[] parts = full.split("\\.");
      String cls = parts[parts.length - 2];
      String method = parts[parts.length - 1];
      Row r = new Row();
      r.caseName = CASES.getOrDefault(cls, cls);
      String[] m = method.split("_");
      r.library = m[0];
      r.call = m.length > 1 ? m[1] : "";
      r.threads = ((Number) b.get("threads")).intValue();
      Map<String, Object> params = (Map<String, Object>) b.get("params");
      StringBuilder p = new StringBuilder();
      if (params != null) {
        for (Map.Entry<String, Object> e : params.entrySet()) {
          p.append(p.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(e.getValue());
        }
      }
      r.params = p.toString();
      r.group = cls + "|" + r.threads + "|" + r.params;
      Map<String, Object> pm = (Map<String, Object>) b.get("primaryMetric");
      r.score = toDouble(pm.get("score"));
      r.error = toDouble(pm.get("scoreError"));
      r.unit = (String) pm.get("scoreUnit");
      Map<String, Object> sec = (Map<String, Object>) b.get("secondaryMetrics");
      if (sec != null && sec.get("gc.alloc.rate.norm") instanceof Map) {
        r.bytesPerOp = toDouble(((Map<String, Object>) sec.get("gc.alloc.rate.norm")).get("score"));
      }
      rows.add(r);
    }
    return rows;
  }

  private static double toDouble(Object o) {
    if (o instanceof Number) {
      return ((Number) o).doubleValue();
    }
    return Double.NaN; // JMH writes "NaN" as a string
  }

  /** A minimal JSON reader: objects become LinkedHashMaps, arrays ArrayLists, numbers Doubles. */
  static final class Json {
    private final String s;
    private int i;

    Json(String s) {
      this.s = s;
    }

    Object value() {
      skipWs();
      char c = s.charAt(i);
      switch (c) {
        case '{': {
          i++;
          Map<String, Object> m = new LinkedHashMap<>();
          skipWs();
          if (s.charAt(i) == '}') {
            i++;
            return m;
          }
          while (true) {
            skipWs();
            String k = string();
            skipWs();
            expect(':');
            m.put(k, value());
            skipWs();
            if (s.charAt(i) == ',') {
              i++;
            } else {
              expect('}');
              return m;
            }
          }
        }
        case '[': {
          i++;
          List<Object> l = new ArrayList<>();
          skipWs();
          if (s.charAt(i) == ']') {
            i++;
            return l;
          }
          while (true) {
            l.add(value());
            skipWs();
            if (s.charAt(i) == ',') {
              i++;
            } else {
              expect(']');
              return l;
            }
          }
        }
        case '"':
          return string();
        default:
          if (s.startsWith("true", i)) {
            i += 4;
            return Boolean.TRUE;
          } else if (s.startsWith("false", i)) {
            i += 5;
            return Boolean.FALSE;
          } else if (s.startsWith("null", i)) {
            i += 4;
            return null;
          }
          int start = i;
          while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
            i++;
          }
          if (start == i) {
            throw new IllegalArgumentException("unexpected '" + c + "' at " + i);
          }
          return Double.parseDouble(s.substring(start, i));
      }
    }

    private String string() {
      expect('"');
      StringBuilder b = new StringBuilder();
      while (true) {
        char c = s.charAt(i++);
        if (c == '"') {
          return b.toString();
        }
        if (c == '\\') {
          char e = s.charAt(i++);
          switch (e) {
            case 'n':
              b.append('\n');
              break;
            case 't':
              b.append('\t');
              break;
            case 'r':
              b.append('\r');
              break;
            case 'b':
              b.append('\b');
              break;
            case 'f':
              b.append('\f');
              break;
            case 'u':
              b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
              i += 4;
              break;
            default:
              b.append(e);
          }
        } else {
          b.append(c);
        }
      }
    }

    private void expect(char c) {
      if (s.charAt(i) != c) {
        throw new IllegalArgumentException("expected '" + c + "' at " + i + ", got '" + s.charAt(i) + "'");
      }
      i++;
    }

    private void skipWs() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }
  }
}
