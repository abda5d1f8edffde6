package io.propius.api.device;

import io.vertx.core.json.JsonObject;

/**
 * {@code POST /v1/checkin}: {@code {"device_id": "phone-17", "attributes": {"cpu_cores": 8, "ram_gb": 6}}}.
 * Only public attributes are sent; private ones never leave the device.
 */
public record CheckinRequest(String deviceId, Attributes attributes) {
  public static CheckinRequest fromJson(JsonObject json) {
    return new CheckinRequest(DeviceIds.check(JsonFields.requireString(json, "device_id", 128)),
        Attributes.fromJson(JsonFields.optionalObject(json, "attributes"), "attributes"));
  }

  public JsonObject toJson() {
    return new JsonObject().put("device_id", deviceId).put("attributes", attributes.toJson());
  }
}
