package dev.hearth.exposition;

import dev.hearth.testing.RandomCases;
import dev.hearth.testing.WriteParse;
import java.util.Random;

/**
 * Valid random expositions for tests in other modules: up to five families of every type, with
 * awkward names, label values, help texts and values, written by Hearth in either format.
 */
public final class RandomExpositions {
  private RandomExpositions() {}

  /** A valid exposition in {@code format}, determined by {@code r}. */
  public static String valid(Random r, ExpositionFormat format) {
    return WriteParse.write(Snapshots.exposition(r, Snapshots.Profile.ANY), format);
  }

  /** A valid exposition in a random format (its first line says nothing about which). */
  public static String valid(Random r) {
    return valid(r, RandomCases.pick(r, java.util.List.of(ExpositionFormat.values())));
  }
}
