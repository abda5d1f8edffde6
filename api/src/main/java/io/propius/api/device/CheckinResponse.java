package io.propius.api.device;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The answer to a check-in: offers, best first, and when to check in again if none suits
 * (pace steering).
 */
public record CheckinResponse(String deviceId, List<Offer> offers, long retryAfterMs) {
  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    offers.forEach(o -> array.add(o.toJson()));
    return new JsonObject().put("device_id", deviceId).put("offers", array).put("retry_after_ms", retryAfterMs);
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
