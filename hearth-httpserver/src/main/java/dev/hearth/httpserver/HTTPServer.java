package dev.hearth.httpserver;

import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.hearth.CollectorRegistry;
import dev.hearth.exporter.common.ScrapeHandler;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * Serves a registry over HTTP with the JDK's built-in server ({@code com.sun.net.httpserver}).
 *
 * <pre>{@code
 * HTTPServer server = HTTPServer.builder().port(9400).registry(registry).buildAndStart();
 * int port = server.getPort();   // the bound port, also when 0 was asked for
 * server.close();
 * }</pre>
 *
 * <p>Endpoints:
 * <ul>
 *   <li>{@code GET /metrics} (and {@code HEAD}): the registry, in the format the {@code Accept}
 *       header prefers (OpenMetrics 1.0.0, with exemplars, or the default text 0.0.4), gzipped
 *       when {@code Accept-Encoding} allows, restricted to the families named by
 *       {@code name[]=} query parameters (at most 100 names of at most 200 characters; otherwise
 *       400). See {@link ScrapeHandler} for the details.
 *   <li>{@code GET /cardinality}: the registry's cardinality report as JSON (series per metric,
 *       limits, labels ranked by distinct values), behind the same authentication as /metrics.
 *   <li>{@code GET /-/healthy}: 200 {@code OK}, without authentication.
 *   <li>Other paths: 404. Methods other than GET and HEAD: 405 with {@code Allow: GET, HEAD}.
 * </ul>
 * Error bodies are one line of {@code text/plain}, never a stack trace.
 *
 * <p>Threads and timeouts: the JDK server reads each request (line and headers) and writes each
 * response with blocking I/O on a thread of the executor, so a client that sends or reads slowly
 * holds that thread. Hearth's own pool therefore grows on demand, a thread per request in
 * progress, up to {@linkplain Builder#threads(int) 500 daemon threads}; threads idle for 10 s end,
 * so an idle server holds none. Slow clients thus cannot starve scrapes until there are hundreds
 * of them, and each is cut off: a request must arrive within 10 s of its first byte (the JDK's
 * {@code sun.net.httpserver.maxReqTime}), a request head longer than 32 KB is refused, each server
 * keeps at most 1000 connections (see {@code JdkServerDefaults}, set as JVM-wide system
 * properties unless already set), and one request may occupy a thread at most the
 * {@linkplain Builder#requestTimeout request timeout} (default 60 s, from reading its first byte
 * to writing its last). Collection runs on two more daemon threads, and concurrent scrapes share
 * one collection in flight instead of collecting N times. A scrape waits for its collection at
 * most the {@linkplain Builder#scrapeTimeout scrape timeout} (default 30 s, lowered by
 * Prometheus' {@code X-Prometheus-Scrape-Timeout-Seconds} header) and then answers 503. The body
 * is rendered completely before it is written, so a slow reader never holds up a collection.
 * Requests the JDK cannot parse (no request line, a head over the limit, binary garbage without
 * a line end) are closed without an answer by the JDK; the ones it parses but rejects get 400.
 * The JDK's own dispatcher thread is not a daemon: a started server keeps the JVM alive until
 * {@link #close()}.
 *
 * <p>Thread-safe.
 */
public final class HTTPServer implements Closeable {
  /** The default {@linkplain Builder#threads(int) maximum number of handler threads}. */
  public static final int DEFAULT_THREADS = 500;
  private static final long THREAD_KEEP_ALIVE_MILLIS = 10_000;
  /**
   * The listen backlog: connections the kernel completes before the JDK's dispatcher accepts them
   * (the JDK's default, 50, drops connection attempts when hundreds of scrapers connect at once).
   * The kernel caps it at {@code net.core.somaxconn}.
   */
  private static final int BACKLOG = 1024;
  private final HttpServer server;
  private final boolean ownsServer;
  private final ScrapeHandler scrapeHandler;
  private final ExecutorService ownPool;
  private final WatchdogExecutor watchdog;
  private final List<HttpContext> contexts = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private HTTPServer(Builder b) throws IOException {
    this.scrapeHandler = ScrapeHandler.builder().registry(b.registry)
        .scrapeTimeout(b.scrapeTimeout).createdSeries(b.createdSeries).build();
    Credentials auth = b.authenticator;
    MetricsHandler handler = new MetricsHandler(scrapeHandler, auth);
    if (b.existing != null) {
      this.server = b.existing;
      this.ownsServer = false;
      this.ownPool = null;
      this.watchdog = null;
      contexts.add(server.createContext(MetricsHandler.METRICS, handler));
      contexts.add(server.createContext(MetricsHandler.HEALTHY, handler));
      contexts.add(server.createContext(MetricsHandler.CARDINALITY, handler));
      return;
    }
    this.ownsServer = true;
    JdkServerDefaults.apply();
    InetSocketAddress address = new InetSocketAddress(b.host, b.port);
    HttpServer created;
    try {
      if (b.sslContext != null) {
        HttpsServer https = HttpsServer.create(address, BACKLOG);
        https.setHttpsConfigurator(new HttpsConfigurator(b.sslContext));
        created = https;
      } else {
        created = HttpServer.create(address, BACKLOG);
      }
    } catch (IOException e) {
      scrapeHandler.close();
      throw new IOException("cannot listen on " + b.host + ":" + b.port + ": " + e.getMessage(), e);
    }
    this.server = created;
    Executor delegate = b.executor;
    if (delegate == null) {
      AtomicInteger n = new AtomicInteger();
      ElasticPool pool = new ElasticPool(b.threads, THREAD_KEEP_ALIVE_MILLIS, r -> {
        Thread t = new Thread(r, "hearth-http-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
      this.ownPool = pool;
      delegate = pool;
    } else {
      this.ownPool = null;
    }
    this.watchdog = new WatchdogExecutor(delegate, b.requestTimeout.toNanos());
    server.setExecutor(watchdog);
    contexts.add(server.createContext("/", handler));
  }

  /** A builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The port the server listens on (the actual port when 0 was asked for). */
  public int getPort() {
    return server.getAddress().getPort();
  }

  /** The address the server listens on. */
  public InetSocketAddress getAddress() {
    return server.getAddress();
  }

  /**
   * Stops serving. A server this class created stops listening (the port is free again) and its
   * threads end; for a server passed to {@link Builder#httpServer(HttpServer)}, only the
   * {@code /metrics}, {@code /-/healthy} and {@code /cardinality} contexts are removed.
   * Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (ownsServer) {
      server.stop(0);
    } else {
      for (HttpContext c : contexts) {
        try {
          server.removeContext(c);
        } catch (IllegalArgumentException e) {
          // already removed by the owner
        }
      }
    }
    scrapeHandler.close();
    if (watchdog != null) {
      watchdog.close();
    }
    if (ownPool != null) {
      ownPool.shutdownNow();
      try {
        ownPool.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Configures an {@link HTTPServer}. */
  public static final class Builder {
    private String host = "0.0.0.0";
    private int port = -1;
    private CollectorRegistry registry = CollectorRegistry.defaultRegistry();
    private HttpServer existing;
    private SSLContext sslContext;
    private Credentials authenticator;
    private Executor executor;
    private int threads = DEFAULT_THREADS;
    private boolean threadsSet;
    private Duration scrapeTimeout = Duration.ofSeconds(30);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private boolean createdSeries = false;

    private Builder() {}

    /**
     * The address to listen on, a host name or IP literal. Default {@code 0.0.0.0}, every
     * interface, as client_java and Python prometheus_client do, since Prometheus usually scrapes
     * from another host; use {@code "127.0.0.1"} to serve this machine only.
     */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port to listen on, 0 for any free (ephemeral) port. Required unless an existing server is given. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
      }
      this.port = port;
      return this;
    }

    /** The registry to serve (default {@link CollectorRegistry#defaultRegistry()}). */
    public Builder registry(CollectorRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Adds the {@code /metrics}, {@code /-/healthy} and {@code /cardinality} contexts to this
     * existing server (plain or {@link HttpsServer}) instead of creating one. Binding, the
     * executor, starting and stopping stay the caller's job, and the request timeout does not
     * apply. Excludes {@link #host}, {@link #port}, {@link #sslContext}, {@link #threads} and
     * {@link #executor}.
     */
    public Builder httpServer(HttpServer server) {
      this.existing = Objects.requireNonNull(server, "server");
      return this;
    }

    /** Serves HTTPS with this TLS context (for example from a PKCS#12 key store). */
    public Builder sslContext(SSLContext sslContext) {
      this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
      return this;
    }

    /**
     * Requires HTTP Basic authentication on {@code /metrics}; missing or wrong credentials get
     * 401 with {@code WWW-Authenticate}. Credentials are compared in constant time.
     */
    public Builder basicAuth(String username, String password) {
      requireNoAuth();
      this.authenticator = Credentials.basic(username, password);
      return this;
    }

    /** Requires {@code Authorization: Bearer <token>} on {@code /metrics}, compared in constant time. */
    public Builder bearerToken(String token) {
      requireNoAuth();
      this.authenticator = Credentials.bearer(token);
      return this;
    }

    private void requireNoAuth() {
      if (authenticator != null) {
        throw new IllegalStateException("only one of basicAuth and bearerToken may be set");
      }
    }

    /**
     * The most request-handling daemon threads of the server's own pool (default
     * {@value HTTPServer#DEFAULT_THREADS}). Threads start when every other one is busy and end
     * after 10 s idle; beyond the maximum, requests wait for a thread. Since a client that sends
     * its headers or reads its response slowly holds a thread (up to 10 s, or the request timeout
     * when reading), this bounds how many slow clients the server outlasts without delaying
     * scrapes.
     */
    public Builder threads(int threads) {
      if (threads < 1 || threads > 10_000) {
        throw new IllegalArgumentException("threads must be in [1, 10000], got " + threads);
      }
      this.threads = threads;
      this.threadsSet = true;
      return this;
    }

    /**
     * Handles requests on this executor instead of the server's own pool; the caller owns it and
     * shuts it down. The JDK server also reads request headers and writes responses on it, so
     * every slow client holds one of its threads: it should be bounded, but large enough that
     * slow clients cannot take all of it (a small fixed pool is starved by a handful).
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The longest a scrape waits for collection before answering 503 (default 30 s). Prometheus'
     * {@code X-Prometheus-Scrape-Timeout-Seconds} header lowers it per request.
     */
    public Builder scrapeTimeout(Duration timeout) {
      this.scrapeTimeout = positive(timeout, "scrapeTimeout");
      return this;
    }

    /**
     * Whether to write {@code _created} series (default false, as client_java; Python
     * prometheus_client always writes them; see
     * {@link ScrapeHandler.Builder#createdSeries(boolean)} for why).
     */
    public Builder createdSeries(boolean createdSeries) {
      this.createdSeries = createdSeries;
      return this;
    }

    /**
     * The longest one request may occupy a handler thread, from reading its first byte to
     * writing its last (default 60 s); slower clients are disconnected. Must exceed the scrape
     * timeout.
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, got " + d);
      }
      return d;
    }

    /**
     * Creates the server and starts it (a server passed to {@link #httpServer} only gets the
     * contexts; it is not started here).
     *
     * @throws IOException when the address cannot be bound
     * @throws IllegalStateException when the configuration is incomplete or contradictory
     */
    public HTTPServer buildAndStart() throws IOException {
      if (existing != null) {
        List<String> conflicts = new ArrayList<>();
        if (port >= 0) {
          conflicts.add("port");
        }
        if (!host.equals("0.0.0.0")) {
          conflicts.add("host");
        }
        if (sslContext != null) {
          conflicts.add("sslContext");
        }
        if (executor != null || threadsSet) {
          conflicts.add("executor/threads");
        }
        if (!conflicts.isEmpty()) {
          throw new IllegalStateException("httpServer(...) excludes " + String.join(", ", conflicts)
              + ": configure the existing server itself");
        }
        return new HTTPServer(this);
      }
      if (port < 0) {
        throw new IllegalStateException("port not set: call port(int), 0 for an ephemeral port");
      }
      if (requestTimeout.compareTo(scrapeTimeout) <= 0) {
        throw new IllegalStateException("requestTimeout (" + requestTimeout
            + ") must exceed scrapeTimeout (" + scrapeTimeout + ")");
      }
      HTTPServer s = new HTTPServer(this);
      try {
        s.server.start();
      } catch (RuntimeException e) {
        s.close();
        throw e;
      }
      return s;
    }
  }
}
