package io.propius.api.device;

import io.vertx.core.json.JsonObject;

/** {@code POST /v1/accept}: {@code {"device_id": "phone-17", "offer": "<token from the offer>"}}. */
public record AcceptRequest(String deviceId, String offer) {
  public static AcceptRequest fromJson(JsonObject json) {
    return new AcceptRequest(DeviceIds.check(JsonFields.requireString(json, "device_id", 128)),
        JsonFields.requireString(json, "offer", 4096));
  }

  public JsonObject toJson() {
    return new JsonObject().put("device_id", deviceId).put("offer", offer);
  }
}
