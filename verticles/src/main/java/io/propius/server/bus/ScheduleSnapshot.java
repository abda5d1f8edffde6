package io.propius.server.bus;

import io.propius.api.query.Constraints;
import io.propius.policy.med.plan.DataWork;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's decision in online mode: the jobs with an open round, best first (score
 * descending, then older registration, then lower id). Client managers keep the latest one in
 * memory and answer check-ins from it without touching the store.
 *
 * @param version increases with every snapshot the scheduler publishes
 */
public record ScheduleSnapshot(long version, long generatedAtMs, List<OfferableJob> jobs) {
  public static final ScheduleSnapshot EMPTY = new ScheduleSnapshot(0, 0, List.of());

  public ScheduleSnapshot {
    jobs = List.copyOf(jobs);
  }

  /**
   * One job as a client manager needs it to make offers.
   *
   * @param dataWork the data work the round declared for MED; null when it declared none
   */
  public record OfferableJob(long jobId, int round, double score, long timeStamp, int demand, int amount,
                             Constraints publicConstraints, Map<String, Double> privateConstraints,
                             String dataPlaneAddress, DataWork dataWork) {
    /** A round without data work. */
    public OfferableJob(long jobId, int round, double score, long timeStamp, int demand, int amount,
                        Constraints publicConstraints, Map<String, Double> privateConstraints, String dataPlaneAddress) {
      this(jobId, round, score, timeStamp, demand, amount, publicConstraints, privateConstraints, dataPlaneAddress,
          null);
    }

    JsonObject toJson() {
      JsonObject json = new JsonObject().put("job", jobId).put("round", round).put("score", score).put("ts", timeStamp)
          .put("demand", demand).put("amount", amount).put("pub", new JsonObject(new LinkedHashMap<>(publicConstraints.bounds())))
          .put("priv", new JsonObject(new LinkedHashMap<>(privateConstraints))).put("dp", dataPlaneAddress);
      if (dataWork != null) {
        json.put("work", new JsonArray().add(dataWork.totalShards()).add(dataWork.shardBytes())
            .add(dataWork.modelBytes()).add(dataWork.deadlineMs()));
      }
      return json;
    }

    static OfferableJob fromJson(JsonObject j) {
      JsonArray w = j.getJsonArray("work");
      DataWork work = w == null ? null : new DataWork(w.getInteger(0), w.getLong(1), w.getLong(2), w.getLong(3));
      return new OfferableJob(j.getLong("job"), j.getInteger("round"), j.getDouble("score"), j.getLong("ts"),
          j.getInteger("demand"), j.getInteger("amount"), Constraints.of(doubles(j.getJsonObject("pub")), "pub"),
          doubles(j.getJsonObject("priv")), j.getString("dp"), work);
    }
  }

  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    jobs.forEach(j -> array.add(j.toJson()));
    return new JsonObject().put("version", version).put("generated_at_ms", generatedAtMs).put("jobs", array);
  }

  public static ScheduleSnapshot fromJson(JsonObject json) {
    List<OfferableJob> jobs = new ArrayList<>();
    JsonArray array = json.getJsonArray("jobs");
    for (int i = 0; i < array.size(); i++) {
      jobs.add(OfferableJob.fromJson(array.getJsonObject(i)));
    }
    return new ScheduleSnapshot(json.getLong("version"), json.getLong("generated_at_ms"), jobs);
  }

  private static Map<String, Double> doubles(JsonObject json) {
    Map<String, Double> map = new LinkedHashMap<>();
    json.forEach(e -> map.put(e.getKey(), ((Number) e.getValue()).doubleValue()));
    return map;
  }
}
