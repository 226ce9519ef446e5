package dev.hearth.exporter.common;

import dev.hearth.CollectorRegistry;
import dev.hearth.exposition.ContentNegotiation;
import dev.hearth.exposition.Exposition;
import dev.hearth.exposition.ExpositionFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;

/**
 * The framework-neutral logic of a {@code /metrics} endpoint, used by Hearth's HTTP server and
 * servlet (and usable by adapters for other HTTP frameworks).
 *
 * <pre>{@code
 * ScrapeHandler handler = ScrapeHandler.builder().registry(registry).build();
 * ScrapeResponse r = handler.scrape(request.rawQuery(), request.header("Accept"),
 *     request.header("Accept-Encoding"), request.header("X-Prometheus-Scrape-Timeout-Seconds"));
 * response.status(r.status());
 * r.headers().forEach(response::header);
 * r.writeBody(response.outputStream());
 * }</pre>
 *
 * <ul>
 *   <li><b>Format:</b> chosen by {@link ContentNegotiation} from the {@code Accept} header
 *       (q-values honoured); OpenMetrics 1.0.0 carries exemplars, the default is text 0.0.4. The
 *       {@code Content-Type} is exactly {@link ExpositionFormat#contentType()}.
 *   <li><b>Compression:</b> gzip when {@code Accept-Encoding} accepts {@code gzip} (or
 *       {@code x-gzip}, or {@code *}) with a q-value above 0. The exposition is written straight
 *       into the compressor (deflate level {@value #DEFAULT_GZIP_LEVEL} by default), and a large
 *       body is compressed in 256 KiB chunks by idle {@linkplain Builder#compressionThreads(int)
 *       helper threads} too, still as one gzip stream.
 *   <li><b>Created series:</b> {@code _created} series are left out unless
 *       {@linkplain Builder#createdSeries(boolean) turned on}, as client_java and client_golang
 *       do: Prometheus 2.x stores each as one more series and uses it for nothing else.
 *   <li><b>Filtering:</b> {@code name[]=...} query parameters select metric families as Python
 *       prometheus_client does ({@link CollectorRegistry#collect(java.util.function.Predicate)}). At
 *       most {@value #MAX_NAMES} names of at most {@value #MAX_NAME_LENGTH} characters, each a
 *       valid metric name, in a query of at most {@value #MAX_QUERY_LENGTH} characters; otherwise
 *       400 (414 for a longer query). Other parameters are ignored.
 *   <li><b>Timeout:</b> a scrape waits for its collection at most the builder's
 *       {@linkplain Builder#scrapeTimeout(Duration) scrape timeout}, lowered by a valid
 *       {@code X-Prometheus-Scrape-Timeout-Seconds} header; past it the answer is 503.
 *   <li><b>Single flight:</b> collection runs on the handler's own small pool of daemon threads.
 *       Scrapes that arrive while a collection for the same format, filter and encoding is in
 *       flight share its result instead of collecting again, so N concurrent scrapes cost one
 *       collection. The body is complete in memory before it is returned, so a slow client never
 *       holds up a collection.
 *   <li><b>Errors:</b> a failing collection answers 500 with a short message (the exception goes
 *       to the {@code System.Logger} of this class, never into the body).
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} stops the collection threads.
 */
public final class ScrapeHandler implements AutoCloseable {
  /** The most {@code name[]} parameters one scrape may carry. */
  public static final int MAX_NAMES = 100;
  /** The longest {@code name[]} value accepted, in characters. */
  public static final int MAX_NAME_LENGTH = 200;
  /** The longest raw query string accepted, in characters. */
  public static final int MAX_QUERY_LENGTH = 65536;
  /** The default {@linkplain Builder#gzipLevel(int) deflate level}. */
  public static final int DEFAULT_GZIP_LEVEL = 1;

  private static final System.Logger LOG = System.getLogger(ScrapeHandler.class.getName());
  private static final String VARY = "Accept, Accept-Encoding";

  private final CollectorRegistry registry;
  private final long scrapeTimeoutNanos;
  private final boolean createdSeries;
  private final ThreadPoolExecutor collectors;
  private final ThreadPoolExecutor compressors; // null without compression threads
  private final int compressionThreads;
  private final int gzipLevel;
  private final ConcurrentHashMap<Key, CompletableFuture<byte[]>> inFlight =
      new ConcurrentHashMap<>();
  /** Scrapes currently waiting for a collection (for tests of the single flight). */
  final AtomicInteger waiting = new AtomicInteger();
  /** Collections started so far (for tests of the single flight). */
  final AtomicInteger collections = new AtomicInteger();
  /** The size of the last unfiltered uncompressed body per format: a size hint. */
  private final int[] lastSize = new int[ExpositionFormat.values().length];
  private volatile boolean closed;

  private ScrapeHandler(Builder b) {
    this.registry = b.registry;
    this.scrapeTimeoutNanos = b.scrapeTimeout.toNanos();
    this.createdSeries = b.createdSeries;
    this.collectors = pool("hearth-collect-", b.collectorThreads);
    this.compressors = b.compressionThreads == 0 ? null : pool("hearth-gzip-", b.compressionThreads);
    this.compressionThreads = b.compressionThreads;
    this.gzipLevel = b.gzipLevel;
  }

