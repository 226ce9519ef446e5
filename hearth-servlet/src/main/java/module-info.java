/** Hearth servlet: a Jakarta Servlet 6 {@code /metrics} endpoint. */
module dev.hearth.servlet {
  requires transitive jakarta.servlet;
  requires transitive dev.hearth.core;
  requires transitive dev.hearth.exporter.common;

  exports dev.hearth.servlet;
}
