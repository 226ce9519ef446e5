package dev.hearth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.testing.RandomCases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DoublesTest {
  /** Expected strings are what Python prometheus_client's floatToGoString returns. */
  @ParameterizedTest
  @CsvSource({
    "1.0, 1.0", "0.0, 0.0", "-0.0, -0.0", "0.005, 0.005", "0.25, 0.25", "2.5, 2.5", "10, 10.0",
    "1e-05, 1e-05", "0.0001, 0.0001", "123456.5, 123456.5", "1000000, 1e+06",
    "1234567.5, 1.2345675e+06", "15000000000, 1.5e+010", "1e21, 1e+21", "-5000000, -5000000.0",
    "-1e21, -1e+21", "12345678901.300001, 1.2345678901300001e+010", "12345678901.3, 1.23456789013e+010", "3.14159, 3.14159",
    "1e-07, 1e-07", "123456789012345680000, 1.2345678901234568e+20", "0.1, 0.1", "-2.5, -2.5"
  })
  void formatsAsPythonDoes(double value, String expected) {
    assertThat(Doubles.format(value)).isEqualTo(expected);
  }

  @Test
  void roundTrips() {
    RandomCases.check(20_000, r -> {
      double d = r.nextBoolean() ? Double.longBitsToDouble(r.nextLong())
          : (r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(40) - 20);
      String s = Doubles.format(d);
      double back = s.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(s);
      if (Double.isNaN(d)) {
        assertThat(back).isNaN();
      } else {
        assertThat(back).as(s).isEqualTo(d);
      }
    });
  }
}
