package dev.hearth.exposition;

import dev.hearth.internal.ModelAccess;
import dev.hearth.internal.Names;
import dev.hearth.model.DataPoint;
import dev.hearth.model.Exemplar;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.MetricType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses exposition text line by line into {@link RawSample}s grouped into families, which
 * {@link FamilyAssembler} turns into typed snapshots. Every loop advances through the input, so
 * parsing is linear in its length; every failure is a {@link ParseException}.
 */
final class TextParser {
  private static final String[] NO_STRINGS = new String[0];

  private final String s;
  private final boolean om;
  private final List<MetricSnapshot<?>> result = new ArrayList<>();
  /**
   * Every name a finished family exposes (its name and sample names, {@link Names#exposedSuffixes})
   * and the line the family started on: a family may not appear twice or expose a name another
   * one does, in either format, so that the parsed families can be written in both formats.
   */
  private final Map<String, Exposed> seenNames = new HashMap<>();

  /** The family (model name) that exposes a name, and the line it starts on. */
  private record Exposed(String family, int line) {}
  /**
   * Text 0.0.4: families without HELP or TYPE, by name. Prometheus accepts such samples of one
   * name in several groups (its own metrics without metadata interleave a summary's lines), so
   * they are merged into the first family of the name instead of being rejected.
   */
  private final Map<String, BareFamily> bareFamilies = new LinkedHashMap<>();

  /** A family without metadata: where it is in the result and its samples, merged ones included. */
  private static final class BareFamily {
    final int index;
    final int line;
    final List<RawSample> samples;
    boolean merged;

    BareFamily(int index, int line, List<RawSample> samples) {
      this.index = index;
      this.line = line;
      this.samples = samples;
    }
  }

  // current line
  private int pos;
  private int end;
  private int line;

  // current family
  private String famName;
  private String famHelp;
  private String famUnit;
  private String famType; // keyword as written, null when none
  private boolean famTyped;
  private String[] famAllowed = NO_STRINGS;
  private List<RawSample> famSamples = new ArrayList<>();
  private int famLine;

  // reusable label buffers
  private final List<String> labelNames = new ArrayList<>();
  private final List<String> labelValues = new ArrayList<>();
  private final Set<String> labelSet = new HashSet<>();

  private TextParser(String s, boolean om) {
    this.s = s;
    this.om = om;
  }

  static List<MetricSnapshot<?>> parse(String text, ExpositionFormat format) {
    TextParser p = new TextParser(text, format == ExpositionFormat.OPENMETRICS_1_0_0);
    List<MetricSnapshot<?>> families = p.om ? p.parseOpenMetrics() : p.parseText();
    try {
      // what parses can be written back in its own format: the writer's own name check, which
      // knows every name a family writes (e.g. creation times merged into a counter)
      ExpositionWriter.checkDistinctNames(families, p.om);
    } catch (IllegalArgumentException e) {
      throw new ParseException(Math.max(p.line, 1), e.getMessage());
    }
    return families;
  }

  // ---------------------------------------------------------------- Prometheus text 0.0.4

  private List<MetricSnapshot<?>> parseText() {
    int len = s.length();
    int start = 0;
    line = 0;
    while (start < len) {
      line++;
      int nl = s.indexOf('\n', start);
      end = nl < 0 ? len : nl;
      pos = start;
      textLine();
      start = end + 1;
    }
    finishFamily();
    for (BareFamily f : bareFamilies.values()) {
      if (f.merged) { // assembled again as a whole, to find duplicate series across its groups
        String name = f.samples.get(0).name;
        result.set(f.index, FamilyAssembler.assemble(name, "", "", MetricType.UNKNOWN, f.samples,
            f.line, false));
      }
    }
    return result;
  }

