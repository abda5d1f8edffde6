package io.propius.server.bus;

import io.propius.policy.JobGroup;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's decision in small-batch mode: the policy's job groups, in order, with the open
 * rounds they refer to (the schedule snapshot of the same run), so a client manager can turn an
 * assignment into an offer without another lookup.
 *
 * @param allocator the policy that allocates data work to held devices before the groups apply
 *                  (the {@code med} policy, which each client manager runs on its own devices), with
 *                  the options it is in force with; null when the policy in force only makes groups
 */
public record GroupPlan(ScheduleSnapshot snapshot, List<JobGroup> groups, Allocator allocator) {
  /**
   * A policy by name and options, for a client manager to make its own instance of, and which
   * instance solves for which data-work round (job id → client manager instance): each round's
   * shards are handed out by one instance only.
   */
  public record Allocator(String policy, Map<String, String> options, Map<Long, String> solvers) {
    public Allocator {
      options = Map.copyOf(options);
      solvers = Map.copyOf(solvers);
    }
  }

  public GroupPlan {
    groups = List.copyOf(groups);
  }

  /** A plan of groups only. */
  public GroupPlan(ScheduleSnapshot snapshot, List<JobGroup> groups) {
    this(snapshot, groups, null);
  }

  public long version() {
    return snapshot.version();
  }

  public JsonObject toJson() {
    JsonArray array = new JsonArray();
    for (JobGroup g : groups) {
      array.add(new JsonObject().put("query", g.query()).put("jobs", new JsonArray(new ArrayList<>(g.jobIds())))
          .put("shares", new JsonArray(new ArrayList<>(g.shares()))));
    }
    JsonObject json = new JsonObject().put("snapshot", snapshot.toJson()).put("groups", array);
    if (allocator != null) {
      JsonObject solvers = new JsonObject();
      allocator.solvers().forEach((job, instance) -> solvers.put(Long.toString(job), instance));
      json.put("allocator", new JsonObject().put("policy", allocator.policy())
          .put("options", new JsonObject(new LinkedHashMap<>(allocator.options()))).put("solvers", solvers));
    }
    return json;
  }

  public static GroupPlan fromJson(JsonObject json) {
    List<JobGroup> groups = new ArrayList<>();
    JsonArray array = json.getJsonArray("groups");
    for (int i = 0; i < array.size(); i++) {
      JsonObject g = array.getJsonObject(i);
      List<Long> jobs = new ArrayList<>();
      g.getJsonArray("jobs").forEach(id -> jobs.add(((Number) id).longValue()));
      List<Double> shares = new ArrayList<>();
      g.getJsonArray("shares").forEach(s -> shares.add(((Number) s).doubleValue()));
      groups.add(new JobGroup(g.getString("query"), jobs, shares));
    }
    JsonObject a = json.getJsonObject("allocator");
    Allocator allocator = null;
    if (a != null) {
      Map<String, String> options = new LinkedHashMap<>();
      a.getJsonObject("options").forEach(e -> options.put(e.getKey(), String.valueOf(e.getValue())));
      Map<Long, String> solvers = new LinkedHashMap<>();
      a.getJsonObject("solvers").forEach(e -> solvers.put(Long.parseLong(e.getKey()), (String) e.getValue()));
      allocator = new Allocator(a.getString("policy"), options, solvers);
    }
    return new GroupPlan(ScheduleSnapshot.fromJson(json.getJsonObject("snapshot")), groups, allocator);
  }
}
