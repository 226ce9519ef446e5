package dev.hearth.pushgateway;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** A one-thread HTTP stub on 127.0.0.1 that records requests and answers with a set status. */
final class StubGateway implements Closeable {
  record Request(String method, String target, Map<String, String> headers, String body) {}

  final ServerSocket socket;
  final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  volatile int status = 200;
  volatile String answer = "";
  volatile boolean silent; // never answer
  private final Thread thread;

  StubGateway() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    thread = new Thread(this::serve, "stub-gateway");
    thread.setDaemon(true);
    thread.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket s = socket.accept()) {
        s.setSoTimeout(10_000);
        InputStream in = new BufferedInputStream(s.getInputStream());
        String[] line = readLine(in).split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = readLine(in); !h.isEmpty(); h = readLine(in)) {
          int colon = h.indexOf(':');
          headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        requests.add(new Request(line[0], line[1], headers, body));
        if (silent) {
          Thread.sleep(5_000);
          continue;
        }
        byte[] b = answer.getBytes(StandardCharsets.UTF_8);
        OutputStream out = s.getOutputStream();
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: text/plain\r\nContent-Length: " + b.length
            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(b);
        out.flush();
      } catch (SocketException e) {
        return; // closed
      } catch (IOException e) {
        // a client went away; keep serving
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("eof");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
    thread.interrupt();
  }
}
