package dev.hearth.httpserver;

import dev.hearth.testing.Peers;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Peer checks for this module, with the semantics of {@link Peers}: skip, or fail when peers are required. */
final class PeerTools {
  static final String NO_PROMETHEUS = "skipped: prometheus not installed (apt-get install prometheus)";
  private static Boolean prometheusFound;

  private PeerTools() {}

  /** Skips (or fails, with {@code hearth.requirePeers=true}) unless the Prometheus server runs. */
  static synchronized void requirePrometheus() {
    if (prometheusFound == null) {
      try {
        prometheusFound = Peers.run(List.of(prometheus(), "--version"), null, null, 30).exitCode == 0;
      } catch (IOException e) {
        prometheusFound = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        prometheusFound = false;
      }
    }
    if (!prometheusFound) {
      if (Peers.peersRequired()) {
        Assertions.fail(NO_PROMETHEUS + " (hearth.requirePeers=true)");
      }
      Assumptions.abort(NO_PROMETHEUS);
    }
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