  private void textLine() {
    skipBlanks();
    if (pos == end) {
      return; // blank line
    }
    if (s.charAt(pos) == '#') {
      pos++;
      skipBlanks();
      int t = pos;
      while (pos < end && !isBlank(s.charAt(pos))) {
        pos++;
      }
      if (pos - t == 4 && s.startsWith("HELP", t)) {
        textHelp();
      } else if (pos - t == 4 && s.startsWith("TYPE", t)) {
        textType();
      } // other comments are ignored
      return;
    }
    RawSample sample = textSample();
    if (famName == null || !allowed(sample.name)) {
      finishFamily();
      startFamily(sample.name, sample.line);
    }
    famSamples.add(sample);
  }

  private void textHelp() {
    requireBlank("after 'HELP'");
    skipBlanks();
    String name = metricName();
    String help;
    if (pos == end || (pos == end - 1 && s.charAt(pos) == '\r')) {
      help = "";
    } else {
      requireBlank("after metric name");
      help = unescapeHelp(pos, end);
    }
    if (!name.equals(famName)) {
      finishFamily();
      startFamily(name, line);
    } else if (famHelp != null) {
      throw error("second HELP line for metric '" + name + "'");
    }
    famHelp = help;
  }

  private void textType() {
    requireBlank("after 'TYPE'");
    skipBlanks();
    String name = metricName();
    requireBlank("after metric name");
    skipBlanks();
    int t = pos;
    while (pos < end && !isBlank(s.charAt(pos)) && s.charAt(pos) != '\r') {
      pos++;
    }
    String type = s.substring(t, pos).toLowerCase(java.util.Locale.ROOT);
    skipBlanksAndCr();
    if (pos != end) {
      throw expected("end of line after the type");
    }
    String[] suffixes;
    switch (type) {
      case "counter":
      case "gauge":
      case "untyped":
        suffixes = new String[] {""};
        break;
      case "summary":
        suffixes = new String[] {"", "_count", "_sum"};
        break;
      case "histogram":
        suffixes = new String[] {"_bucket", "_count", "_sum"};
        break;
      default:
        throw error("unknown metric type '" + shorten(type)
            + "', expected counter, gauge, histogram, summary or untyped");
    }
    if (!name.equals(famName)) {
      finishFamily();
      startFamily(name, line);
    } else if (famTyped) {
      throw error("second TYPE line for metric '" + name + "'");
    } else if (!famSamples.isEmpty()) {
      throw error("TYPE line for metric '" + name + "' after its samples");
    }
    famType = type;
    famTyped = true;
    famAllowed = withSuffixes(name, suffixes);
  }

  private RawSample textSample() {
    int sampleLine = line;
    String name = metricName();
    skipBlanks();
    String[] ln = NO_STRINGS;
    String[] lv = NO_STRINGS;
    if (pos < end && s.charAt(pos) == '{') {
      pos++;
      labelNames.clear();
      labelValues.clear();
      textLabels();
      ln = labelNames.toArray(NO_STRINGS);
      lv = labelValues.toArray(NO_STRINGS);
      skipBlanks();
    }
    int v = pos;
    while (pos < end && !isBlank(s.charAt(pos)) && s.charAt(pos) != '\r') {
      pos++;
    }
    if (v == pos) {
      throw expected("a value");
    }
    double value = number(v, pos, "value");
    skipBlanks();
    long ts = DataPoint.NO_TIMESTAMP;
    if (pos < end && s.charAt(pos) != '\r') {
      int t = pos;
      while (pos < end && !isBlank(s.charAt(pos)) && s.charAt(pos) != '\r') {
        pos++;
      }
      ts = millisTimestamp(t, pos);
    }
    skipBlanksAndCr();
    if (pos != end) {
      throw expected("end of line after the sample");
    }
    return new RawSample(name, ln, lv, value, ts, null, sampleLine);
  }

