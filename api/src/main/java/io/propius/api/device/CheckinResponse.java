package io.propius.api.device;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer to a check-in: offers, best first, and when to check in again if none suits
 * (pace steering).
 */
public record CheckinResponse(String deviceId, List<Offer> offers, long retryAfterMs) {
  private static final JsonFactory JSON = new JsonFactory();

  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    offers.forEach(o -> array.add(o.toJson()));
    return new JsonObject().put("device_id", deviceId).put("offers", array).put("retry_after_ms", retryAfterMs);
  }

  /**
   * The bytes of {@code toJson().toBuffer()}, streamed by Jackson's generator without building the
   * JSON tree: a server writes one per check-in.
   */
  public Buffer toBuffer() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128 + 384 * offers.size());
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("device_id", deviceId);
      g.writeArrayFieldStart("offers");
      for (Offer o : offers) {
        o.writeTo(g);
      }
      g.writeEndArray();
      g.writeNumberField("retry_after_ms", retryAfterMs);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory cannot fail", e);
    }
    return Buffer.buffer(out.toByteArray());
  }

  public static CheckinResponse fromJson(JsonObject json) {
    List<Offer> offers = new ArrayList<>();
    JsonArray array = json.getJsonArray("offers", new JsonArray());
    for (int i = 0; i < array.size(); i++) {
      offers.add(Offer.fromJson(array.getJsonObject(i)));
    }
    return new CheckinResponse(json.getString("device_id"), offers, json.getLong("retry_after_ms", 0L));
  }
}
