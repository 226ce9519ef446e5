package dev.hearth.exporter.common;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Compresses what is written to it into one gzip member (RFC 1952), as it is written: the caller
 * writes the exposition straight into it and {@link #finish()} returns the complete gzip body.
 *
 * <p>The input is cut into {@value #CHUNK}-byte chunks, each compressed as raw deflate by its own
 * job, as pigz does: every chunk but the last ends with a {@code SYNC_FLUSH} (byte-aligned, not
 * final) and the last with {@code FINISH}, and the compressed chunks are concatenated between the
 * gzip header and a trailer with one CRC-32 over the whole input, computed as it is written. A
 * chunk compressed right after its predecessor by the same thread continues that deflater, so the
 * writing thread alone produces what one deflater with a sync flush every 256 KiB would; any
 * other chunk gets a fresh deflater primed with the last 32 KiB of the previous chunk's input as
 * preset dictionary, so that its matches reach back across the cut just the same.
 *
 * <p>Full chunks are offered to the helper threads; the writing thread compresses every chunk no
 * helper has started (at the end, and whenever more chunks wait than there are helpers), so the
 * result never waits for a busy pool and at most a few chunks per helper wait in memory. A body
 * of one chunk is compressed by the writing thread alone, without any hand-off.
 *
 * <p>Deflaters are not pooled: creating and ending one per 256 KiB chunk measured the same as
 * resetting a reused one (see the gzip section of hearth-benchmarks/README.md). Every deflater is
 * ended as soon as its chunk is done.
 *
 * <p>Not thread-safe: one writer per instance. {@link #finish()} or {@link #abandon()} must be
 * called once.
 */
final class GzipEncoder extends OutputStream {
  /** Input bytes per chunk. */
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

  private final int level;
  private final Executor helpers; // null: none
  private final int helperCount;
  private final CRC32 crc = new CRC32();
  private final ArrayList<Job> jobs = new ArrayList<>();
  /** Jobs before this index are done and no longer needed as dictionaries. */
  private int settled;
  private byte[] chunk = new byte[CHUNK];
  private int fill;
  private long total;
  private boolean done;
  /** The writing thread's deflater, and the index of the job it compressed last. */
  private Deflater own;
  private int ownLast = -1;

  /**
   * An encoder at deflate {@code level} that offers full chunks to {@code helpers}, which are
   * expected to run up to {@code helperCount} of them at once (0: no helpers).
   */
  GzipEncoder(int level, Executor helpers, int helperCount) {
    this.level = level;
    this.helpers = helperCount == 0 ? null : helpers;
    this.helperCount = helperCount;
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
  private void dispatch() {
    Job job = newJob(false);
    if (helpers != null) {
      try {
        helpers.execute(job::runOnHelper);
      } catch (RejectedExecutionException e) {
        // the pool is shutting down: this thread compresses the chunk itself
      }
    }
    chunk = new byte[CHUNK];
    fill = 0;
    // Keep at most as many chunks waiting as there are helpers: compress the oldest ones here.
    int waiting = 0;
    for (int i = settled; i < jobs.size(); i++) {
      if (!jobs.get(i).claimed.get()) {
        waiting++;
      }
    }
    for (int i = settled; i < jobs.size() && waiting > helperCount; i++) {
      if (runHere(jobs.get(i))) {
        waiting--;
      }
    }
    settle();
  }

  private Job newJob(boolean last) {
    Job previous = jobs.isEmpty() ? null : jobs.get(jobs.size() - 1);
    Job job = new Job(jobs.size(), chunk, fill, previous, last);
    jobs.add(job);
    return job;
  }

  /** Compresses {@code job} on this thread with its own deflater, unless a helper took it. */
  private boolean runHere(Job job) {
    if (!job.claimed.compareAndSet(false, true)) {
      return false;
    }
    if (own == null) {
      own = new Deflater(level, true);
    }
    job.run(own, ownLast == job.index - 1);
    ownLast = job.index;
    return true;
  }

  /** Drops the inputs of done jobs whose successor, which reads them as dictionary, is done. */
  private void settle() {
    while (settled + 1 < jobs.size() && jobs.get(settled).isDone()
        && jobs.get(settled + 1).isDone()) {
      jobs.get(settled++).input = null;
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
        runHere(jobs.get(i));
      }
      int size = HEADER.length + 8;
      for (Job job : jobs) {
        job.await();
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
      abandon();
    }
  }

  /**
   * Ends this thread's deflater and cancels the chunks no helper has started (those running end
   * their own deflaters). For an exposition that failed; {@link #finish()} calls it too.
   */
  void abandon() {
    done = true;
    for (Job job : jobs) {
      job.cancel();
      if (job.isDone()) {
        // helper tasks still queued hold their job: let them hold no chunk data
        job.input = null;
        job.previousInput = null;
        job.output = null;
      }
    }
    if (own != null) {
      own.end();
      own = null;
    }
  }

  private static void littleEndian(byte[] b, int pos, int v) {
    b[pos] = (byte) v;
    b[pos + 1] = (byte) (v >>> 8);
    b[pos + 2] = (byte) (v >>> 16);
    b[pos + 3] = (byte) (v >>> 24);
  }

  /** The compression of one chunk, run once by whichever thread claims it first. */
  private final class Job {
    final int index;
    final int length;
    final boolean last;
    byte[] previousInput; // the previous chunk: its end is this chunk's dictionary
    final int previousLength;
    final AtomicBoolean claimed = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    volatile byte[] input;
    // written by the running thread before finished.countDown(), read after it
    byte[] output;
    int outputLength;
    Throwable failure;

    Job(int index, byte[] input, int length, Job previous, boolean last) {
      this.index = index;
      this.input = input;
      this.length = length;
      this.previousInput = previous == null ? null : previous.input;
      this.previousLength = previous == null ? 0 : previous.length;
      this.last = last;
    }

    /** On a helper thread: compresses the chunk with a fresh deflater, unless already claimed. */
    void runOnHelper() {
      if (!claimed.compareAndSet(false, true)) {
        return;
      }
      Deflater d = new Deflater(level, true);
      try {
        run(d, false);
      } finally {
        d.end();
      }
    }

    /**
     * Compresses the chunk with {@code d}; {@code continuing}: {@code d} has just compressed the
     * previous chunk, whose data is still in its window.
     */
    void run(Deflater d, boolean continuing) {
      try {
        if (!continuing) {
          d.reset();
          if (previousInput != null) {
            int n = Math.min(WINDOW, previousLength);
            d.setDictionary(previousInput, previousLength - n, n);
          }
        }
        d.setInput(input, 0, length);
        if (last) {
          d.finish();
        }
        int flush = last ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH;
        byte[] out = new byte[length / 4 + 64];
        int pos = 0;
        while (true) {
          if (pos == out.length) {
            out = Arrays.copyOf(out, out.length * 2);
          }
          int space = out.length - pos;
          int n = d.deflate(out, pos, space, flush);
          pos += n;
          if (last ? d.finished() : n < space) {
            break;
          }
        }
        output = out;
        outputLength = pos;
      } catch (RuntimeException | Error e) {
        failure = e;
      } finally {
        previousInput = null;
        finished.countDown();
      }
    }

    /** Marks the job done without compressing, unless a thread has claimed it already. */
    void cancel() {
      if (claimed.compareAndSet(false, true)) {
        failure = new IllegalStateException("cancelled");
        finished.countDown();
      }
    }

    boolean isDone() {
      return finished.getCount() == 0;
    }

    /** Waits until the chunk is compressed; rethrows its failure. */
    void await() throws IOException {
      try {
        finished.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while compressing");
      }
      if (failure instanceof RuntimeException) {
        throw (RuntimeException) failure;
      }
      if (failure instanceof Error) {
        throw (Error) failure;
      }
    }
  }
}