  /** Text 0.0.4 labels after '{': blanks allowed around tokens, a trailing comma is accepted. */
  private void textLabels() {
    skipBlanks();
    while (true) {
      if (pos < end && s.charAt(pos) == '}') {
        pos++;
        return;
      }
      String name = labelName();
      skipBlanks();
      expect('=', "after label name");
      skipBlanks();
      expect('"', "to start the label value");
      String value = labelValue();
      addLabel(name, value);
      skipBlanks();
      if (pos < end && s.charAt(pos) == ',') {
        pos++;
        skipBlanks();
      } else if (pos < end && s.charAt(pos) == '}') {
        pos++;
        return;
      } else {
        throw expected("'}' or ',' after label value");
      }
    }
  }

  /**
   * Text 0.0.4 HELP: {@code \\} and {@code \n} are unescaped, other backslashes kept. Looks for
   * a backslash within the line only (searching to the end of the input made parsing quadratic).
   */
  private String unescapeHelp(int from, int to) {
    int b = from;
    while (b < to && s.charAt(b) != '\\') {
      b++;
    }
    if (b == to) {
      return s.substring(from, to);
    }
    StringBuilder sb = new StringBuilder(to - from);
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < to && (s.charAt(i + 1) == '\\' || s.charAt(i + 1) == 'n')) {
        i++;
        sb.append(s.charAt(i) == 'n' ? '\n' : '\\');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private long millisTimestamp(int from, int to) {
    long ms = 0;
    boolean neg = s.charAt(from) == '-';
    int i = neg || s.charAt(from) == '+' ? from + 1 : from;
    if (i < to && to - i <= 18) {
      for (; i < to; i++) {
        char c = s.charAt(i);
        if (c < '0' || c > '9') {
          break;
        }
        ms = ms * 10 + (c - '0');
      }
      if (i == to) {
        return neg ? -ms : ms;
      }
    }
    // Python accepts any float here; so do we, rounded to whole milliseconds.
    double d = number(from, to, "timestamp");
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw error("invalid timestamp '" + shorten(s.substring(from, to)) + "'");
    }
    if (!(Math.abs(d) < 9.2e18)) {
      throw error("timestamp '" + shorten(s.substring(from, to)) + "' is out of range");
    }
    return Math.round(d);
  }

  // ---------------------------------------------------------------- OpenMetrics 1.0.0

  private List<MetricSnapshot<?>> parseOpenMetrics() {
    int len = s.length();
    int start = 0;
    line = 0;
    boolean eof = false;
    while (start < len) {
      line++;
      int nl = s.indexOf('\n', start);
      end = nl < 0 ? len : nl;
      pos = start;
      if (eof) {
        throw error("unexpected content after '# EOF'");
      }
      if (end == start) {
        throw error("empty line (not allowed in OpenMetrics)");
      }
      if (end - start == 5 && s.startsWith("# EOF", start)) {
        eof = true;
      } else {
        if (nl < 0) {
          throw error("missing newline at end of line (and '# EOF')");
        }
        if (s.charAt(pos) == '#') {
          omDescriptor();
        } else {
          RawSample sample = omSample();
          if (famName == null || !allowed(sample.name)) {
            finishFamily();
            startFamily(sample.name, sample.line);
            famType = "unknown";
            famTyped = true;
          }
          famSamples.add(sample);
        }
      }
      start = end + 1;
    }
    finishFamily();
    if (!eof) {
      throw new ParseException(Math.max(line, 1), "missing '# EOF' at end of input");
    }
    return result;
  }

