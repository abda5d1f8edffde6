package io.propius.api.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random text and random token soups through the query language: each parses (and then
 * evaluates without failing) or is refused with a {@link QuerySyntaxException}, never anything else.
 */
class QueryFuzzTest {
  private static final String[] TOKENS = {"cpu", "ram_gb", "battery", "(", ")", "and", "or", "not", "<", "<=", "==",
      "!=", ">", ">=", "in", "[", "]", ",", "1", "-2.5e3", "1e309", "NaN", "0x10", "&&", "||", "!", " ", "\t", "\"",
      "true", "false", "é", "."};

  @Property(tries = 400)
  void anyTextParsesOrFailsWithAQuerySyntaxException(@ForAll("queryish") String text) {
    try {
      Query query = Query.parse(text);
      query.test(name -> Map.of("cpu", 4.0, "ram_gb", 2.0).getOrDefault(name, Double.NaN));
      assertThat(query.names()).isNotNull();
    } catch (QuerySyntaxException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }

  @Example
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

  @Provide
  Arbitrary<String> queryish() {
    Arbitrary<String> soup = Arbitraries.of(TOKENS).list().ofMaxSize(30).map(tokens -> String.join(" ", tokens));
    Arbitrary<String> glued = Arbitraries.of(TOKENS).list().ofMaxSize(30).map(tokens -> String.join("", tokens));
    return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(80), soup, glued,
        Arbitraries.strings().ofMinLength(Query.MAX_LENGTH - 2).ofMaxLength(Query.MAX_LENGTH + 2).withChars("( )a<1"));
  }
}
