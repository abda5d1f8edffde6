package io.propius.server.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.PropiusException;
import io.propius.api.device.CheckinRequest;
import io.propius.testing.RandomInputs;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server reads a check-in body with Jackson's streaming parser ({@link CheckinRequest#fromBuffer});
 * it used to decode the body into a {@link JsonObject} tree first, as the other device endpoints
 * still do. For well-formed, malformed and hostile bodies alike both give the same request or the
 * same INVALID_ARGUMENT message.
 */
class CheckinBodyDecodingTest {
  private static final String[] VALUES = {"\"phone-1\"", "\"bad id!\"", "\"\"", "\"" + "a".repeat(129) + "\"",
      "\"d\\u0031\"", "1", "-7", "2.5", "1e400", "-1e400", "123456789012345678901234567890", "null", "true", "false",
      "[]", "[1,{\"a\":[]}]", "{}", "{\"cpu\": 1}", "{\"cpu\": \"x\"}", "{\"CPU\": 1}", "{\"\": 1}", "{\"cpu\": null}",
      "{\"cpu\": 1, \"cpu\": \"x\"}", "{\"cpu\": \"x\", \"cpu\": 2}", "{\"b\": 1, \"a\": true}", "{\"ram\": 1e400}",
      "{\"ram\": [1]}", "{\"ram\": {\"x\": 1}}", "{\"z\": 1, \"a_1\": 2.5, \"m\": -0.0}", "/* c */ \"phone-2\""};
  private static final String[] BROKEN = {"", " ", "null", "null null", "null x", "[]", "\"x\"", "7", "{", "}",
      "{\"device_id\":", "{\"device_id\": \"d1\"} x", "{\"device_id\": \"d1\"} {}", "{\"device_id\": \"d1\",}",
      "\uFEFF{\"device_id\": \"d1\"}", "{\"device_id\": \"d1\"} // trailing comment",
      "{\"attributes\":" + "{\"a\":".repeat(1500) + "1" + "}".repeat(1501),
      "{\"x\":" + "[".repeat(1500) + "]".repeat(1500) + ", \"device_id\": \"d1\"}"};

  @Test
  void streamingAndTreeDecodingGiveTheSameAnswers() {
    List<String> bodies = new ArrayList<>(List.of(BROKEN));
    RandomInputs random = new RandomInputs(19);
    for (int i = 0; i < 4_000; i++) {
      bodies.add(body(random));
    }
    // Many attributes: past the linear search of names, over the limit, and repeated names.
    StringBuilder many = new StringBuilder("{\"device_id\": \"d1\", \"attributes\": {");
    for (int i = 0; i < 200; i++) {
      many.append(i == 0 ? "" : ",").append("\"a").append(i % 70).append("\": ").append(i);
    }
    bodies.add(many.append("}}").toString());
    for (String body : bodies) {
      assertThat(streamed(body)).as(body).isEqualTo(throughTree(body));
    }
  }

  /** A JSON object of check-in fields with good and bad values, sometimes cut short, or random text. */
  private static String body(RandomInputs random) {
    return random.fromOneOf(
        () -> {
          StringBuilder json = new StringBuilder("{");
          for (int n = random.between(0, 4); n > 0; n--) {
            String field = random.oneOf("device_id", "device_id", "attributes", "attributes", "x");
            String value = switch (field) {
              case "device_id" -> random.bool() ? "\"phone-1\"" : random.oneOf(VALUES);
              case "attributes" -> random.bool() ? attributes(random) : random.oneOf(VALUES);
              default -> random.oneOf(VALUES);
            };
            json.append(json.length() > 1 ? "," : "").append('"').append(field).append("\":").append(value);
          }
          String object = json.append('}').toString();
          return random.between(0, 9) == 0 ? object.substring(0, random.between(0, object.length())) : object;
        },
        () -> random.string(40),
        () -> random.oneOf(BROKEN));
  }

  private static String attributes(RandomInputs random) {
    StringBuilder json = new StringBuilder("{");
    for (int n = random.between(0, 5); n > 0; n--) {
      json.append(json.length() > 1 ? "," : "").append('"')
          .append(random.oneOf("cpu", "ram_gb", "a_1", "z", "CPU", "", "1a", "b c")).append("\":")
          .append(random.oneOf("1", "2.5", "-0.0", "1e400", "-1e400", "123456789012345678901234567890", "\"x\"",
              "null", "true", "[1]", "{}", "9007199254740993", "1E-400"));
    }
    return json.append('}').toString();
  }

  private static String streamed(String body) {
    return outcome(() -> CheckinRequest.fromBuffer(Buffer.buffer(body)));
  }

  /** How the body was read before: a JSON tree first (as for the other device endpoints), then checked. */
  private static String throughTree(String body) {
    return outcome(() -> {
      Buffer bytes = Buffer.buffer(body);
      if (bytes.length() == 0) {
        throw PropiusException.invalid("request body is empty; expected a JSON object");
      }
      JsonObject json;
      try {
        json = (JsonObject) Json.decodeValue(bytes);
      } catch (DecodeException | ClassCastException e) {
        throw PropiusException.invalid("request body is not a JSON object");
      }
      if (json == null) {
        throw PropiusException.invalid("request body is empty; expected a JSON object");
      }
      return CheckinRequest.fromJson(json);
    });
  }

  private static String outcome(java.util.function.Supplier<CheckinRequest> read) {
    try {
      CheckinRequest req = read.get();
      return "read " + req.deviceId() + " " + req.attributes().toMap();
    } catch (PropiusException e) {
      return e.code() + ": " + e.getMessage();
    }
  }
}