  private void omDescriptor() {
    pos++;
    expect(' ', "after '#'");
    int k = pos;
    while (pos < end && s.charAt(pos) != ' ') {
      pos++;
    }
    String keyword = s.substring(k, pos);
    if (!keyword.equals("HELP") && !keyword.equals("TYPE") && !keyword.equals("UNIT")) {
      pos = k;
      throw expected("'HELP', 'TYPE', 'UNIT' or 'EOF' after '# '");
    }
    expect(' ', "after '" + keyword + "'");
    String name = metricName();
    if (name.equals(famName)) {
      if (!famSamples.isEmpty()) {
        throw error(keyword + " line for metric '" + name + "' after its samples");
      }
    } else {
      finishFamily();
      startFamily(name, line);
    }
    if (keyword.equals("HELP")) {
      if (famHelp != null) {
        throw error("second HELP line for metric '" + name + "'");
      }
      if (pos == end) {
        famHelp = "";
      } else {
        expect(' ', "after metric name");
        famHelp = omHelp();
      }
    } else if (keyword.equals("UNIT")) {
      if (famUnit != null) {
        throw error("second UNIT line for metric '" + name + "'");
      }
      if (pos == end) {
        famUnit = "";
      } else {
        expect(' ', "after metric name");
        int u = pos;
        while (pos < end && isNameChar(s.charAt(pos))) {
          pos++;
        }
        if (pos != end) {
          throw expected("end of line after the unit");
        }
        famUnit = s.substring(u, end);
      }
    } else {
      if (famTyped) {
        throw error("second TYPE line for metric '" + name + "'");
      }
      expect(' ', "after metric name");
      String type = s.substring(pos, end);
      String[] suffixes;
      switch (type) {
        case "counter":
          suffixes = new String[] {"_total", "_created"};
          break;
        case "summary":
          suffixes = new String[] {"", "_count", "_sum", "_created"};
          break;
        case "histogram":
          suffixes = new String[] {"_count", "_sum", "_bucket", "_created"};
          break;
        case "info":
          suffixes = new String[] {"_info"};
          break;
        case "gauge":
        case "stateset":
        case "unknown":
          suffixes = new String[] {""};
          break;
        case "gaugehistogram":
          throw error("metric type 'gaugehistogram' is not supported");
        default:
          throw error("unknown metric type '" + shorten(type) + "', expected counter, gauge, "
              + "histogram, summary, info, stateset or unknown");
      }
      famType = type;
      famTyped = true;
      famAllowed = withSuffixes(name, suffixes);
      pos = end;
    }
  }

  private String omHelp() {
    StringBuilder sb = null;
    int from = pos;
    for (; pos < end; pos++) {
      char c = s.charAt(pos);
      if (c == '\\') {
        if (sb == null) {
          sb = new StringBuilder(end - from);
        }
        sb.append(s, from, pos);
        sb.append(escape(true));
        from = pos + 1;
      }
    }
    if (sb == null) {
      return s.substring(from, end);
    }
    return sb.append(s, from, end).toString();
  }

  private RawSample omSample() {
    int sampleLine = line;
    String name = metricName();
    String[] ln = NO_STRINGS;
    String[] lv = NO_STRINGS;
    if (pos < end && s.charAt(pos) == '{') {
      pos++;
      labelNames.clear();
      labelValues.clear();
      omLabels();
      ln = labelNames.toArray(NO_STRINGS);
      lv = labelValues.toArray(NO_STRINGS);
      expect(' ', "after labels");
    } else {
      expect(' ', "after metric name");
    }
    int v = pos;
    while (pos < end && s.charAt(pos) != ' ') {
      pos++;
    }
    if (v == pos) {
      throw expected("a value");
    }
    double value = number(v, pos, "value");
    long ts = DataPoint.NO_TIMESTAMP;
    Exemplar exemplar = null;
    if (pos < end) {
      pos++; // the space
      if (pos < end && s.charAt(pos) != '#') {
        int t = pos;
        while (pos < end && s.charAt(pos) != ' ') {
          pos++;
        }
        if (t == pos) {
          throw expected("a timestamp");
        }
        ts = secondsTimestamp(t, pos);
        if (pos < end) {
          pos++;
        }
      }
      if (pos < end) {
        exemplar = omExemplar();
      } else if (s.charAt(pos - 1) == ' ') {
        throw expected("a timestamp or exemplar after ' '");
      }
    }
    return new RawSample(name, ln, lv, value, ts, exemplar, sampleLine);
  }

