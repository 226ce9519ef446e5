package dev.hearth.exposition;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContentNegotiationTest {

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
      application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1 | OM
      application/openmetrics-text;version=0.0.1,text/plain;version=0.0.4;q=0.5,*/*;q=0.1 | TEXT
      application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2 | OM
      application/openmetrics-text                                    | OM
      APPLICATION/OpenMetrics-Text ; Version="1.0.0" ; charset=utf-8    | OM
      application/openmetrics-text; version=1.0.0; charset=utf-8      | OM
      application/openmetrics-text; version=2.0.0                     | TEXT
      text/plain                                                      | TEXT
      text/plain;version=0.0.4                                        | TEXT
      */*                                                             | TEXT
      application/*                                                   | OM
      text/*                                                          | TEXT
      text/html, application/xhtml+xml                                | TEXT
      text/plain;q=0.4, application/openmetrics-text;q=0.5            | OM
      text/plain;q=0.5, application/openmetrics-text;q=0.5            | OM
      text/plain, application/openmetrics-text                        | OM
      application/openmetrics-text;q=0.5, text/plain                  | TEXT
      application/openmetrics-text;q=0, */*                           | TEXT
      application/openmetrics-text;q=0.000                            | TEXT
      text/plain;q=0, */*                                             | OM
      text/plain;q=0, application/*;q=0.1                             | OM
      application/*;q=0.5, text/*;q=0.5                               | TEXT
      */*;q=0.5, application/openmetrics-text;q=0.2                   | TEXT
      application/openmetrics-text;q=0.2, */*;q=0.5                   | TEXT
      application/openmetrics-text;q=1.000                            | OM
      application/openmetrics-text;q=1.5                              | TEXT
      application/openmetrics-text;q=abc                              | TEXT
      application/openmetrics-text;q=0.0001                           | TEXT
      application/openmetrics-text;version=1.0.0;q=0.1,application/openmetrics-text;q=0.9,text/plain;q=0.5 | TEXT
      application/openmetrics-text;version=1.0.0;q=0.9,application/openmetrics-text;q=0.1,text/plain;q=0.5 | OM
      garbage                                                         | TEXT
      ;;;,,,                                                          | TEXT
      application/openmetrics-text;version="1.0.0,x";q=0.9,text/plain;q=0.8 | TEXT
      application/openmetrics-text;foo="a,b", text/plain;q=0.5        | OM
      application/openmetrics-text;foo="unterminated                  | TEXT
      */plain                                                         | TEXT
      ,application/openmetrics-text,                                  | OM
      """)
  void chooses(String header, String expected) {
    ExpositionFormat want = expected.equals("OM")
        ? ExpositionFormat.OPENMETRICS_1_0_0 : ExpositionFormat.PROMETHEUS_TEXT_0_0_4;
    assertThat(ContentNegotiation.choose(header)).isEqualTo(want);
  }

  @Test
  void absentOrBlankHeaderMeansText() {
    assertThat(ContentNegotiation.choose(null)).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
    assertThat(ContentNegotiation.choose("")).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
    assertThat(ContentNegotiation.choose("  ")).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT_0_0_4);
  }

  @Test
  void contentTypes() {
    assertThat(ExpositionFormat.PROMETHEUS_TEXT_0_0_4.contentType())
        .isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    assertThat(ExpositionFormat.OPENMETRICS_1_0_0.contentType())
        .isEqualTo("application/openmetrics-text; version=1.0.0; charset=utf-8");
  }
}
