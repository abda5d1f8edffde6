package io.propius.api.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Device request bodies with the right field names and random values of every JSON type (and a
 * few wrong names): check-in, accept and confirm each read them or refuse them with
 * INVALID_ARGUMENT, never another exception.
 */
class DeviceJsonFuzzTest {
  @Property(tries = 200)
  void everyDeviceRequestReadsOrRefusesWithInvalidArgument(@ForAll("requests") JsonObject json) {
    for (Function<JsonObject, ?> read : List.<Function<JsonObject, ?>>of(CheckinRequest::fromJson,
        AcceptRequest::fromJson, ConfirmRequest::fromJson)) {
      try {
        read.apply(json);
      } catch (PropiusException refused) {
        assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(refused.getMessage()).isNotBlank();
      }
    }
  }

  @Provide
  Arbitrary<JsonObject> requests() {
    Arbitrary<String> names = Arbitraries.oneOf(Arbitraries.of("device_id", "attributes", "offer", "task_token"),
        Arbitraries.strings().ofMaxLength(8));
    return Arbitraries.maps(names, value(2)).ofMaxSize(5).map(JsonObject::new);
  }

  private Arbitrary<Object> value(int depth) {
    Arbitrary<Object> leaf = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(140).map(s -> (Object) s),
        Arbitraries.strings().withChars("abcXYZ09._:-").ofMinLength(1).ofMaxLength(130).map(s -> (Object) s),
        Arbitraries.doubles().map(d -> (Object) d),
        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Long.MAX_VALUE, Long.MIN_VALUE, 1e308, -0.0)
            .map(d -> (Object) d),
        Arbitraries.integers().map(i -> (Object) i),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.just(null));
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<String> attributeNames = Arbitraries.oneOf(Arbitraries.of("cpu_cores", "ram_gb"),
        Arbitraries.strings().ofMaxLength(70));
    return Arbitraries.oneOf(leaf,
        Arbitraries.maps(attributeNames, value(depth - 1)).ofMaxSize(70).map(m -> (Object) new JsonObject(m)),
        value(depth - 1).list().ofMaxSize(3).map(l -> (Object) new JsonArray(l)));
  }
}
