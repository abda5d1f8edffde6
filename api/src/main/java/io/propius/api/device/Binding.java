package io.propius.api.device;

import io.vertx.core.json.JsonObject;

/**
 * A device's slot in a round, the answer to accept. The device must confirm before
 * {@code leaseExpiresAtMs} or the slot goes to another device; it then fetches the plan from
 * {@code dataPlane} and uploads its result there, presenting {@code taskToken}.
 */
public record Binding(long jobId, int round, String deviceId, String taskToken, String dataPlane,
                      long leaseExpiresAtMs, long taskExpiresAtMs) {
  public JsonObject toJson() {
    return new JsonObject().put("job_id", jobId).put("round", round).put("device_id", deviceId)
        .put("task_token", taskToken).put("data_plane", dataPlane).put("lease_expires_at_ms", leaseExpiresAtMs)
        .put("task_expires_at_ms", taskExpiresAtMs);
  }

  public static Binding fromJson(JsonObject json) {
    return new Binding(JsonFields.requireLong(json, "job_id"), (int) JsonFields.requireLong(json, "round"),
        json.getString("device_id"), JsonFields.requireString(json, "task_token", 4096), json.getString("data_plane", ""),
        JsonFields.requireLong(json, "lease_expires_at_ms"), JsonFields.requireLong(json, "task_expires_at_ms"));
  }
}
