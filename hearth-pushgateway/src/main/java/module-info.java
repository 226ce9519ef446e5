/** Hearth Pushgateway client: pushes a registry to a Prometheus Pushgateway. */
module dev.hearth.pushgateway {
  requires transitive dev.hearth.core;

  exports dev.hearth.pushgateway;
}
