package io.propius.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import io.propius.testing.RandomInputs;
import io.vertx.core.json.Json;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random text and random token soups through the query language: each parses (and then
 * evaluates without failing) or is refused with a {@link QuerySyntaxException}, never anything else.
 */
class QueryFuzzTest {
  private static final String[] TOKENS = {"cpu", "ram_gb", "battery", "(", ")", "and", "or", "not", "<", "<=", "==",
      "!=", ">", ">=", "in", "[", "]", ",", "1", "-2.5e3", "1e309", "NaN", "0x10", "&&", "||", "!", " ", "\t", "\"",
      "true", "false", "é", "."};

  static LongStream seeds() {
    return RandomInputs.seeds(400);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void anyTextParsesOrFailsWithAQuerySyntaxException(long seed) {
    String text = queryish(new RandomInputs(seed));
    assertDoesNotThrow(() -> parsesOrIsRefused(text), () -> "seed " + seed + ", query " + Json.encode(text));
  }

  @Test
  void deepNestingWithinTheLengthLimitIsParsedOrRefusedNotAStackOverflow() {
    for (String deep : new String[] {"(".repeat(2000) + "cpu > 1" + ")".repeat(2000), "not ".repeat(1000) + "cpu > 1",
        "(".repeat(Query.MAX_LENGTH)}) {
      try {
        Query.parse(deep);
      } catch (QuerySyntaxException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }

  private static void parsesOrIsRefused(String text) {
    try {
      Query query = Query.parse(text);
      query.test(name -> Map.of("cpu", 4.0, "ram_gb", 2.0).getOrDefault(name, Double.NaN));
      assertThat(query.names()).isNotNull();
    } catch (QuerySyntaxException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  private static String queryish(RandomInputs random) {
    return random.fromOneOf(
        () -> random.string(80),
        () -> String.join(" ", random.list(30, () -> random.oneOf(TOKENS))),
        () -> String.join("", random.list(30, () -> random.oneOf(TOKENS))),
        () -> random.string(Query.MAX_LENGTH - 2, Query.MAX_LENGTH + 2, "( )a<1"));
  }
}
