/**
 * Hearth HTTP server: serves a registry on {@code /metrics} with the JDK's built-in HTTP server.
 */
module dev.hearth.httpserver {
  requires transitive jdk.httpserver;
  requires transitive dev.hearth.core;
  requires dev.hearth.exporter.common;

  exports dev.hearth.httpserver;
}
