package dev.hearth;

import dev.hearth.internal.ModelAccess;
import dev.hearth.internal.Names;
import dev.hearth.model.DataPoint;
import dev.hearth.model.InfoSnapshot;
import dev.hearth.model.Labels;
import dev.hearth.model.MetricSnapshot;
import dev.hearth.model.MetricType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Constant information as labels of a series with value 1, exposed as {@code <name>_info}.
 *
 * <pre>{@code
 * Info.builder("build").help("Build information").register().info(Map.of("version", "1.2.3"));
 * // build_info{version="1.2.3"} 1.0
 * }</pre>
 *
 * <p>A name given with the {@code _info} suffix is accepted and the suffix dropped. Heap storage
 * only: as in Python, info metrics are not shared between processes. Thread-safe.
 */
public final class Info extends Metric<Info.Child> {

  private Info(Builder b) {
    super(b);
    init();
  }

  /** A builder for an info metric named {@code name} (with or without {@code _info}). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  @Override
  MetricType type() {
    return MetricType.INFO;
  }

  @Override
  Child newChild(String[] values, boolean detached) {
    return new Child();
  }

  /** See {@link Child#info(Map)}. */
  public void info(Map<String, String> info) {
    noLabelsChild().info(info);
  }

  @Override
  public InfoSnapshot snapshot() {
    List<InfoSnapshot.DataPoint> points = new ArrayList<>(childCount());
    forEachChild((labels, c) -> {
      Map<String, String> i = c.info;
      if (i != null) {
        Map<String, String> all = new LinkedHashMap<>(labels.toMap());
        all.putAll(i);
        points.add(new InfoSnapshot.DataPoint(Labels.of(all), DataPoint.NO_TIMESTAMP));
      }
    });
    return ModelAccess.snapshot(MetricType.INFO, name, help, "", points); // unchecked: valid by construction
  }

  @Override
  MetricSnapshot<?> emptySnapshot() {
    return new InfoSnapshot(name, help, List.of());
  }

  /** One series of an info metric. Thread-safe. */
  public final class Child {
    private volatile Map<String, String> info;

    Child() {}

    /**
     * Replaces the information.
     *
     * @throws IllegalArgumentException when a key is not a valid label name or clashes with the
     *     metric's label names
     */
    public void info(Map<String, String> info) {
      Map<String, String> copy = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : info.entrySet()) {
        String k = e.getKey();
        if (!Names.isValidLabelName(k) || k.startsWith("__")) {
          throw new IllegalArgumentException("Info '" + name + "': invalid info key '" + k + "'");
        }
        if (labelNames().contains(k)) {
          throw new IllegalArgumentException("Info '" + name + "': info key '" + k
              + "' clashes with a label name of the metric");
        }
        if (e.getValue() == null) {
          throw new IllegalArgumentException("Info '" + name + "': value of '" + k + "' is null");
        }
        copy.put(k, e.getValue());
      }
      this.info = copy;
    }
  }

  /** Builds an {@link Info}. */
  public static final class Builder extends Metric.Builder<Builder, Info> {
    private Builder(String name) {
      super(name);
    }

    @Override
    Builder self() {
      return this;
    }

    @Override
    boolean heapOnly() {
      return true;
    }

    @Override
    String strippedSuffix() {
      return "_info";
    }

    @Override
    public Info build() {
      validate();
      return new Info(this);
    }
  }
}