  private Exemplar omExemplar() {
    expect('#', "to start an exemplar");
    expect(' ', "after '#'");
    expect('{', "to start the exemplar labels");
    labelNames.clear();
    labelValues.clear();
    omLabels();
    expect(' ', "after exemplar labels");
    int v = pos;
    while (pos < end && s.charAt(pos) != ' ') {
      pos++;
    }
    if (v == pos) {
      throw expected("an exemplar value");
    }
    double value = number(v, pos, "exemplar value");
    long ts = DataPoint.NO_TIMESTAMP;
    if (pos < end) {
      pos++;
      int t = pos;
      while (pos < end && s.charAt(pos) != ' ') {
        pos++;
      }
      if (t == pos) {
        throw expected("an exemplar timestamp");
      }
      ts = secondsTimestamp(t, pos);
      if (pos != end) {
        throw expected("end of line after the exemplar");
      }
    }
    // checked here, before building the labels: Labels.of compares names pairwise (quadratic)
    // and the names are already known to be distinct
    int chars = 0;
    for (int i = 0; i < labelNames.size(); i++) {
      String ln = labelNames.get(i);
      String lv = labelValues.get(i);
      chars += ln.codePointCount(0, ln.length()) + lv.codePointCount(0, lv.length());
    }
    if (chars > Exemplar.MAX_LABEL_CHARS) {
      throw error("exemplar labels are longer than " + Exemplar.MAX_LABEL_CHARS + " characters");
    }
    try {
      return Exemplar.of(ModelAccess.labels(labelNames.toArray(NO_STRINGS),
          labelValues.toArray(NO_STRINGS)), value, ts);
    } catch (IllegalArgumentException e) { // e.g. a reserved "__" label name: a parse error here
      throw error("invalid exemplar: " + e.getMessage());
    }
  }

  /** OpenMetrics labels after '{': no blanks, no trailing comma. */
  private void omLabels() {
    if (pos < end && s.charAt(pos) == '}') {
      pos++;
      return;
    }
    while (true) {
      String name = labelName();
      expect('=', "after label name");
      expect('"', "to start the label value");
      String value = labelValue();
      addLabel(name, value);
      if (pos < end && s.charAt(pos) == ',') {
        pos++;
      } else if (pos < end && s.charAt(pos) == '}') {
        pos++;
        return;
      } else {
        throw expected("'}' or ',' after label value");
      }
    }
  }

