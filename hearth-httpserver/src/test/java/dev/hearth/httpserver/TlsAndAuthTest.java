package dev.hearth.httpserver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.testing.Peers;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsAndAuthTest {
  private static final char[] PASS = "changeit".toCharArray();
  private CollectorRegistry registry;

  @BeforeEach
  void setUp() {
    registry = new CollectorRegistry();
    Counter.builder("secure_events").help("Events").register(registry).inc(2);
  }

  private static String basic(String userAndPassword) {
    return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
  }

  private static HttpResponse<String> get(HttpClient client, String url, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A self-signed certificate for 127.0.0.1 made with keytool: {server context, client context}. */
  static SSLContext[] selfSigned(Path dir) throws Exception {
    Path keystore = dir.resolve("server.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Peers.Result r = Peers.run(List.of(keytool, "-genkeypair", "-alias", "hearth", "-keyalg", "EC",
        "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1",
        "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
        "-storepass", "changeit", "-keypass", "changeit"), null, dir, 60);
    assertThat(r.exitCode).as(r.toString()).isZero();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASS);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASS);
    SSLContext serverTls = SSLContext.getInstance("TLS");
    serverTls.init(kmf.getKeyManagers(), null, null);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext clientTls = SSLContext.getInstance("TLS");
    clientTls.init(null, tmf.getTrustManagers(), null);
    return new SSLContext[] {serverTls, clientTls};
  }

  @Test
  void basicAuth() throws Exception {
    try (HTTPServer s = HTTPServer.builder().host("127.0.0.1").port(0).registry(registry)
        .basicAuth("prometheus", "s3cr:et ü").buildAndStart()) {
      String url = "http://127.0.0.1:" + s.getPort() + "/metrics";
      HttpClient c = HttpClient.newHttpClient();
      HttpResponse<String> none = get(c, url);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate"))
          .hasValue("Basic realm=\"metrics\", charset=\"UTF-8\"");
      assertThat(none.body()).isEqualTo("unauthorized\n");
      for (String wrong : List.of(basic("prometheus:wrong"), basic("prometheus:s3cr:et"),
          basic("other:s3cr:et ü"), "Basic !!!notbase64", "Bearer s3cr-et", "Basic")) {
        HttpResponse<String> r = get(c, url, "Authorization", wrong);
        assertThat(r.statusCode()).as(wrong).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
      }
      HttpResponse<String> ok = get(c, url, "Authorization", basic("prometheus:s3cr:et ü"));
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("secure_events_total 2.0");
      HttpResponse<String> lowerScheme = get(c, url, "Authorization",
          basic("prometheus:s3cr:et ü").replace("Basic", "basic"));
      assertThat(lowerScheme.statusCode()).isEqualTo(200);
      // the cardinality report (label values) is behind the same credentials
      assertThat(get(c, "http://127.0.0.1:" + s.getPort() + "/cardinality").statusCode()).isEqualTo(401);
      assertThat(get(c, "http://127.0.0.1:" + s.getPort() + "/cardinality", "Authorization",
          basic("prometheus:s3cr:et ü")).statusCode()).isEqualTo(200);
      // health checks stay open
      assertThat(get(c, "http://127.0.0.1:" + s.getPort() + "/-/healthy").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void bearerToken() throws Exception {
    try (HTTPServer s = HTTPServer.builder().host("127.0.0.1").port(0).registry(registry)
        .bearerToken("tok-123.abc").buildAndStart()) {
      String url = "http://127.0.0.1:" + s.getPort() + "/metrics";
      HttpClient c = HttpClient.newHttpClient();
      HttpResponse<String> none = get(c, url);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"metrics\"");
      assertThat(get(c, url, "Authorization", "Bearer tok-123.ab").statusCode()).isEqualTo(401);
      assertThat(get(c, url, "Authorization", "Bearer tok-123.abcd").statusCode()).isEqualTo(401);
      assertThat(get(c, url, "Authorization", basic("tok-123.abc")).statusCode()).isEqualTo(401);
      assertThat(get(c, url, "Authorization", "Bearer tok-123.abc").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void httpsWithASelfSignedCertificateMadeAtTestTime(@TempDir Path dir) throws Exception {
    SSLContext[] tls = selfSigned(dir);
    SSLContext serverTls = tls[0];
    SSLContext clientTls = tls[1];

    try (HTTPServer s = HTTPServer.builder().host("127.0.0.1").port(0).registry(registry)
        .sslContext(serverTls).bearerToken("t0ken").buildAndStart()) {
      String url = "https://127.0.0.1:" + s.getPort() + "/metrics";
      HttpClient trusting = HttpClient.newBuilder().sslContext(clientTls).build();
      HttpResponse<String> ok = get(trusting, url, "Authorization", "Bearer t0ken",
          "Accept", "application/openmetrics-text");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("Content-Type"))
          .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
      assertThat(ok.body()).contains("secure_events_total 2.0").endsWith("# EOF\n");
      assertThat(get(trusting, url).statusCode()).isEqualTo(401);
      // a client that does not trust the certificate cannot connect
      HttpClient untrusting = HttpClient.newHttpClient();
      try {
        get(untrusting, url);
        throw new AssertionError("an untrusted certificate was accepted");
      } catch (java.io.IOException expected) {
        assertThat(expected).isInstanceOf(SSLHandshakeException.class);
      }
      // plain HTTP to the TLS port does not get metrics
      try (RawHttp raw = new RawHttp(s.getPort())) {
        try {
          RawHttp.Response plain = raw.request("GET", "/metrics");
          assertThat(plain.status()).isNotEqualTo(200);
        } catch (java.io.IOException expected) {
          // the TLS server drops the connection
        }
      }
    }
  }

  /** An existing HttpsServer of the application, configured with its own SSLContext, serves /metrics too. */
  @Test
  void existingHttpsServer(@TempDir Path dir) throws Exception {
    SSLContext[] tls = selfSigned(dir);
    SSLContext serverTls = tls[0];
    SSLContext clientTls = tls[1];

    com.sun.net.httpserver.HttpsServer app = com.sun.net.httpserver.HttpsServer.create(
        new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    app.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(serverTls));
    app.start();
    try (HTTPServer s = HTTPServer.builder().httpServer(app).registry(registry).buildAndStart()) {
      HttpClient trusting = HttpClient.newBuilder().sslContext(clientTls).build();
      HttpResponse<String> ok = get(trusting, "https://127.0.0.1:" + s.getPort() + "/metrics");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("secure_events_total 2.0");
    } finally {
      app.stop(0);
    }
  }
}
