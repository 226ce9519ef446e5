package dev.hearth.multiprocess;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one {@link MultiProcess#compact(java.nio.file.Path) compaction} did. Immutable;
 * {@link #toString()} is one line for logs.
 */
public final class CompactionResult {
  private final List<String> processes;
  private final List<String> foldedFiles;
  private final List<String> deletedFiles;
  private final List<String> compactedFiles;
  private final Map<String, String> skipped;
  private final Duration duration;

  CompactionResult(List<String> processes, List<String> foldedFiles, List<String> deletedFiles,
      List<String> compactedFiles, Map<String, String> skipped, Duration duration) {
    this.processes = copy(processes);
    this.foldedFiles = copy(foldedFiles);
    this.deletedFiles = copy(deletedFiles);
    this.compactedFiles = copy(compactedFiles);
    this.skipped = Collections.unmodifiableMap(new TreeMap<>(skipped));
    this.duration = duration;
  }

  private static List<String> copy(List<String> l) {
    return Collections.unmodifiableList(new ArrayList<>(l));
  }

  /** The ids of the dead processes folded. */
  public List<String> foldedProcesses() {
    return processes;
  }

  /** The counter, histogram and summary files whose values were folded (and then deleted). */
  public List<String> foldedFiles() {
    return foldedFiles;
  }

  /** The {@code gauge_live*} files of the folded processes, deleted as they are dead. */
  public List<String> deletedFiles() {
    return deletedFiles;
  }

  /** The compacted files written ({@code counter_hearth-compacted.db}, ...). */
  public List<String> compactedFiles() {
    return compactedFiles;
  }

  /**
   * Dead processes not folded this time, with the reason (a file that cannot be read, a pid in
   * use by another process, ...); their files stay as they are.
   */
  public Map<String, String> skippedProcesses() {
    return skipped;
  }

  /** How long the compaction took, waiting for other compactions included. */
  public Duration duration() {
    return duration;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("CompactionResult[");
    sb.append(processes.size()).append(" processes folded");
    if (!processes.isEmpty()) {
      sb.append(' ').append(abbreviate(processes));
    }
    sb.append(", ").append(foldedFiles.size()).append(" files folded, ")
        .append(deletedFiles.size()).append(" live gauge files deleted, wrote ")
        .append(compactedFiles.isEmpty() ? "nothing" : String.join(" ", compactedFiles));
    if (!skipped.isEmpty()) {
      sb.append(", skipped ").append(skipped);
    }
    return sb.append(", ").append(duration.toMillis()).append(" ms]").toString();
  }

  private static String abbreviate(List<String> ids) {
    int shown = Math.min(ids.size(), 10);
    String s = String.join(" ", ids.subList(0, shown));
    return "(" + s + (ids.size() > shown ? " and " + (ids.size() - shown) + " more" : "") + ")";
  }
}