  private long secondsTimestamp(int from, int to) {
    double d = number(from, to, "timestamp");
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw error("invalid timestamp '" + shorten(s.substring(from, to)) + "'");
    }
    if (!(Math.abs(d) < 9.2e15)) {
      throw error("timestamp '" + shorten(s.substring(from, to)) + "' is out of range");
    }
    return Math.round(d * 1000);
  }

  // ---------------------------------------------------------------- families

  /** Starts family {@code name}, which allows only samples named {@code name} until a TYPE line. */
  private void startFamily(String name, int atLine) {
    famName = name;
    famAllowed = new String[] {name};
    famHelp = null;
    famUnit = null;
    famType = null;
    famTyped = false;
    famSamples = new ArrayList<>();
    famLine = atLine;
  }

  private void finishFamily() {
    if (famName == null) {
      return;
    }
    String name = famName;
    famName = null;
    MetricType type = typeOf(famType);
    if (!om && createdOfPrevious(name, type)) {
      // the previous family now writes this name (text 0.0.4 writes creation times as an
      // x_created family): a second x_created family, before or after, would clash with it
      Exposed clash = seenNames.putIfAbsent(name, new Exposed(name, famLine));
      if (clash != null) {
        throw new ParseException(famLine, "metric family '" + name + "' appears again (first at"
            + " line " + clash.line + "): all lines of a metric family must be consecutive");
      }
      int last = result.size() - 1;
      result.set(last, FamilyAssembler.withCreated(result.get(last), famSamples));
      return;
    }
    boolean bare = !om && famType == null && famHelp == null;
    MetricSnapshot<?> family = FamilyAssembler.assemble(name, famHelp == null ? "" : famHelp,
        famUnit == null ? "" : famUnit, type, famSamples, famLine, om);
    BareFamily earlier = bare ? bareFamilies.get(name) : null;
    if (earlier != null) {
      earlier.samples.addAll(famSamples);
      earlier.merged = true;
      return;
    }
    Exposed owner = new Exposed(family.name(), famLine);
    for (String suffix : Names.exposedSuffixes(type)) {
      if (!om && (suffix.equals("_created") || (type == MetricType.COUNTER && suffix.isEmpty()))) {
        // text: a counter x is written as x_total only (Go's gauge x may come before it), and
        // creation times as a separate x_created gauge family, which may come anywhere (the
        // Pushgateway sorts families by name: x_created before x_total)
        continue;
      }
      String exposed = suffix.isEmpty() ? family.name() : family.name() + suffix;
      Exposed clash = seenNames.putIfAbsent(exposed, owner);
      if (clash != null) {
        if (clash.family.equals(family.name())) {
          throw new ParseException(famLine, "metric family '" + name + "' appears again (first at"
              + " line " + clash.line + "): all lines of a metric family must be consecutive");
        }
        throw new ParseException(famLine, "metric family '" + name + "' clashes with family '"
            + clash.family + "' (line " + clash.line + "), which exposes '" + exposed + "'");
      }
    }
    if (bare) {
      bareFamilies.put(name, new BareFamily(result.size(), famLine, famSamples));
    }
    result.add(family);
  }

  /**
   * Text 0.0.4: whether family {@code name} is the {@code _created} gauge (or untyped) family of
   * the counter, histogram or summary just before it, as Python writes creation times in text.
   */
  private boolean createdOfPrevious(String name, MetricType type) {
    if ((type != MetricType.GAUGE && type != MetricType.UNKNOWN) || result.isEmpty()) {
      return false;
    }
    MetricSnapshot<?> previous = result.get(result.size() - 1);
    MetricType t = previous.type();
    return (t == MetricType.COUNTER || t == MetricType.HISTOGRAM || t == MetricType.SUMMARY)
        && name.length() == previous.name().length() + 8 && name.startsWith(previous.name())
        && name.endsWith("_created");
  }

  private static MetricType typeOf(String type) {
    if (type == null) {
      return MetricType.UNKNOWN;
    }
    switch (type) {
      case "counter":
        return MetricType.COUNTER;
      case "gauge":
        return MetricType.GAUGE;
      case "histogram":
        return MetricType.HISTOGRAM;
      case "summary":
        return MetricType.SUMMARY;
      case "info":
        return MetricType.INFO;
      case "stateset":
        return MetricType.STATESET;
      default:
        return MetricType.UNKNOWN;
    }
  }

  private boolean allowed(String sampleName) {
    for (String a : famAllowed) {
      if (a.equals(sampleName)) {
        return true;
      }
    }
    return false;
  }

  private static String[] withSuffixes(String name, String[] suffixes) {
    String[] out = new String[suffixes.length];
    for (int i = 0; i < suffixes.length; i++) {
      out[i] = suffixes[i].isEmpty() ? name : name + suffixes[i];
    }
    return out;
  }

  // ---------------------------------------------------------------- tokens

  private void addLabel(String name, String value) {
    int n = labelNames.size();
    boolean duplicate;
    if (n < 16) {
      duplicate = labelNames.contains(name);
    } else {
      if (n == 16) {
        labelSet.clear();
        labelSet.addAll(labelNames);
      }
      duplicate = !labelSet.add(name);
    }
    if (duplicate) {
      throw error("duplicate label name '" + name + "'");
    }
    labelNames.add(name);
    labelValues.add(value);
  }

  private String metricName() {
    int start = pos;
    if (pos < end && isNameStart(s.charAt(pos), true)) {
      pos++;
      while (pos < end && isNameChar(s.charAt(pos))) {
        pos++;
      }
      return s.substring(start, pos);
    }
    throw expected("a metric name");
  }

  private String labelName() {
    int start = pos;
    if (pos < end && isNameStart(s.charAt(pos), false)) {
      pos++;
      while (pos < end && isNameChar(s.charAt(pos)) && s.charAt(pos) != ':') {
        pos++;
      }
      return s.substring(start, pos);
    }
    throw expected("a label name");
  }

  /** The label value after its opening quote, up to and including the closing quote. */
  private String labelValue() {
    int from = pos;
    StringBuilder sb = null;
    while (true) {
      if (pos >= end) {
        throw expected("'\"' to end the label value");
      }
      char c = s.charAt(pos);
      if (c == '"') {
        String v = sb == null ? s.substring(from, pos) : sb.append(s, from, pos).toString();
        pos++;
        return v;
      }
      if (c == '\\') {
        if (sb == null) {
          sb = new StringBuilder();
        }
        sb.append(s, from, pos);
        sb.append(escape(om));
        from = pos + 1;
      }
      pos++;
    }
  }

  /**
   * The escape sequence at {@code pos} (a backslash); leaves {@code pos} on its last character.
   * {@code strict}: only {@code \\ \" \n} are allowed (OpenMetrics); otherwise others are kept.
   */
  private String escape(boolean strict) {
    if (pos + 1 >= end) {
      if (strict) {
        pos++;
        throw expected("'\\\\', '\"' or 'n' after a backslash");
      }
      return "\\";
    }
    char n = s.charAt(pos + 1);
    if (n == '\\' || n == '"' || n == 'n') {
      pos++;
      return n == 'n' ? "\n" : String.valueOf(n);
    }
    if (strict) {
      pos++;
      throw expected("'\\\\', '\"' or 'n' after a backslash");
    }
    return "\\";
  }

  private void expect(char c, String what) {
    if (pos < end && s.charAt(pos) == c) {
      pos++;
      return;
    }
    throw expected("'" + c + "' " + what);
  }

  private void requireBlank(String what) {
    if (pos < end && isBlank(s.charAt(pos))) {
      pos++;
      return;
    }
    throw expected("' ' " + what);
  }

  private void skipBlanks() {
    while (pos < end && isBlank(s.charAt(pos))) {
      pos++;
    }
  }

  /** Trailing blanks and one carriage return at the very end of the line (CRLF input). */
  private void skipBlanksAndCr() {
    skipBlanks();
    if (pos == end - 1 && s.charAt(pos) == '\r') {
      pos++;
    }
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  private static boolean isNameStart(char c, boolean colon) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
        || c == ':';
  }

  /** Parses {@code s[from, to)} as a float: decimal, {@code [+-]Inf}, {@code NaN}. */
  private double number(int from, int to, String what) {
    double d = Numbers.parse(s, from, to);
    if (d != d && !Numbers.isNaN(s, from, to)) {
      throw error("invalid " + what + " '" + shorten(s.substring(from, to)) + "'");
    }
    return d;
  }

  private ParseException error(String message) {
    return new ParseException(line, message);
  }

  private ParseException expected(String what) {
    return error("expected " + what + ", got " + describe());
  }

  private String describe() {
    if (pos >= end) {
      return end == s.length() ? "end of input" : "end of line";
    }
    int cp = s.codePointAt(pos);
    if (cp < 0x20 || cp == 0x7f || Character.isSurrogate((char) cp)) {
      return String.format("U+%04X", cp);
    }
    return "'" + new String(Character.toChars(cp)) + "'";
  }

  static String shorten(String v) {
    return v.length() <= 40 ? v : v.substring(0, 37) + "...";
  }
}
