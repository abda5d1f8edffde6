package io.propius.api.device;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.propius.api.PropiusException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;

/**
 * {@code POST /v1/checkin}: {@code {"device_id": "phone-17", "attributes": {"cpu_cores": 8, "ram_gb": 6}}}.
 * Only public attributes are sent; private ones never leave the device.
 */
public record CheckinRequest(String deviceId, Attributes attributes) {
  /** What stands for a nested object or array a check-in field should not hold: only its type is reported. */
  private static final Object AN_OBJECT = new JsonObject();
  private static final Object AN_ARRAY = new JsonArray();

  /**
   * Configured as Vert.x configures the parser of its JSON codec, which read check-ins before:
   * comments allowed, Jackson's default limits (nesting, number and string lengths).
   */
  private static final JsonFactory JSON = JsonFactory.builder().enable(JsonReadFeature.ALLOW_JAVA_COMMENTS).build();

  public static CheckinRequest fromJson(JsonObject json) {
    Object attributes = json.getValue("attributes");
    return validated(json.getValue("device_id"),
        attributes instanceof JsonObject object ? Attributes.Entries.of(object) : attributes);
  }

  /**
   * Reads a request body as it comes off the wire, without building a JSON tree: the same answers
   * as {@code fromJson(body.toJsonObject())}, including each message for a bad body.
   *
   * @throws PropiusException INVALID_ARGUMENT saying what is wrong with the body
   */
  public static CheckinRequest fromBuffer(Buffer body) {
    if (body == null || body.length() == 0) {
      throw empty();
    }
    Object deviceId = null;
    Object attributes = null;
    byte[] bytes = body.getBytes();
    try (JsonParser p = JSON.createParser(bytes, 0, bytes.length)) {
      JsonToken first = p.nextToken();
      if (first == JsonToken.VALUE_NULL && p.nextToken() == null) {
        throw empty();
      }
      if (first != JsonToken.START_OBJECT) {
        throw notAnObject();
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if ("device_id".equals(field)) {
          deviceId = scalar(p, value);
        } else if ("attributes".equals(field)) {
          attributes = value == JsonToken.START_OBJECT ? entries(p) : scalar(p, value);
        } else {
          p.skipChildren();
        }
      }
      if (p.nextToken() != null) { // what follows the object makes the body no JSON document
        throw notAnObject();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof PropiusException refused) {
        throw refused;
      }
      throw notAnObject();
    }
    return validated(deviceId, attributes);
  }

  /** The one check of a check-in, whichever way its body was read. */
  private static CheckinRequest validated(Object deviceId, Object attributes) {
    String id = DeviceIds.check(JsonFields.requireString(deviceId, "device_id", 128));
    if (attributes == null) {
      return new CheckinRequest(id, Attributes.EMPTY);
    }
    if (!(attributes instanceof Attributes.Entries entries)) {
      throw JsonFields.notAnObject("attributes", attributes);
    }
    return new CheckinRequest(id, Attributes.validated(entries, "attributes"));
  }

  private static Attributes.Entries entries(JsonParser p) throws IOException {
    Attributes.Entries entries = new Attributes.Entries();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      entries.put(name, scalar(p, p.nextToken()));
    }
    return entries;
  }

  /** The value at {@code token} as Vert.x would decode it; a nested object or array is skipped. */
  private static Object scalar(JsonParser p, JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT -> p.getNumberValue();
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case START_OBJECT -> {
        p.skipChildren();
        yield AN_OBJECT;
      }
      case START_ARRAY -> {
        p.skipChildren();
        yield AN_ARRAY;
      }
      default -> null;
    };
  }

  private static PropiusException empty() {
    return PropiusException.invalid("request body is empty; expected a JSON object");
  }

  private static PropiusException notAnObject() {
    return PropiusException.invalid("request body is not a JSON object");
  }

  public JsonObject toJson() {
    return new JsonObject().put("device_id", deviceId).put("attributes", attributes.toJson());
  }
}
