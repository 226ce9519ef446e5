/**
 * Hearth exporter common: the HTTP-framework-neutral logic of a {@code /metrics} endpoint, shared
 * by {@code dev.hearth.httpserver} and {@code dev.hearth.servlet}.
 */
module dev.hearth.exporter.common {
  requires transitive dev.hearth.core;

  exports dev.hearth.exporter.common;
}
