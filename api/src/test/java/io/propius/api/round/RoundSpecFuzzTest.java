package io.propius.api.round;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Round specs with the real field names (and some others) holding random values of every JSON
 * type: each is read or refused with INVALID_ARGUMENT, never another exception; what is read is
 * within the documented bounds and survives its own JSON form.
 */
class RoundSpecFuzzTest {
  private static final String[] FIELDS = {"reducer", "tensor_length", "target", "mode", "deadline_ms",
      "over_selection", "staleness"};

  @Property(tries = 500)
  void aSpecIsReadOrRefusedWithInvalidArgument(@ForAll("specs") JsonObject json) {
    try {
      RoundSpec spec = RoundSpec.fromJson(json);
      assertThat(spec.tensorLength()).isBetween(1, Integer.MAX_VALUE / 8);
      assertThat(spec.target()).isPositive();
      assertThat(RoundSpec.fromJson(spec.toJson())).isEqualTo(spec);
    } catch (PropiusException refused) {
      assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    }
  }

  @Provide
  Arbitrary<JsonObject> specs() {
    Arbitrary<String> names = Arbitraries.oneOf(Arbitraries.of(FIELDS), Arbitraries.strings().ofMaxLength(6));
    Arbitrary<Object> values = Arbitraries.oneOf(
        Arbitraries.of("fedavg", "sum", "metrics", "sync", "async", "overselect", "SYNC", "", "nope").map(s -> (Object) s),
        Arbitraries.integers().between(-3, 10).map(i -> (Object) i),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.doubles().map(d -> (Object) d),
        Arbitraries.of(Double.NaN, Double.NEGATIVE_INFINITY, 1e300, 2.5, new BigInteger("123456789012345678901234567890"))
            .map(n -> (Object) n),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.just(new JsonObject()), Arbitraries.just(new JsonArray().add(1)), Arbitraries.just(null));
    return Arbitraries.maps(names, values).ofMaxSize(8).map(JsonObject::new);
  }
}
