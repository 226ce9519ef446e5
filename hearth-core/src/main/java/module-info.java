/**
 * Hearth core: metric types, the collector registry, the snapshot model and text exposition.
 * No dependencies beyond {@code java.base}.
 */
module dev.hearth.core {
  exports dev.hearth;
  exports dev.hearth.model;
  exports dev.hearth.exposition;
  exports dev.hearth.spi;

  uses dev.hearth.spi.ValueStorageProvider;
}
