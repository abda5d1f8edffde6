package io.propius.api.device;

import io.vertx.core.json.JsonObject;

/** {@code POST /v1/confirm}: {@code {"task_token": "..."}}; the device has started its task. */
public record ConfirmRequest(String taskToken) {
  public static ConfirmRequest fromJson(JsonObject json) {
    return new ConfirmRequest(JsonFields.requireString(json, "task_token", 4096));
  }

  public JsonObject toJson() {
    return new JsonObject().put("task_token", taskToken);
  }
}
