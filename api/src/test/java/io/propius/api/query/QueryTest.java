package io.propius.api.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryTest {
  private static final Map<String, Double> PHONE = Map.of("cpu_cores", 8.0, "ram_gb", 6.0, "os_version", 13.0);

  private static boolean matches(String query, Map<String, Double> values) {
    return Query.parse(query).test(name -> values.getOrDefault(name, Double.NaN));
  }

  @Test
  void comparisonsRangesAndLogic() {
    assertThat(matches("cpu_cores >= 8", PHONE)).isTrue();
    assertThat(matches("cpu_cores > 8", PHONE)).isFalse();
    assertThat(matches("ram_gb in [4, 6]", PHONE)).isTrue();
    assertThat(matches("ram_gb in [6.5, 16]", PHONE)).isFalse();
    assertThat(matches("cpu_cores >= 4 and ram_gb < 4", PHONE)).isFalse();
    assertThat(matches("cpu_cores >= 4 && (ram_gb < 4 || os_version == 13)", PHONE)).isTrue();
    assertThat(matches("not cpu_cores < 4", PHONE)).isTrue();
    assertThat(matches("!(cpu_cores != 8)", PHONE)).isTrue();
  }

  @Test
  void precedenceIsNotOverAndOverOr() {
    // or binds loosest: (x == 1) or ((y == 1) and (z == 1))
    assertThat(matches("x == 1 or y == 1 and z == 1", Map.of("x", 1.0, "y", 0.0, "z", 0.0))).isTrue();
    assertThat(matches("(x == 1 or y == 1) and z == 1", Map.of("x", 1.0, "y", 0.0, "z", 0.0))).isFalse();
  }

  @Test
  void missingValuesNeverCompareTrue() {
    assertThat(matches("gpu >= 0", PHONE)).isFalse();
    assertThat(matches("gpu != 1", PHONE)).isFalse();
    assertThat(matches("not gpu == 1", PHONE)).isTrue();
    assertThat(matches("gpu in [0, 10]", PHONE)).isFalse();
  }

  @Test
  void fieldToFieldAndNumbers() {
    assertThat(matches("amount < demand", Map.of("amount", 3.0, "demand", 5.0))).isTrue();
    assertThat(matches("x >= -1.5e1", Map.of("x", -15.0))).isTrue();
    assertThat(matches("true", Map.of())).isTrue();
    assertThat(Query.parse("b >= 2 and a in [1, 2]").names()).containsExactly("a", "b");
  }

  @Test
  void badQueriesSayWhereAndWhat() {
    assertThatThrownBy(() -> Query.parse("cpu_cores = 4")).hasMessageContaining("column 11")
        .hasMessageContaining("'=' is not an operator, use '=='");
    assertThatThrownBy(() -> Query.parse("cpu_cores >=")).hasMessageContaining("ends where a name or number");
    assertThatThrownBy(() -> Query.parse("(a > 1")).hasMessageContaining("')'");
    assertThatThrownBy(() -> Query.parse("a > 1 b > 2")).hasMessageContaining("expected 'and', 'or'");
    assertThatThrownBy(() -> Query.parse("a in [5, 1]")).hasMessageContaining("is empty");
    assertThatThrownBy(() -> Query.parse("")).hasMessageContaining("query is empty");
    assertThatThrownBy(() -> Query.parse("and > 1")).hasMessageContaining("keyword 'and'");
    assertThatThrownBy(() -> Query.parse("a > 1e999")).hasMessageContaining("expected a number");
    assertThatThrownBy(() -> Query.parse("(".repeat(100) + "a > 1" + ")".repeat(100)))
        .hasMessageContaining("deeper than 64");
    assertThatThrownBy(() -> Query.parse("a > 1 or ".repeat(1000) + "a > 1")).hasMessageContaining("more than 4096");
  }

  @Test
  void constraintsAreLowerBoundsOnEveryNamedAttribute() {
    Constraints c = Constraints.of(Map.of("cpu_cores", 4.0, "ram_gb", 6.0), "public_constraints");
    assertThat(c.satisfiedBy(name -> PHONE.getOrDefault(name, Double.NaN))).isTrue();
    assertThat(c.satisfiedBy(name -> name.equals("cpu_cores") ? 8 : Double.NaN)).isFalse();
    assertThat(c.toQuery().toString()).isEqualTo("(cpu_cores >= 4 and ram_gb >= 6)");
    assertThatThrownBy(() -> Constraints.of(Map.of("X", 1.0), "public_constraints"))
        .hasMessageContaining("public_constraints: attribute name 'X'");
  }
}
