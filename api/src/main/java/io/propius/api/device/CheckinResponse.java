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
import java.util.Map;

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
        g.writeStartObject();
        g.writeNumberField("job_id", o.jobId());
        g.writeNumberField("round", o.round());
        g.writeObjectFieldStart("private_constraints");
        for (Map.Entry<String, Double> c : o.privateConstraints().entrySet()) {
          g.writeFieldName(c.getKey());
          if (c.getValue() == null) {
            g.writeNull();
          } else {
            g.writeNumber(c.getValue());
          }
        }
        g.writeEndObject();
        g.writeStringField("offer", o.offer());
        g.writeNumberField("expires_at_ms", o.expiresAtMs());
        g.writeEndObject();
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
