/**
 * Hearth core: metric types, the collector registry, the snapshot model and text exposition.
 * No dependencies beyond {@code java.base}.
 */
@SuppressWarnings("module") // the qualified export names modules built after this one
module dev.hearth.core {
  exports dev.hearth;
  exports dev.hearth.model;
  exports dev.hearth.exposition;
  exports dev.hearth.spi;
  // trusted model constructors for Hearth's own modules (ModelAccess); not an API
  exports dev.hearth.internal to dev.hearth.multiprocess;

  uses dev.hearth.spi.ValueStorageProvider;
}
