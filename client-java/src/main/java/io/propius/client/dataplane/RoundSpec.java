package io.propius.client.dataplane;

import io.vertx.core.json.JsonObject;

/**
 * What the data plane needs to know about one round before devices upload: the reducer, the
 * length every result tensor must have, how many contributions complete the round, and when it
 * ends.
 *
 * @param reducer reducer plug-in name, e.g. {@code fedavg}
 * @param tensorLength values in every uploaded tensor
 * @param target contributions that complete the round
 * @param mode how the round closes
 * @param deadlineMs end of the round, ms since the epoch
 * @param overSelection extra devices beyond {@code target} ({@link RoundMode#OVERSELECT})
 * @param staleness accepted base-round lag ({@link RoundMode#ASYNC})
 */
public record RoundSpec(String reducer, int tensorLength, int target, RoundMode mode, long deadlineMs,
                        int overSelection, int staleness) {
  /** A synchronous round with a deadline, the common FedAvg setting. */
  public static RoundSpec sync(String reducer, int tensorLength, int target, long deadlineMs) {
    return new RoundSpec(reducer, tensorLength, target, RoundMode.SYNC, deadlineMs, 0, 0);
  }

  public JsonObject toJson() {
    return new JsonObject().put("reducer", reducer).put("tensor_length", tensorLength).put("target", target)
        .put("mode", mode.wire()).put("deadline_ms", deadlineMs).put("over_selection", overSelection)
        .put("staleness", staleness);
  }

  public static RoundSpec fromJson(JsonObject json) {
    return new RoundSpec(json.getString("reducer"), json.getInteger("tensor_length", 0), json.getInteger("target", 0),
        RoundMode.fromWire(json.getString("mode", "sync")), json.getLong("deadline_ms", 0L),
        json.getInteger("over_selection", 0), json.getInteger("staleness", 0));
  }
}
