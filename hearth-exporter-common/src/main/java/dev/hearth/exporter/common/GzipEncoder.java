package dev.hearth.exporter.common;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Compresses what is written to it into one gzip member (RFC 1952), as it is written: the caller
 * writes the exposition straight into it and {@link #finish()} returns the complete gzip body.
 *
 * <p>The input is cut into {@value #CHUNK}-byte chunks, each compressed as raw deflate by its own
 * job, as pigz does: a chunk's deflater is primed with the last 32 KiB of the previous chunk's
 * input as preset dictionary (so matches reach back across the cut as in one stream), every chunk
 * but the last ends with a {@code SYNC_FLUSH} (byte-aligned, not final) and the last with
 * {@code FINISH}; the compressed chunks are concatenated between the gzip header and a trailer
 * with one CRC-32 over the whole input, computed as it is written. Full chunks are offered to the
 * {@linkplain Shared#helpers helper threads}; the writing thread compresses any chunk no helper
 * has started (at the end, and whenever more chunks wait than there are helpers), so the result
 * never waits for a busy pool and memory stays bounded to a few chunks per helper. A body of one
 * chunk is compressed by the writing thread alone, without any hand-off.
 *
 * <p>Not thread-safe: one writer per instance. {@link #finish()} or {@link #abandon()} must be
 * called once; both give the pooled deflaters and buffers back.
 */
final class GzipEncoder extends OutputStream {
  /** Input bytes per chunk (also the size of the pooled buffers). */
  static final int CHUNK = 256 * 1024;
  /** The deflate window: how far back the next chunk's dictionary reaches. */
  static final int WINDOW = 32 * 1024;

  private static final byte[] HEADER = {
    0x1f, (byte) 0x8b, // magic
    8, // deflate
    0, // no flags: no name, no comment, no extra field
    0, 0, 0, 0, // no modification time
    0, // no extra flags
    (byte) 255 // operating system: unknown
  };

  private final Shared shared;
  private final CRC32 crc = new CRC32();
  private final ArrayList<Job> jobs = new ArrayList<>();
  /** Jobs before this index have been run by this thread or awaited; their inputs are released. */
  private int settled;
  private byte[] chunk;
  private int fill;
  private long total;
  private boolean done;

  GzipEncoder(Shared shared) {
    this.shared = shared;
    this.chunk = shared.buffer();
  }

  @Override
  public void write(int b) throws IOException {
    if (fill == CHUNK) {
      dispatch();
    }
    chunk[fill++] = (byte) b;
    crc.update(b);
    total++;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    crc.update(b, off, len);
    total += len;
    while (len > 0) {
      if (fill == CHUNK) {
        dispatch();
      }
      int n = Math.min(len, CHUNK - fill);
      System.arraycopy(b, off, chunk, fill, n);
      fill += n;
      off += n;
      len -= n;
    }
  }

  /** Hands the full chunk to a job (offered to the helpers) and starts the next chunk. */
  private void dispatch() throws IOException {
    Job job = newJob(false);
    Executor helpers = shared.helpers;
    if (helpers != null) {
      try {
        helpers.execute(job::tryRun);
      } catch (RejectedExecutionException e) {
        // the pool is shutting down: this thread compresses the chunk itself
      }
    }
    chunk = shared.buffer();
    fill = 0;
    // Keep at most as many chunks waiting as there are helpers: run the oldest ones here.
    int waiting = 0;
    for (int i = settled; i < jobs.size(); i++) {
      if (!jobs.get(i).claimed.get()) {
        waiting++;
      }
    }
    for (int i = settled; i < jobs.size() && waiting > shared.helperCount; i++) {
      if (jobs.get(i).tryRun()) {
        waiting--;
      }
    }
    settle(false);
  }

  private Job newJob(boolean last) {
    Job previous = jobs.isEmpty() ? null : jobs.get(jobs.size() - 1);
    Job job = new Job(shared, chunk, fill, previous, last);
    jobs.add(job);
    return job;
  }

  /**
   * Releases the inputs of finished jobs from {@link #settled} on: a chunk's input is still the
   * dictionary of the next chunk until that one is finished too. With {@code await}, waits for
   * every job.
   */
  private void settle(boolean await) throws IOException {
    while (settled < jobs.size()) {
      Job job = jobs.get(settled);
      Job next = settled + 1 < jobs.size() ? jobs.get(settled + 1) : null;
      if (await) {
        job.await();
        if (next != null) {
          next.await();
        }
      } else if (!job.isDone() || (next == null && !job.last) || (next != null && !next.isDone())) {
        return;
      }
      shared.release(job.input);
      job.input = null;
      settled++;
    }
  }

  /** Compresses what is left and returns the whole gzip body. Call once. */
  byte[] finish() throws IOException {
    if (done) {
      throw new IllegalStateException("finished already");
    }
    done = true;
    try {
      newJob(true);
      chunk = null;
      for (int i = settled; i < jobs.size(); i++) {
        jobs.get(i).tryRun();
      }
      settle(true);
      int size = HEADER.length + 8;
      for (Job job : jobs) {
        job.check();
        size += job.outputLength;
      }
      byte[] body = new byte[size];
      System.arraycopy(HEADER, 0, body, 0, HEADER.length);
      int pos = HEADER.length;
      for (Job job : jobs) {
        System.arraycopy(job.output, 0, body, pos, job.outputLength);
        pos += job.outputLength;
      }
      littleEndian(body, pos, (int) crc.getValue());
      littleEndian(body, pos + 4, (int) total); // ISIZE: the input length modulo 2^32
      return body;
    } finally {
      releaseAll();
    }
  }

  /** Gives the buffers back without producing a body (the exposition failed). Idempotent. */
  void abandon() {
    done = true;
    // helpers may still be compressing: wait for them so that no buffer is released twice
    for (Job job : jobs) {
      job.cancel(); // claims what no helper started, so nothing new starts
    }
    for (Job job : jobs) {
      job.awaitUninterruptibly();
    }
    releaseAll();
  }

  private void releaseAll() {
    for (Job job : jobs) {
      if (job.input != null) {
        shared.release(job.input);
        job.input = null;
      }
      job.output = null;
    }
    if (chunk != null) {
      shared.release(chunk);
      chunk = null;
    }
  }

  private static void littleEndian(byte[] b, int pos, int v) {
    b[pos] = (byte) v;
    b[pos + 1] = (byte) (v >>> 8);
    b[pos + 2] = (byte) (v >>> 16);
    b[pos + 3] = (byte) (v >>> 24);
  }

  /** The compression of one chunk, run once by whichever thread claims it first. */
  private static final class Job {
    final Shared shared;
    final int length;
    final byte[] previousInput; // the previous chunk: its end is this chunk's dictionary
    final int previousLength;
    final boolean last;
    final AtomicBoolean claimed = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    byte[] input;
    // written by the running thread before finished.countDown(), read after await()
    byte[] output;
    int outputLength;
    Throwable failure;

    Job(Shared shared, byte[] input, int length, Job previous, boolean last) {
      this.shared = shared;
      this.input = input;
      this.length = length;
      this.previousInput = previous == null ? null : previous.input;
      this.previousLength = previous == null ? 0 : previous.length;
      this.last = last;
    }

    /** Compresses the chunk if no other thread has claimed it; true if this call did. */
    boolean tryRun() {
      if (!claimed.compareAndSet(false, true)) {
        return false;
      }
      try {
        compress();
      } catch (Throwable t) {
        failure = t;
      } finally {
        finished.countDown();
      }
      return true;
    }

    /** Marks the job done without compressing, unless a thread has claimed it already. */
    void cancel() {
      if (claimed.compareAndSet(false, true)) {
        finished.countDown();
      }
    }

    private void compress() {
      Deflater d = shared.deflater();
      try {
        if (previousInput != null) {
          int n = Math.min(WINDOW, previousLength);
          d.setDictionary(previousInput, previousLength - n, n);
        }
        d.setInput(input, 0, length);
        if (last) {
          d.finish();
        }
        int flush = last ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH;
        byte[] out = shared.buffer();
        int pos = 0;
        while (true) {
          if (pos == out.length) {
            byte[] bigger = Arrays.copyOf(out, out.length * 2);
            shared.release(out);
            out = bigger;
          }
          int space = out.length - pos;
          int n = d.deflate(out, pos, space, flush);
          pos += n;
          if (last ? d.finished() : n < space) {
            break;
          }
        }
        output = Arrays.copyOf(out, pos); // compressed chunks are small: keep them tight
        outputLength = pos;
        shared.release(out);
      } finally {
        shared.release(d);
      }
    }

    boolean isDone() {
      return finished.getCount() == 0;
    }

    void await() throws IOException {
      try {
        finished.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while compressing");
      }
    }

    void awaitUninterruptibly() {
      boolean interrupted = false;
      while (true) {
        try {
          finished.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    void check() throws IOException {
      if (failure instanceof IOException) {
        throw (IOException) failure;
      }
      if (failure instanceof RuntimeException) {
        throw (RuntimeException) failure;
      }
      if (failure instanceof Error) {
        throw (Error) failure;
      }
      if (failure != null) {
        throw new IOException("compression failed", failure);
      }
    }
  }

  /**
   * What the encoders of one {@link ScrapeHandler} share: the deflate level, pooled deflaters and
   * chunk buffers (reused across scrapes; a pooled deflater holds about 256 KiB of native memory
   * until {@link #close()} ends it) and the helper threads.
   */
  static final class Shared {
    /** Pooled deflaters and buffers kept at most (the rest are dropped or ended). */
    private static final int MAX_POOLED = 16;

    final int level;
    final Executor helpers; // null: the writing thread compresses everything
    final int helperCount;
    private final ConcurrentLinkedQueue<Deflater> deflaters = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pooledDeflaters = new AtomicInteger();
    private final ConcurrentLinkedQueue<byte[]> buffers = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pooledBuffers = new AtomicInteger();
    private volatile boolean closed;

    Shared(int level, Executor helpers, int helperCount) {
      this.level = level;
      this.helpers = helperCount == 0 ? null : helpers;
      this.helperCount = helperCount;
    }

    Deflater deflater() {
      Deflater d = deflaters.poll();
      if (d == null) {
        return new Deflater(level, true);
      }
      pooledDeflaters.decrementAndGet();
      return d;
    }

    void release(Deflater d) {
      if (closed || !reserve(pooledDeflaters)) {
        d.end();
        return;
      }
      d.reset();
      deflaters.offer(d);
      if (closed) {
        endPooled(); // closed meanwhile: end what close() may have missed
      }
    }

    /** Takes one of the {@value #MAX_POOLED} places counted by {@code pooled}, if one is free. */
    private static boolean reserve(AtomicInteger pooled) {
      if (pooled.incrementAndGet() <= MAX_POOLED) {
        return true;
      }
      pooled.decrementAndGet();
      return false;
    }

    byte[] buffer() {
      byte[] b = buffers.poll();
      if (b == null) {
        return new byte[CHUNK];
      }
      pooledBuffers.decrementAndGet();
      return b;
    }

    void release(byte[] b) {
      if (b.length == CHUNK && !closed && reserve(pooledBuffers)) {
        buffers.offer(b);
      }
    }

    /** Ends the pooled deflaters; those in use are ended when given back. */
    void close() {
      closed = true;
      endPooled();
      buffers.clear();
    }

    private void endPooled() {
      for (Deflater d; (d = deflaters.poll()) != null; ) {
        d.end();
      }
    }
  }
}
