package dev.hearth.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.exposition.ExpositionFormat;
import dev.hearth.exposition.ExpositionParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class ExampleHttpServiceTest {
  @Test
  void servesSimulatedTrafficThatKeepsGrowing() throws Exception {
    try (ExampleHttpService service = ExampleHttpService.start(0)) {
      HttpClient client = HttpClient.newHttpClient();
      HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + "/metrics"))
          .header("Accept", "application/openmetrics-text").build();
      String first = client.send(req, HttpResponse.BodyHandlers.ofString()).body();
      assertThat(ExpositionParser.parse(first, ExpositionFormat.OPENMETRICS_1_0_0)).isNotEmpty();
      assertThat(first).contains("http_requests_total", "db_pool_size", "build_info", "# EOF");
      Thread.sleep(200);
      String second = client.send(req, HttpResponse.BodyHandlers.ofString()).body();
      assertThat(second).isNotEqualTo(first);
    }
  }
}
