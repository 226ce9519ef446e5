package dev.hearth.httpserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.CollectorRegistry;
import org.junit.jupiter.api.Test;

/**
 * The JDK limits Hearth sets. This module's surefire configuration sets
 * {@code jdk.httpserver.maxConnections=900} on the command line, as a user would, to show that a
 * user's value is kept.
 */
class JdkServerDefaultsTest {
  @Test
  void aServerSetsTheJdkLimitsTheUserLeftUnset() throws Exception {
    try (HTTPServer s = HTTPServer.builder().host("127.0.0.1").port(0)
        .registry(new CollectorRegistry()).buildAndStart()) {
      assertThat(s.getPort()).isPositive();
    }
    assertThat(System.getProperty("sun.net.httpserver.maxReqTime")).isEqualTo("10");
    assertThat(System.getProperty("sun.net.httpserver.maxReqHeaderSize")).isEqualTo("32768");
    assertThat(System.getProperty("jdk.httpserver.maxConnections"))
        .as("set by the user (-D in this module's surefire configuration), so kept").isEqualTo("900");
    assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
    assertThat(JdkServerDefaults.DEFAULTS).containsOnlyKeys("sun.net.httpserver.maxReqTime",
        "sun.net.httpserver.maxReqHeaderSize", "jdk.httpserver.maxConnections",
        "sun.net.httpserver.nodelay");
  }
}
