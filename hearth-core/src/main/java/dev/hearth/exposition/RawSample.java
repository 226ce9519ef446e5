package dev.hearth.exposition;

import dev.hearth.model.Exemplar;

/** One parsed sample line, before it is assembled into a typed data point. */
final class RawSample {
  final String name;
  final String[] labelNames;
  final String[] labelValues;
  final double value;
  /** Epoch ms or {@code DataPoint.NO_TIMESTAMP}. */
  final long timestampMillis;
  final Exemplar exemplar;
  final int line;

  RawSample(String name, String[] labelNames, String[] labelValues, double value,
      long timestampMillis, Exemplar exemplar, int line) {
    this.name = name;
    this.labelNames = labelNames;
    this.labelValues = labelValues;
    this.value = value;
    this.timestampMillis = timestampMillis;
    this.exemplar = exemplar;
    this.line = line;
  }

  /** The value of label {@code name}, or null. */
  String label(String name) {
    for (int i = 0; i < labelNames.length; i++) {
      if (labelNames[i].equals(name)) {
        return labelValues[i];
      }
    }
    return null;
  }
}
