package io.propius.api.device;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One task offered to a device: a round of a job whose public constraints the device meets. The
 * device checks {@code privateConstraints} against its private attributes and, if it wants the
 * task, accepts with {@code offer} (a signed token) before {@code expiresAtMs}.
 *
 * @param work the data work the MED allocator gave this device; null when the round is scheduled
 *             by device count only
 */
public record Offer(long jobId, int round, Map<String, Double> privateConstraints, String offer, long expiresAtMs,
                    Work work) {
  /**
   * The shards a device is asked to train, with what it needs to check them against its own
   * deadline-aware cap (DAB): shard and model sizes and the time it has.
   */
  public record Work(int shards, long shardBytes, long modelBytes, long deadlineMs) {
  }

  /** An offer without data work. */
  public Offer(long jobId, int round, Map<String, Double> privateConstraints, String offer, long expiresAtMs) {
    this(jobId, round, privateConstraints, offer, expiresAtMs, null);
  }

  public JsonObject toJson() {
    JsonObject priv = new JsonObject();
    privateConstraints.forEach(priv::put);
    JsonObject json = new JsonObject().put("job_id", jobId).put("round", round).put("private_constraints", priv)
        .put("offer", offer).put("expires_at_ms", expiresAtMs);
    if (work != null) {
      json.put("shards", work.shards()).put("shard_bytes", work.shardBytes()).put("model_bytes", work.modelBytes())
          .put("deadline_ms", work.deadlineMs());
    }
    return json;
  }

  public static Offer fromJson(JsonObject json) {
    Map<String, Double> priv = new LinkedHashMap<>();
    JsonFields.optionalObject(json, "private_constraints")
        .forEach(e -> priv.put(e.getKey(), ((Number) e.getValue()).doubleValue()));
    Work work = null;
    if (json.containsKey("shards")) {
      work = new Work((int) JsonFields.requireLong(json, "shards"), JsonFields.requireLong(json, "shard_bytes"),
          JsonFields.requireLong(json, "model_bytes"), JsonFields.requireLong(json, "deadline_ms"));
    }
    return new Offer(JsonFields.requireLong(json, "job_id"), (int) JsonFields.requireLong(json, "round"), priv,
        JsonFields.requireString(json, "offer", 4096), JsonFields.requireLong(json, "expires_at_ms"), work);
  }
}
