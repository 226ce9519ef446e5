package dev.hearth.pushgateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hearth.CollectorRegistry;
import dev.hearth.Counter;
import dev.hearth.exposition.Exposition;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PushGatewayTest {
  private static String b64(String s) {
    return Base64.getUrlEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void groupingKeyUrlsUseBase64WhereNeeded() {
    PushGateway pg = PushGateway.builder().address("127.0.0.1:9091").build();
    assertThat(pg.groupUrl("batch", Map.of())).isEqualTo("http://127.0.0.1:9091/metrics/job/batch");
    Map<String, String> key = new LinkedHashMap<>();
    key.put("path", "/var/tmp");
    key.put("instance", "host1");
    key.put("empty", "");
    assertThat(pg.groupUrl("e2e", key)).isEqualTo("http://127.0.0.1:9091/metrics/job/e2e"
        + "/empty@base64/=/instance/host1/path@base64/L3Zhci90bXA=");
    assertThat(pg.groupUrl("a/b", Map.of("x", "a b?#%ü", "dot", "..")))
        .isEqualTo("http://127.0.0.1:9091/metrics/job@base64/" + b64("a/b")
            + "/dot@base64/" + b64("..") + "/x@base64/" + b64("a b?#%ü"));
    assertThat(b64("\u00ff\u00fe\u00ff")).contains("_"); // URL-safe alphabet, not '/'
    assertThat(PushGateway.builder().address("https://gw.example:443/prefix/").build()
        .groupUrl("j", Map.of())).isEqualTo("https://gw.example:443/prefix/metrics/job/j");
  }

  @Test
  void rejectsBadInputWithClearMessages() {
    PushGateway pg = PushGateway.builder().build();
    assertThatThrownBy(() -> pg.groupUrl("", Map.of())).hasMessage("job must not be empty");
    assertThatThrownBy(() -> pg.groupUrl("j", Map.of("1bad", "v")))
        .hasMessageContaining("\"1bad\" is not a valid label name");
    assertThatThrownBy(() -> pg.groupUrl("j", Map.of("job", "v")))
        .hasMessageContaining("must not contain \"job\"");
    assertThatThrownBy(() -> pg.push(new CollectorRegistry()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("job not set");
    assertThatThrownBy(() -> PushGateway.builder().address("ftp://x:1"))
        .hasMessageContaining("bad Pushgateway address \"ftp://x:1\"");
    assertThatThrownBy(() -> PushGateway.builder().readTimeout(Duration.ZERO))
        .hasMessageContaining("readTimeout must be positive");
  }

  @Test
  void sendsMethodsBodyContentTypeAndAuth() throws Exception {
    CollectorRegistry registry = new CollectorRegistry();
    Counter.builder("stub_jobs").help("Jobs").register(registry).inc(3);
    try (StubGateway stub = new StubGateway()) {
      PushGateway pg = PushGateway.builder().address("127.0.0.1:" + stub.port()).job("nightly")
          .basicAuth("u", "p w").build();
      pg.push(registry);
      StubGateway.Request put = stub.requests.poll(5, TimeUnit.SECONDS);
      assertThat(put.method()).isEqualTo("PUT");
      assertThat(put.target()).isEqualTo("/metrics/job/nightly");
      assertThat(put.headers()).containsEntry("content-type", "text/plain; version=0.0.4; charset=utf-8")
          .containsEntry("authorization", "Basic " + Base64.getEncoder().encodeToString(
              "u:p w".getBytes(StandardCharsets.UTF_8)));
      assertThat(put.body()).isEqualTo(Exposition.generateLatest(registry));
      pg.pushAdd(registry, "other", Map.of("instance", "i1"));
      StubGateway.Request post = stub.requests.poll(5, TimeUnit.SECONDS);
      assertThat(post.method()).isEqualTo("POST");
      assertThat(post.target()).isEqualTo("/metrics/job/other/instance/i1");
      stub.status = 202;
      pg.delete();
      StubGateway.Request delete = stub.requests.poll(5, TimeUnit.SECONDS);
      assertThat(delete.method()).isEqualTo("DELETE");
      assertThat(delete.body()).isEmpty();

      stub.status = 400;
      stub.answer = "text format parsing error in line 1: oops\n";
      assertThatThrownBy(() -> pg.push(registry)).isInstanceOf(IOException.class)
          .hasMessage("Pushgateway answered 400 to PUT http://127.0.0.1:" + stub.port()
              + "/metrics/job/nightly: text format parsing error in line 1: oops");
      stub.status = 307;
      stub.answer = "";
      assertThatThrownBy(() -> pg.delete()).isInstanceOf(IOException.class)
          .hasMessageContaining("answered 307 to DELETE");
    }
  }

  @Test
  void readTimeoutBoundsAStalledGateway() throws Exception {
    try (StubGateway stub = new StubGateway()) {
      stub.silent = true;
      PushGateway pg = PushGateway.builder().address("127.0.0.1:" + stub.port()).job("j")
          .readTimeout(Duration.ofMillis(300)).build();
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> pg.push(new CollectorRegistry())).isInstanceOf(IOException.class)
          .hasMessageContaining("timed out");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(4000);
    }
  }

  @Test
  void connectionRefusedIsAnIOException() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    PushGateway pg = PushGateway.builder().address("127.0.0.1:" + port).job("j")
        .connectTimeout(Duration.ofSeconds(2)).build();
    assertThatThrownBy(() -> pg.push(new CollectorRegistry())).isInstanceOf(IOException.class);
  }

  @Test
  void moduleDescriptor() throws Exception {
    Path classes = Path.of(PushGateway.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ModuleDescriptor d;
    try (var in = Files.newInputStream(classes.resolve("module-info.class"))) {
      d = ModuleDescriptor.read(in);
    }
    assertThat(d.name()).isEqualTo("dev.hearth.pushgateway");
    assertThat(d.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("dev.hearth.pushgateway");
  }
}
