package dev.hearth.httpserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ElasticPoolTest {
  private final AtomicInteger created = new AtomicInteger();
  private ElasticPool pool;

  private ElasticPool pool(int max, long keepAliveMillis) {
    pool = new ElasticPool(max, keepAliveMillis, r -> {
      created.incrementAndGet();
      Thread t = new Thread(r, "elastic-test");
      t.setDaemon(true);
      return t;
    });
    return pool;
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void startsAThreadForEachBusyTaskUpToTheMaximum() throws Exception {
    ElasticPool p = pool(50, 60_000);
    CountDownLatch release = new CountDownLatch(1);
    Blocked tasks = block(p, 40, release);
    // 40 blocked tasks run at once: none waits in line behind the others
    assertThat(tasks.started.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.getPoolSize()).isEqualTo(40);
    assertThat(p.getQueue()).isEmpty();
    release.countDown();
  }

  @Test
  void reusesAnIdleThreadInsteadOfStartingAnother() throws Exception {
    ElasticPool p = pool(50, 60_000);
    for (int i = 0; i < 200; i++) {
      CountDownLatch done = new CountDownLatch(1);
      p.execute(done::countDown);
      assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
      waitUntilIdle(p);
    }
    assertThat(created.get()).as("threads created for 200 one-at-a-time tasks").isEqualTo(1);
  }

  @Test
  void queuesAtTheMaximumAndRunsTheQueuedTasksLater() throws Exception {
    ElasticPool p = pool(2, 60_000);
    CountDownLatch release = new CountDownLatch(1);
    Blocked tasks = block(p, 5, release);
    assertThat(p.getPoolSize()).isEqualTo(2);
    assertThat(p.getQueue()).hasSize(3);
    release.countDown();
    assertThat(tasks.finished.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(created.get()).isEqualTo(2);
  }

  @Test
  void idleThreadsEndAfterTheKeepAlive() throws Exception {
    ElasticPool p = pool(10, 100);
    CountDownLatch release = new CountDownLatch(1);
    block(p, 5, release);
    assertThat(p.getPoolSize()).isEqualTo(5);
    release.countDown();
    assertThat(ProcessBaseline.waitUntil(() -> p.getPoolSize() == 0, 10)).isTrue();
  }

  @Test
  void rejectsAfterShutdown() {
    ElasticPool p = pool(2, 60_000);
    p.shutdown();
    assertThatThrownBy(() -> p.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
  }

  record Blocked(CountDownLatch started, CountDownLatch finished) {}

  /** Submits {@code n} tasks that each wait for {@code release}. */
  private static Blocked block(ElasticPool p, int n, CountDownLatch release) {
    Blocked b = new Blocked(new CountDownLatch(n), new CountDownLatch(n));
    for (int i = 0; i < n; i++) {
      p.execute(() -> {
        b.started.countDown();
        await(release);
        b.finished.countDown();
      });
    }
    return b;
  }

  private static void waitUntilIdle(ElasticPool p) throws InterruptedException {
    assertThat(ProcessBaseline.waitUntil(() -> p.getActiveCount() == 0, 5)).isTrue();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
