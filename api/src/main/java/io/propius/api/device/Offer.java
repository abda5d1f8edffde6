package io.propius.api.device;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One task offered to a device: a round of a job whose public constraints the device meets. The
 * device checks {@code privateConstraints} against its private attributes and, if it wants the
 * task, accepts with {@code offer} (a signed token) before {@code expiresAtMs}.
 */
public record Offer(long jobId, int round, Map<String, Double> privateConstraints, String offer, long expiresAtMs) {
  public JsonObject toJson() {
    JsonObject priv = new JsonObject();
    privateConstraints.forEach(priv::put);
    return new JsonObject().put("job_id", jobId).put("round", round).put("private_constraints", priv)
        .put("offer", offer).put("expires_at_ms", expiresAtMs);
  }

  public static Offer fromJson(JsonObject json) {
    Map<String, Double> priv = new LinkedHashMap<>();
    JsonFields.optionalObject(json, "private_constraints")
        .forEach(e -> priv.put(e.getKey(), ((Number) e.getValue()).doubleValue()));
    return new Offer(JsonFields.requireLong(json, "job_id"), (int) JsonFields.requireLong(json, "round"), priv,
        JsonFields.requireString(json, "offer", 4096), JsonFields.requireLong(json, "expires_at_ms"));
  }
}