  /** Daemon threads that exit after 30 s idle. */
  private static ThreadPoolExecutor pool(String name, int size) {
    AtomicInteger n = new AtomicInteger();
    ThreadFactory threads = r -> {
      Thread t = new Thread(r, name + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), threads);
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * The registry's cardinality report ({@link CollectorRegistry#cardinality()}) as JSON, for a
   * {@code /cardinality} endpoint: series per metric, limits, labels ranked by distinct values.
   */
  public ScrapeResponse cardinality() {
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    headers.put("Content-Type", "application/json; charset=utf-8");
    return new ScrapeResponse(200, headers,
        registry.cardinality().toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** A builder; the registry defaults to {@link CollectorRegistry#defaultRegistry()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures a {@link ScrapeHandler}. */
  public static final class Builder {
    private CollectorRegistry registry = CollectorRegistry.defaultRegistry();
    private Duration scrapeTimeout = Duration.ofSeconds(30);
    private int collectorThreads = 2;
    private boolean createdSeries = false;
    private int compressionThreads = defaultCompressionThreads();
    private int gzipLevel = DEFAULT_GZIP_LEVEL;

    private Builder() {}

    /**
     * Whether to write the {@code _created} series of counters, histograms and summaries (default
     * false, as client_java and client_golang; Python prometheus_client always writes them, and
     * {@code Exposition.generateLatest} and {@code TextFile} still do). In text 0.0.4 they are
     * separate {@code x_created} gauge families, in OpenMetrics {@code x_created} samples.
     * Prometheus 2.x stores each as one more series and uses it for nothing else, so leaving them
     * out halves the series a counter-heavy service costs Prometheus and its body, and makes a
     * gzip scrape about 1.5x faster; turn them on for a consumer that reads creation times.
     */
    public Builder createdSeries(boolean createdSeries) {
      this.createdSeries = createdSeries;
      return this;
    }

    /**
     * How many threads may help compress one large gzip body in parallel, chunk by chunk (default:
     * the number of processors minus one, at most 3; 0: the collecting thread compresses alone).
     * Bodies under 256 KiB are always compressed by the collecting thread; a busy pool never
     * delays a scrape, as the collecting thread compresses whatever no helper has started.
     */
    public Builder compressionThreads(int threads) {
      if (threads < 0 || threads > 64) {
        throw new IllegalArgumentException("compressionThreads must be in [0, 64], got " + threads);
      }
      this.compressionThreads = threads;
      return this;
    }

    /**
     * The deflate level of gzip bodies, 1 (fastest) to 9 (smallest); default
     * {@value #DEFAULT_GZIP_LEVEL}. Prometheus decompresses any level.
     */
    public Builder gzipLevel(int level) {
      if (level < Deflater.BEST_SPEED || level > Deflater.BEST_COMPRESSION) {
        throw new IllegalArgumentException("gzipLevel must be in [1, 9], got " + level);
      }
      this.gzipLevel = level;
      return this;
    }

    /** The registry to expose (default: {@link CollectorRegistry#defaultRegistry()}). */
    public Builder registry(CollectorRegistry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * The longest a scrape waits for its collection before answering 503 (default 30 s). A
     * smaller {@code X-Prometheus-Scrape-Timeout-Seconds} request header lowers it.
     */
    public Builder scrapeTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("scrapeTimeout must be positive, got " + timeout);
      }
      this.scrapeTimeout = timeout;
      return this;
    }

    /**
     * How many collections (of different formats or filters) may run at once (default 2). The
     * threads are daemons and exit when idle.
     */
    public Builder collectorThreads(int threads) {
      if (threads < 1 || threads > 64) {
        throw new IllegalArgumentException("collectorThreads must be in [1, 64], got " + threads);
      }
      this.collectorThreads = threads;
      return this;
    }

    /** The handler. */
    public ScrapeHandler build() {
      return new ScrapeHandler(this);
    }
  }

  /** The registry this handler exposes. */
  public CollectorRegistry registry() {
    return registry;
  }

  /**
   * Answers one {@code GET /metrics}. Every argument may be null (absent). Never throws for bad
   * input: malformed requests get a 4xx response.
   *
   * @param rawQuery the raw (still percent-encoded) query string, without {@code ?}
   * @param accept the {@code Accept} header (several headers joined with {@code ", "})
   * @param acceptEncoding the {@code Accept-Encoding} header
   * @param scrapeTimeoutSeconds the {@code X-Prometheus-Scrape-Timeout-Seconds} header
   */
  public ScrapeResponse scrape(String rawQuery, String accept, String acceptEncoding,
      String scrapeTimeoutSeconds) {
    if (closed) {
      return ScrapeResponse.error(503, "metrics endpoint is shut down");
    }
    Set<String> names;
    try {
      names = NameQuery.parse(rawQuery);
    } catch (NameQuery.BadQueryException e) {
      return ScrapeResponse.error(e.status, e.getMessage());
    }
    ExpositionFormat format = ContentNegotiation.choose(accept);
    boolean gzip = ContentNegotiation.acceptsGzip(acceptEncoding);
    long timeoutNanos = timeoutNanos(scrapeTimeoutSeconds);
    Key key = new Key(format, names, gzip);
    CompletableFuture<byte[]> body = collection(key);
    byte[] bytes;
    waiting.incrementAndGet();
    try {
      bytes = body.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return ScrapeResponse.error(503, "metrics collection did not finish within "
          + seconds(timeoutNanos) + " s (scrape timeout)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ScrapeResponse.error(503, "interrupted while waiting for metrics collection");
    } catch (CancellationException e) {
      return ScrapeResponse.error(503, "metrics endpoint is shut down");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RejectedExecutionException || cause instanceof ClosedException) {
        return ScrapeResponse.error(503, "metrics endpoint is shut down");
      }
      LOG.log(System.Logger.Level.WARNING, "Metrics collection failed", cause);
      return ScrapeResponse.error(500, "metrics collection failed; see the server log");
    } finally {
      waiting.decrementAndGet();
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", format.contentType());
    if (gzip) {
      headers.put("Content-Encoding", "gzip");
    }
    headers.put("Vary", VARY);
    return new ScrapeResponse(200, headers, bytes);
  }

  /** The collection in flight for {@code key}, started if there is none. */
  private CompletableFuture<byte[]> collection(Key key) {
    CompletableFuture<byte[]> mine = new CompletableFuture<>();
    CompletableFuture<byte[]> existing = inFlight.putIfAbsent(key, mine);
    if (existing != null) {
      return existing;
    }
    try {
      collectors.execute(() -> {
        byte[] result = null;
        Throwable failure = null;
        try {
          collections.incrementAndGet();
          result = render(key);
        } catch (Throwable t) {
          failure = t;
        } finally {
          // later scrapes start a fresh collection; those already waiting get this one
          inFlight.remove(key, mine);
        }
        if (failure == null) {
          mine.complete(result);
        } else {
          mine.completeExceptionally(failure);
        }
      });
    } catch (RejectedExecutionException e) {
      inFlight.remove(key, mine);
      mine.completeExceptionally(e);
    }
    return mine;
  }

  private byte[] render(Key key) throws IOException {
    Set<String> names = key.names;
    var snapshots = names == null ? registry.collect() : registry.collect(names::contains);
    if (key.gzip) {
      // the exposition is written straight into the compressor, never built uncompressed first
      GzipEncoder out = new GzipEncoder(gzipLevel, compressors, compressionThreads);
      try {
        Exposition.write(out, snapshots, key.format, createdSeries);
      } catch (IOException | RuntimeException | Error e) {
        out.abandon();
        throw e;
      }
      return out.finish();
    }
    int slot = key.format.ordinal();
    int hint = names == null ? lastSize[slot] : 0;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.max(8192, hint + hint / 8));
    Exposition.write(bytes, snapshots, key.format, createdSeries);
    if (names == null) {
      lastSize[slot] = bytes.size();
    }
    return bytes.toByteArray();
  }

  private static int defaultCompressionThreads() {
    return Math.min(3, Runtime.getRuntime().availableProcessors() - 1);
  }

  private long timeoutNanos(String header) {
    long t = scrapeTimeoutNanos;
    if (header != null) {
      try {
        double s = Double.parseDouble(header.trim());
        if (s > 0 && s < 1e6) {
          t = Math.min(t, (long) (s * 1e9));
        }
      } catch (NumberFormatException e) {
        // not a number: ignored
      }
    }
    return t;
  }

  private static String seconds(long nanos) {
    double s = nanos / 1e9;
    return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
  }

  /**
   * Stops the collection threads. Scrapes waiting for a collection get 503; later scrapes get 503.
   * Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    collectors.shutdownNow();
    if (compressors != null) {
      compressors.shutdownNow();
    }
    for (CompletableFuture<byte[]> f : inFlight.values()) {
      f.completeExceptionally(new ClosedException());
    }
    inFlight.clear();
    try {
      collectors.awaitTermination(2, TimeUnit.SECONDS);
      if (compressors != null) {
        compressors.awaitTermination(2, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Marks collections abandoned by {@link #close()}. */
  private static final class ClosedException extends Exception {
    private static final long serialVersionUID = 1L;

    ClosedException() {
      super("closed", null, false, false);
    }
  }

  /** What one collection is for. */
  private static final class Key {
    final ExpositionFormat format;
    final Set<String> names; // null: everything
    final boolean gzip;

    Key(ExpositionFormat format, Set<String> names, boolean gzip) {
      this.format = format;
      this.names = names;
      this.gzip = gzip;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Key)) {
        return false;
      }
      Key k = (Key) o;
      return format == k.format && gzip == k.gzip && Objects.equals(names, k.names);
    }

    @Override
    public int hashCode() {
      return Objects.hash(format, names, gzip);
    }
  }
}
