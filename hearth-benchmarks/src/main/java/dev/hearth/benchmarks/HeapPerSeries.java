package dev.hearth.benchmarks;

import dev.hearth.CollectorRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Case 5: retained heap per labeled counter series. Run one library per JVM:
 *
 * <pre>
 * java -Xms4g -Xmx4g -XX:+UseSerialGC -cp target/benchmarks.jar dev.hearth.benchmarks.HeapPerSeries hearth
 * </pre>
 *
 * <p>Libraries: {@code hearth}, {@code clientJava}, {@code otel}, {@code micrometer}, {@code chm}
 * (a bare {@code ConcurrentHashMap<List<String>, LongAdder>}), {@code longAdder} (a bare array of
 * {@code LongAdder}s: no key, no map; the floor for a contended series). With
 * {@code -Dcontended=true} two threads increment every series at once (see
 * {@code recordContended}); run it also with {@code -XX:ActiveProcessorCount=64} to see what a
 * large machine's striping costs per series. The counter (3 labels) and its
 * registry are created, and the 300 label-value Strings of the 100 x 100 x 100 combinations are
 * created and kept alive, <em>before</em> the baseline, so neither is counted; everything the
 * library allocates per series and keeps (keys, label arrays, Attributes, Tags, cells, map
 * entries) is. Then 1,000,000 series ({@code -Dseries=N} to change) are created by incrementing
 * each once, and the heap used after {@code System.gc()} (5 times) is compared. Prints one line
 * {@code HEAP library=... series=... bytesPerSeries=...}. A serial collector gives the most exact
 * "used" figure; object sizes do not depend on the collector.
 */
public final class HeapPerSeries {
  private HeapPerSeries() {}

  private static final String NAME = "http_requests";

  /** One library's labeled counter. */
  private interface Subject {
    void record(int i, String a, String b, String c);

    /** The number of series the library holds (a check, after the measurement). */
    long seriesCount();
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: HeapPerSeries hearth|clientJava|otel|micrometer|chm|longAdder");
      System.exit(2);
    }
    String library = args[0];
    int n = Integer.getInteger("series", 1_000_000);
    int side = (int) Math.ceil(Math.cbrt(n));
    String[] as = values("GET", side);
    String[] bs = values("/api/v1/resource/", side);
    String[] cs = values("pod-", side);

