package io.propius.api.device;

import io.propius.api.PropiusException;
import io.vertx.core.json.JsonObject;

/**
 * {@code POST /v1/confirm}: {@code {"task_token": "...", "trained_shards": 4}}; the device has
 * started its task. {@code trained_shards} (optional, only for a task with MED shards) is how many
 * of the offered shards it trains: its own deadline-aware cap may allow fewer.
 *
 * @param trainedShards 0 when not given
 */
public record ConfirmRequest(String taskToken, int trainedShards) {
  public ConfirmRequest(String taskToken) {
    this(taskToken, 0);
  }

  public static ConfirmRequest fromJson(JsonObject json) {
    String token = JsonFields.requireString(json, "task_token", 4096);
    Object trained = json.getValue("trained_shards");
    if (trained == null) {
      return new ConfirmRequest(token, 0);
    }
    if (!(trained instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 1
        || n.doubleValue() > Integer.MAX_VALUE) {
      throw PropiusException.invalid("trained_shards must be a whole number of at least 1, got " + trained);
    }
    return new ConfirmRequest(token, n.intValue());
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("task_token", taskToken);
    if (trainedShards > 0) {
      json.put("trained_shards", trainedShards);
    }
    return json;
  }
}
