package dev.hearth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hearth.testing.Peers;
import dev.hearth.testing.RandomCases;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
    "1e-07, 1e-07", "123456789012345680000, 1.2345678901234568e+20", "0.1, 0.1", "-2.5, -2.5", "6.617444900424222e-24, 6.617444900424222e-24", "36028797018963968, 3.602879701896397e+16", "1e23, 1e+23",
    "0.30000000000000004, 0.30000000000000004", "5e-324, 5e-324", "1.7976931348623157e308, 1.7976931348623157e+308"
  })
  void formatsAsPythonDoes(double value, String expected) {
    assertThat(Doubles.format(value)).isEqualTo(expected);
  }

  /** Random doubles of every magnitude format exactly as the real Python client formats them. */
  @Test
  void matchesPythonFloatToGoString() throws Exception {
    Peers.requirePython();
    List<Double> values = new ArrayList<>();
    RandomCases.check(1, r -> {
      for (int i = 0; i < 20000; i++) {
        double d = switch (i % 5) {
          case 0 -> Double.longBitsToDouble(r.nextLong());
          case 1 -> (r.nextDouble() - 0.3) * Math.pow(10, r.nextInt(44) - 22);
          case 2 -> Math.round(r.nextDouble() * 1e6) / 1000.0;
          case 3 -> Math.scalb(1.0, r.nextInt(2000) - 1000);
          default -> Math.scalb(1.0, r.nextInt(200) - 100) * (r.nextInt(2000) - 1000);
        };
        values.add(d);
      }
    });
    StringBuilder in = new StringBuilder();
    for (double d : values) {
      in.append(Long.toHexString(Double.doubleToRawLongBits(d))).append('\n');
    }
    String script = "import sys, struct\n"
        + "from prometheus_client.utils import floatToGoString\n"
        + "for line in sys.stdin:\n"
        + "    d = struct.unpack('<d', int(line, 16).to_bytes(8, 'little'))[0]\n"
        + "    print(floatToGoString(d))\n";
    Peers.Result res = Peers.run(List.of(Peers.python(), "-c", script),
        in.toString().getBytes(StandardCharsets.UTF_8), null, 60);
    assertThat(res.exitCode).as(res.stderr).isZero();
    String[] lines = res.stdout.split("\n");
    assertThat(lines).hasSize(values.size());
    for (int i = 0; i < lines.length; i++) {
      assertThat(Doubles.format(values.get(i))).as("bits %x", Double.doubleToRawLongBits(values.get(i)))
          .isEqualTo(lines[i]);
    }
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