    Subject subject = subject(library, n);
    // the first measurement in a JVM reads about 22 MB more than every later one (the serial
    // collector's eden after the first System.gc() calls; seen with nothing allocated between),
    // so measure once before the baseline
    usedAfterGc();
    long before = usedAfterGc();
    long start = System.nanoTime();
    if (CONTENDED) {
      recordContended(subject, n, as, bs, cs, side);
    } else {
      for (int i = 0; i < n; i++) {
        subject.record(i, as[i % side], bs[(i / side) % side], cs[i / (side * side)]);
      }
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    long after = usedAfterGc();
    Reference.reachabilityFence(subject);
    Reference.reachabilityFence(as);
    Reference.reachabilityFence(bs);
    Reference.reachabilityFence(cs);

    long series = subject.seriesCount();
    if (series != n) {
      throw new IllegalStateException(library + " holds " + series + " series, expected " + n);
    }
    double perSeries = (after - before) / (double) n;
    System.out.printf(Locale.ROOT,
        "HEAP library=%s%s series=%d bytesPerSeries=%.1f retainedBytes=%d createMillis=%d cpus=%d jvm=%s%n",
        library, CONTENDED ? "/contended" : "", n, perSeries, after - before, millis,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"));
  }

  /** {@code -Dcontended=true}: every series is incremented by two threads at once. */
  private static final boolean CONTENDED = Boolean.getBoolean("contended");
  private static final int CHUNK = 16;
  private static final int REPS = 1000;

  /**
   * Two threads take the series in chunks of {@value #CHUNK}, both starting each chunk together
   * (a barrier), and increment each series of it {@value #REPS} times in the same order, so
   * nearly every series sees simultaneous updates (both threads on the same series at once) as a
   * hot series of a busy service does.
   */
  private static void recordContended(Subject subject, int n, String[] as, String[] bs,
      String[] cs, int side) throws InterruptedException {
    java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(2);
    Runnable work = () -> {
      try {
        for (int from = 0; from < n; from += CHUNK) {
          barrier.await();
          for (int i = from; i < Math.min(n, from + CHUNK); i++) {
            for (int r = 0; r < REPS; r++) {
              subject.record(i, as[i % side], bs[(i / side) % side], cs[i / (side * side)]);
            }
          }
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    Thread t = new Thread(work, "contender");
    t.start();
    work.run();
    t.join();
  }

  private static String[] values(String prefix, int count) {
    String[] out = new String[count];
    for (int i = 0; i < count; i++) {
      out[i] = prefix + i;
    }
    return out;
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static Subject subject(String library, int n) {
    switch (library) {
      case "hearth": {
        dev.hearth.Counter c = dev.hearth.Counter.builder(NAME).help("Requests.")
            .labelNames(Fixtures.LABEL_NAMES).unlimitedSeries().register(new CollectorRegistry());
        return new Subject() {
          @Override
          public void record(int i, String a, String b, String cc) {
            c.labels(a, b, cc).inc();
          }

          @Override
          public long seriesCount() {
            return c.childCount();
          }
        };
      }
      case "clientJava": {
        io.prometheus.metrics.core.metrics.Counter c = io.prometheus.metrics.core.metrics.Counter
            .builder().name(NAME).help("Requests.").labelNames(Fixtures.LABEL_NAMES)
            .withoutExemplars().register(new PrometheusRegistry());
        return new Subject() {
          @Override
          public void record(int i, String a, String b, String cc) {
            c.labelValues(a, b, cc).inc();
          }

          @Override
          public long seriesCount() {
            return c.collect().getDataPoints().size();
          }
        };
      }
      case "micrometer": {
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return new Subject() {
          @Override
          public void record(int i, String a, String b, String c) {
            r.counter(NAME, "method", a, "path", b, "status", c).increment();
          }

          @Override
          public long seriesCount() {
            return r.getMeters().size();
          }
        };
      }
      case "otel": {
        OtelSupport.PullReader reader = new OtelSupport.PullReader();
        SdkMeterProvider provider = OtelSupport.withView(reader, NAME,
            View.builder().setCardinalityLimit(2 * n).build());
        LongCounter c = provider.get("heap").counterBuilder(NAME).build();
        return new Subject() {
          @Override
          public void record(int i, String a, String b, String cc) {
            c.add(1, Attributes.of(Fixtures.K1, a, Fixtures.K2, b, Fixtures.K3, cc));
          }

          @Override
          public long seriesCount() {
            long points = 0;
            for (MetricData m : reader.collect()) {
              points += m.getLongSumData().getPoints().size();
            }
            Reference.reachabilityFence(provider);
            return points;
          }
        };
      }
      case "longAdder": {
        LongAdder[] adders = new LongAdder[n];
        return new Subject() {
          @Override
          public void record(int i, String a, String b, String c) {
            LongAdder l = adders[i];
            if (l == null) {
              synchronized (adders) {
                l = adders[i];
                if (l == null) {
                  l = new LongAdder();
                  adders[i] = l;
                }
              }
            }
            l.increment();
          }

          @Override
          public long seriesCount() {
            long count = 0;
            for (LongAdder l : adders) {
              count += l != null ? 1 : 0;
            }
            return count;
          }
        };
      }
      case "chm": {
        ConcurrentHashMap<List<String>, LongAdder> map = new ConcurrentHashMap<>();
        return new Subject() {
          @Override
          public void record(int i, String a, String b, String c) {
            map.computeIfAbsent(List.of(a, b, c), k -> new LongAdder()).increment();
          }

          @Override
          public long seriesCount() {
            return map.size();
          }
        };
      }
      default:
        throw new IllegalArgumentException("unknown library '" + library
            + "'; one of hearth, clientJava, otel, micrometer, chm, longAdder");
    }
  }
}
