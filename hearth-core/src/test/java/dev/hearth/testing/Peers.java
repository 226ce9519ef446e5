package dev.hearth.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Access to peer tools for interoperability tests: Python prometheus_client and promtool.
 *
 * <p>When a peer is missing, the test is skipped (aborted) with a message saying how to install
 * it, unless the system property {@code hearth.requirePeers} is {@code "true"} (as in CI), in
 * which case the test fails with that message.
 */
public final class Peers {
  private static final String[] PYTHON_CANDIDATES = {"python3", "/usr/bin/python3"};
  private static String python; // the interpreter that has prometheus_client, once found
  private static Boolean pythonFound;
  private static Boolean promtoolFound;

  private Peers() {}

  /** The skip message when Python prometheus_client is missing. */
  public static final String NO_PYTHON =
      "skipped: python3 with prometheus_client not installed (apt-get install python3-prometheus-client)";
  /** The skip message when promtool is missing. */
  public static final String NO_PROMTOOL =
      "skipped: promtool not installed (apt-get install prometheus)";

  /** Skips (or fails, with {@code hearth.requirePeers=true}) unless Python prometheus_client works. */
  public static void requirePython() {
    require(hasPython(), NO_PYTHON);
  }

  /** Skips (or fails, with {@code hearth.requirePeers=true}) unless {@code promtool} works. */
  public static void requirePromtool() {
    require(hasPromtool(), NO_PROMTOOL);
  }

  /** True when a python3 that can import prometheus_client is installed (checked once). */
  public static synchronized boolean hasPython() {
    if (pythonFound == null) {
      pythonFound = false;
      // A python3 earlier on the PATH (pyenv, venv) may lack the Debian package; try the system one.
      for (String candidate : PYTHON_CANDIDATES) {
        if (succeeds(List.of(candidate, "-c", "import prometheus_client"))) {
          python = candidate;
          pythonFound = true;
          break;
        }
      }
    }
    return pythonFound;
  }

  /** True when {@code promtool --version} works (checked once). */
  public static synchronized boolean hasPromtool() {
    if (promtoolFound == null) {
      promtoolFound = succeeds(List.of("promtool", "--version"));
    }
    return promtoolFound;
  }

  /** True when missing peers must fail tests instead of skipping them ({@code hearth.requirePeers}). */
  public static boolean peersRequired() {
    return Boolean.getBoolean("hearth.requirePeers");
  }

  /** The python3 executable that can import prometheus_client; call {@link #requirePython()} first. */
  public static synchronized String python() {
    requirePython();
    return python;
  }

  /** Runs a command with {@code stdin} as input and returns its exit code and output. */
  public static Result run(List<String> command, byte[] stdin, Path workDir, long timeoutSeconds)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command));
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    Process p = pb.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread outPump = pump(p.getInputStream(), out);
    Thread errPump = pump(p.getErrorStream(), err);
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin);
      }
    } catch (IOException e) {
      // the process exited without reading its input; its exit code tells
    }
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      Assertions.fail(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
    }
    outPump.join();
    errPump.join();
    return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  /** A finished process. */
  public static final class Result {
    /** The exit code. */
    public final int exitCode;
    /** Standard output, UTF-8 decoded. */
    public final String stdout;
    /** Standard error, UTF-8 decoded. */
    public final String stderr;

    Result(int exitCode, String stdout, String stderr) {
      this.exitCode = exitCode;
      this.stdout = stdout;
      this.stderr = stderr;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }
  }

  private static Thread pump(InputStream in, ByteArrayOutputStream to) {
    Thread t = new Thread(() -> {
      try (in) {
        in.transferTo(to);
      } catch (IOException e) {
        // process gone
      }
    }, "peer-output");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** True when {@code command} runs and exits 0 (false when it is not installed). */
  public static boolean succeeds(List<String> command) {
    try {
      return run(command, null, null, 30).exitCode == 0;
    } catch (IOException e) {
      return false; // not installed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Skips with {@code message}, or fails with {@code hearth.requirePeers=true}, unless {@code present}. */
  public static void require(boolean present, String message) {
    if (present) {
      return;
    }
    if (peersRequired()) {
      Assertions.fail(message + " (hearth.requirePeers=true)");
    }
    Assumptions.abort(message);
  }
}
