package io.propius.api.round;

import io.propius.api.PropiusException;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * What the job declared for a round, read by edge nodes and SDK alike: the reducer, the length
 * every result tensor must have, how many contributions complete the round and how it closes.
 * The JSON form is the body of {@code PUT /v1/rounds/{job}/{round}} (see docs/DATA-PLANE-API.md).
 *
 * @param reducer reducer plug-in name, e.g. {@code fedavg}
 * @param tensorLength values in every uploaded tensor
 * @param target contributions that complete the round
 * @param mode how the round closes
 * @param deadlineMs end of the round, ms since the epoch (0: none)
 * @param overSelection extra devices beyond {@code target} ({@link RoundMode#OVERSELECT})
 * @param staleness accepted base-round lag ({@link RoundMode#ASYNC})
 */
public record RoundSpec(String reducer, int tensorLength, int target, RoundMode mode, long deadlineMs,
                        int overSelection, int staleness) {
  private static final Set<String> FIELDS =
      Set.of("reducer", "tensor_length", "target", "mode", "deadline_ms", "over_selection", "staleness");

  /** A synchronous round with a deadline, the common FedAvg setting. */
  public static RoundSpec sync(String reducer, int tensorLength, int target, long deadlineMs) {
    return new RoundSpec(reducer, tensorLength, target, RoundMode.SYNC, deadlineMs, 0, 0);
  }

  /**
   * @throws PropiusException INVALID_ARGUMENT naming the bad field
   */
  public static RoundSpec fromJson(JsonObject json) {
    for (String key : json.fieldNames()) {
      if (!FIELDS.contains(key)) {
        throw PropiusException.invalid("unknown round spec field '" + key + "'");
      }
    }
    String reducer = string(json, "reducer", "fedavg");
    int length = (int) number(json, "tensor_length", -1, 1, Integer.MAX_VALUE / 8);
    int target = (int) number(json, "target", -1, 1, Integer.MAX_VALUE);
    RoundMode mode = RoundMode.parse(string(json, "mode", "sync"));
    long deadline = number(json, "deadline_ms", 0, 0, Long.MAX_VALUE);
    int over = (int) number(json, "over_selection", 0, 0, Integer.MAX_VALUE);
    int staleness = (int) number(json, "staleness", 0, 0, Integer.MAX_VALUE);
    if (mode != RoundMode.OVERSELECT && over != 0) {
      throw PropiusException.invalid("over_selection is only for mode overselect");
    }
    if (mode != RoundMode.ASYNC && staleness != 0) {
      throw PropiusException.invalid("staleness is only for mode async");
    }
    return new RoundSpec(reducer, length, target, mode, deadline, over, staleness);
  }

  public JsonObject toJson() {
    return new JsonObject().put("reducer", reducer).put("tensor_length", tensorLength).put("target", target)
        .put("mode", mode.wireName()).put("deadline_ms", deadlineMs).put("over_selection", overSelection)
        .put("staleness", staleness);
  }

  private static String string(JsonObject json, String key, String fallback) {
    Object v = json.getValue(key);
    if (v == null) {
      return fallback;
    }
    if (!(v instanceof String s)) {
      throw PropiusException.invalid("round spec field '" + key + "' must be a string");
    }
    return s;
  }

  /** A whole number in [min, max]; {@code fallback} when absent, required when fallback is -1. */
  private static long number(JsonObject json, String key, long fallback, long min, long max) {
    Object v = json.getValue(key);
    if (v == null) {
      if (fallback < 0) {
        throw PropiusException.invalid("round spec field '" + key + "' is required");
      }
      return fallback;
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw PropiusException.invalid("round spec field '" + key + "' must be a whole number");
    }
    long value = n.longValue();
    if (value < min || value > max) {
      throw PropiusException.invalid("round spec field '" + key + "' must be between " + min + " and " + max
          + ", got " + value);
    }
    return value;
  }
}
