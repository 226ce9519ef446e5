package dev.hearth.httpserver;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Limits of the JDK server that Hearth sets as system properties, each only when the user has not
 * set it. The JDK reads them once, in the static initializer of
 * {@code sun.net.httpserver.ServerConfig}, when the first {@code HttpServer} of the JVM is
 * created; so {@link HTTPServer} sets them before it creates its server, and they apply to every
 * JDK server of the JVM created afterwards. A server created before (for example one passed to
 * {@link HTTPServer.Builder#httpServer}) keeps the JDK's defaults: set them with {@code -D} then.
 *
 * <ul>
 *   <li>{@code sun.net.httpserver.maxReqTime=10} (seconds; JDK default: none): a request must
 *       arrive within 10 s of its first byte (for a GET, the request line and headers), counted
 *       while it waits for a thread too; then the connection is closed. Bounds how long a
 *       slowloris client, a request of only empty lines, or an unterminated line holds a thread.
 *       A connection that sends nothing is closed after min(idleInterval, maxReqTime).
 *   <li>{@code sun.net.httpserver.maxReqHeaderSize=32768} (bytes; JDK default 380 KB, where the
 *       JDK update has the property): a longer request head is refused at once (connection
 *       closed), so 64 KB of garbage without a line end does not wait for the deadline.
 *   <li>{@code jdk.httpserver.maxConnections=1000} (JDK default: unlimited): each server closes
 *       new connections beyond 1000 open ones right after accepting them, bounding the sockets
 *       (file descriptors) clients can hold, including ones that never send a byte.
 *   <li>{@code sun.net.httpserver.nodelay=true} (JDK default false): responses are sent without
 *       Nagle's algorithm, whose wait for the client's delayed ACK stalled scrapes by about 40 ms
 *       (seen as bimodal scrape times in {@code ScrapeEndToEnd}, hearth-benchmarks).
 * </ul>
 *
 * <p>Left at the JDK's defaults: {@code maxRspTime} (Hearth's per-server request timeout covers
 * slow readers; a JVM-wide response limit would also cut other servers' long downloads),
 * {@code maxReqHeaders} (200), {@code idleInterval} (30 s keep-alive) and
 * {@code maxIdleConnections} (200 idle keep-alive connections per server).
 */
final class JdkServerDefaults {
  static final Map<String, String> DEFAULTS = defaults();

  private JdkServerDefaults() {}

  private static Map<String, String> defaults() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("sun.net.httpserver.maxReqTime", "10");
    m.put("sun.net.httpserver.maxReqHeaderSize", "32768");
    m.put("jdk.httpserver.maxConnections", "1000");
    m.put("sun.net.httpserver.nodelay", "true");
    return m;
  }

  /** Sets each property that is not set yet; called before every server Hearth creates. */
  static void apply() {
    for (Map.Entry<String, String> e : DEFAULTS.entrySet()) {
      if (System.getProperty(e.getKey()) == null) {
        System.setProperty(e.getKey(), e.getValue());
      }
    }
  }
}
