package io.propius.server.bus;

import io.propius.policy.JobGroup;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The scheduler's decision in small-batch mode: the policy's job groups, in order, with the open
 * rounds they refer to (the schedule snapshot of the same run), so a client manager can turn an
 * assignment into an offer without another lookup.
 */
public record GroupPlan(ScheduleSnapshot snapshot, List<JobGroup> groups) {
  public GroupPlan {
    groups = List.copyOf(groups);
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
    return new JsonObject().put("snapshot", snapshot.toJson()).put("groups", array);
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
    return new GroupPlan(ScheduleSnapshot.fromJson(json.getJsonObject("snapshot")), groups);
  }
}
