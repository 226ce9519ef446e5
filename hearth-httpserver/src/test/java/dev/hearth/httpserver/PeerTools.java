package dev.hearth.httpserver;

import dev.hearth.testing.Peers;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;

/** Peer checks for this module, with the semantics of {@link Peers}: skip, or fail when peers are required. */
final class PeerTools {
  static final String NO_PROMETHEUS = "skipped: prometheus not installed (apt-get install prometheus)";
  private static Boolean prometheusFound;

  private PeerTools() {}

  /** Skips (or fails, with {@code hearth.requirePeers=true}) unless the Prometheus server runs. */
  static synchronized void requirePrometheus() {
    if (prometheusFound == null) {
      prometheusFound = Peers.succeeds(List.of(prometheus(), "--version"));
    }
    Peers.require(prometheusFound, NO_PROMETHEUS);
  }

  static String prometheus() {
    return new java.io.File("/usr/bin/prometheus").canExecute() ? "/usr/bin/prometheus" : "prometheus";
  }

  /** A port that was free on 127.0.0.1 a moment ago. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
