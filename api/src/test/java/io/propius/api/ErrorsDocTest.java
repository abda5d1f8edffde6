package io.propius.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/ERRORS.md has one row per {@link ErrorCode}, with its HTTP and gRPC status, and no other code. */
class ErrorsDocTest {
  private static final Pattern ROW = Pattern.compile("(?m)^\\| `([A-Z_]+)` \\| (\\d{3}) \\| ([A-Z_]+) \\|");

  @Test
  void theTableIsTheEnum() throws IOException {
    Path here = Path.of("").toAbsolutePath();
    Path doc = (Files.exists(here.resolve("docs")) ? here : here.getParent()).resolve("docs/ERRORS.md");
    Map<String, String> documented = new TreeMap<>();
    Matcher m = ROW.matcher(Files.readString(doc));
    while (m.find()) {
      assertThat(documented.put(m.group(1), m.group(2) + " " + m.group(3))).as("%s listed twice", m.group(1)).isNull();
    }
    Map<String, String> inCode = new TreeMap<>();
    for (ErrorCode code : ErrorCode.values()) {
      inCode.put(code.name(), code.httpStatus() + " " + code.grpcStatus().name());
    }
    assertThat(documented).isEqualTo(inCode);
  }
}
