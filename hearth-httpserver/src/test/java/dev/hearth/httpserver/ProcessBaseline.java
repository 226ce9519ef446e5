package dev.hearth.httpserver;

import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The test JVM's threads and open file descriptors ({@code /proc/self/fd}) before an attack, and
 * a check that both come back to it afterwards.
 *
 * <p>Server threads ({@code hearth-*}, the JDK server's {@code HTTP-Dispatcher} and its timer
 * threads) must all be gone, strictly. Other new threads and new descriptors are allowed a small
 * slack, because the JVM opens some lazily the first time a feature is used during the attack
 * (a jar or jimage opened to load a class, the Attach Listener, a JIT compiler thread, the epoll
 * descriptors of the first NIO selector): {@value #THREAD_SLACK} threads and {@value #FD_SLACK}
 * descriptors, each far below the hundreds a leak per connection would show.
 *
 * <p>Public for the adversarial suite (hearth-adversarial uses this module's test-jar).
 */
public final class ProcessBaseline {
  /** New threads tolerated that are not server threads. */
  public static final int THREAD_SLACK = 3;
  /** New file descriptors tolerated. */
  public static final int FD_SLACK = 6;

  private final Set<Thread> threads;
  private final int fds;

  private ProcessBaseline(Set<Thread> threads, int fds) {
    this.threads = threads;
    this.fds = fds;
  }

  /** Takes the baseline (after waiting for servers of earlier tests to end). */
  public static ProcessBaseline take() throws InterruptedException {
    waitUntil(() -> serverThreads().isEmpty(), 30);
    return new ProcessBaseline(new HashSet<>(Thread.getAllStackTraces().keySet()), openFds());
  }

  /** Open descriptors at the baseline. */
  public int fds() {
    return fds;
  }

  /** Waits up to {@code seconds} for the threads and descriptors to return; fails otherwise. */
  public void assertRestored(int seconds) throws InterruptedException {
    boolean ok = waitUntil(() -> serverThreads().isEmpty() && newThreads().size() <= THREAD_SLACK
        && openFds() <= fds + FD_SLACK, seconds);
    System.out.printf("  baseline: threads %d -> %d (new: %s), fds %d -> %d%n", threads.size(),
        Thread.getAllStackTraces().size(), names(newThreads()), fds, openFds());
    if (!ok) {
      throw new AssertionError("after " + seconds + " s, server threads " + names(serverThreads())
          + ", new threads " + names(newThreads()) + " (slack " + THREAD_SLACK + "), open fds "
          + openFds() + " (baseline " + fds + " + slack " + FD_SLACK + ")");
    }
  }

  private List<Thread> newThreads() {
    List<Thread> out = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && !threads.contains(t)) {
        out.add(t);
      }
    }
    return out;
  }

  /** Threads of a Hearth HTTP server or of the JDK server under it. */
  public static List<Thread> serverThreads() {
    List<Thread> out = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String n = t.getName();
      if (t.isAlive() && (n.startsWith("hearth-http") || n.startsWith("hearth-collect")
          || n.equals("HTTP-Dispatcher") || n.equals("idle-timeout-task")
          || n.equals("req-rsp-timeout-task"))) {
        out.add(t);
      }
    }
    return out;
  }

  /** Entries of {@code /proc/self/fd}, -1 where there is none. */
  public static int openFds() {
    String[] list = new File("/proc/self/fd").list();
    return list == null ? -1 : list.length;
  }

  private static List<String> names(List<Thread> ts) {
    List<String> out = new ArrayList<>();
    for (Thread t : ts) {
      out.add(t.getName());
    }
    return out;
  }

  /** A condition polled by {@link #waitUntil}. */
  public interface Condition {
    boolean holds();
  }

  /** Polls {@code c} every 50 ms for up to {@code seconds}; whether it came to hold. */
  public static boolean waitUntil(Condition c, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!c.holds()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(50);
    }
    return true;
  }
}
