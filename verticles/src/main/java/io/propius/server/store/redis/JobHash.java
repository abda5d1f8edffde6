package io.propius.server.store.redis;

import io.propius.api.grpc.JobState;
import io.propius.api.query.Constraints;
import io.propius.policy.med.plan.DataWork;
import io.propius.server.store.Job;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link Job} as the fields of a Redis hash, plus the hash's {@code version} (bumped by every
 * write, for compare-and-set). The Lua scripts read {@code state} (the JobState number),
 * {@code round}, {@code amount}, {@code demand} and {@code attainedService} by these names.
 */
final class JobHash {
  static final String VERSION = "version";
  /**
   * Constraints by their stored JSON: every reservation reply carries the job's constraints, which
   * never change, so parsing each distinct text once keeps JSON off the hot path. Constraints are
   * immutable, so sharing them is safe; the bound keeps memory flat whatever jobs come and go.
   */
  private static final Map<String, Constraints> PARSED = new ConcurrentHashMap<>();
  private static final int MAX_PARSED = 10_000;

  private JobHash() {
  }

  /**
   * The fields that change after registration (the others are fixed for the job's life), then the
   * registration time, which tells whether the job is still the one whose fixed fields are known.
   */
  static final List<String> CHANGING = List.of("state", "round", "amount", "demand", "totalSched", "startSched",
      "filledAt", "attainedService", "score", "roundsCompleted", "roundTimeTotal", "lastHeartbeat", "reason",
      "timeStamp", "dataWork");

  /** A job read from Redis with the version it was read at. */
  record Versioned(Job job, String version) {
  }

  /** Every field but id and version, as written at registration and compared for updates. */
  static Map<String, String> fields(Job j) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("tenant", j.tenant());
    f.put("name", j.name());
    f.put("state", Integer.toString(j.state().getNumber()));
    f.put("timeStamp", Long.toString(j.timeStamp()));
    f.put("totalSched", Long.toString(j.totalSched()));
    f.put("startSched", Long.toString(j.startSched()));
    f.put("filledAt", Long.toString(j.filledAt()));
    f.put("jobAddress", j.jobAddress());
    f.put("estDemand", Integer.toString(j.estDemand()));
    f.put("totalRound", Integer.toString(j.totalRound()));
    f.put("attainedService", Long.toString(j.attainedService()));
    f.put("round", Integer.toString(j.round()));
    f.put("demand", Integer.toString(j.demand()));
    f.put("amount", Integer.toString(j.amount()));
    f.put("score", Double.toString(j.score()));
    f.put("publicConstraints", constraints(j.publicConstraints()));
    f.put("privateConstraints", constraints(j.privateConstraints()));
    f.put("roundsCompleted", Integer.toString(j.roundsCompleted()));
    f.put("roundTimeTotal", Long.toString(j.roundTimeTotal()));
    f.put("lastHeartbeat", Long.toString(j.lastHeartbeat()));
    f.put("reducer", j.reducer());
    f.put("dataPlaneAddress", j.dataPlaneAddress());
    f.put("dataPlaneAudience", j.dataPlaneAudience());
    f.put("reason", j.reason());
    f.put("dataWork", dataWork(j.dataWork()));
    return f;
  }

  /** The fields whose values differ between two states of one job. */
  static Map<String, String> changed(Job before, Job after) {
    Map<String, String> old = fields(before);
    Map<String, String> diff = new LinkedHashMap<>();
    fields(after).forEach((k, v) -> {
      if (!v.equals(old.get(k))) {
        diff.put(k, v);
      }
    });
    return diff;
  }

  private static String constraints(Constraints c) {
    return new JsonObject(new TreeMap<String, Object>(c.bounds())).encode();
  }

  private static Constraints constraints(String json, String kind) {
    Constraints known = PARSED.get(json);
    if (known != null) {
      return known;
    }
    Map<String, Double> bounds = new TreeMap<>();
    new JsonObject(json).forEach(e -> bounds.put(e.getKey(), ((Number) e.getValue()).doubleValue()));
    Constraints parsed = Constraints.of(bounds, kind);
    if (PARSED.size() >= MAX_PARSED) {
      PARSED.clear();
    }
    PARSED.put(json, parsed);
    return parsed;
  }

  /** A round's data work as one field: "shards,shardBytes,modelBytes,deadlineMs", empty for none. */
  private static String dataWork(DataWork w) {
    return w == null ? "" : w.totalShards() + "," + w.shardBytes() + "," + w.modelBytes() + "," + w.deadlineMs();
  }

  /** The field back; a job written before the field existed has none. */
  private static DataWork dataWork(String field) {
    if (field == null || field.isEmpty()) {
      return null;
    }
    String[] v = field.split(",");
    return new DataWork(Integer.parseInt(v[0]), Long.parseLong(v[1]), Long.parseLong(v[2]), Long.parseLong(v[3]));
  }

  /** A hash as Redis returns it: a map (RESP3) or, from scripts and RESP2, a flat key/value array. */
  static Map<String, String> map(Response r) {
    Map<String, String> m = new LinkedHashMap<>();
    if (r == null) {
      return m;
    }
    if (r.isMap()) {
      for (String key : r.getKeys()) {
        m.put(key, r.get(key).toString());
      }
    } else {
      for (int i = 0; i + 1 < r.size(); i += 2) {
        m.put(r.get(i).toString(), r.get(i + 1).toString());
      }
    }
    return m;
  }

  /**
   * The job from its fixed fields, as known from an earlier read, and the current values of the
   * {@link #CHANGING} fields in that order; null when the job is not the known one (its data was
   * wiped and the id used again).
   */
  static Job withChanging(Job known, Response values) {
    if (values.get(13) == null || values.get(13).toLong() != known.timeStamp()) {
      return null;
    }
    return new Job(known.id(), known.tenant(), known.name(),
        JobState.forNumber(values.get(0).toInteger()),
        known.timeStamp(),
        values.get(4).toLong(),
        values.get(5).toLong(),
        values.get(6).toLong(),
        known.jobAddress(), known.estDemand(), known.totalRound(),
        values.get(7).toLong(),
        values.get(1).toInteger(),
        values.get(3).toInteger(),
        values.get(2).toInteger(),
        Double.parseDouble(values.get(8).toString()),
        known.publicConstraints(), known.privateConstraints(),
        values.get(9).toInteger(),
        values.get(10).toLong(),
        values.get(11).toLong(),
        known.reducer(), known.dataPlaneAddress(), known.dataPlaneAudience(),
        values.get(12).toString(),
        dataWork(values.get(14) == null ? null : values.get(14).toString()));
  }

  /** @return the job, or null for an empty hash (no such job) */
  static Versioned decode(Response r) {
    return decode(map(r));
  }

  private static Versioned decode(Map<String, String> f) {
    if (f.isEmpty()) {
      return null;
    }
    Job job = new Job(
        Long.parseLong(f.get("id")),
        f.get("tenant"),
        f.get("name"),
        JobState.forNumber(Integer.parseInt(f.get("state"))),
        Long.parseLong(f.get("timeStamp")),
        Long.parseLong(f.get("totalSched")),
        Long.parseLong(f.get("startSched")),
        Long.parseLong(f.get("filledAt")),
        f.get("jobAddress"),
        Integer.parseInt(f.get("estDemand")),
        Integer.parseInt(f.get("totalRound")),
        Long.parseLong(f.get("attainedService")),
        Integer.parseInt(f.get("round")),
        Integer.parseInt(f.get("demand")),
        Integer.parseInt(f.get("amount")),
        Double.parseDouble(f.get("score")),
        constraints(f.get("publicConstraints"), "public_constraints"),
        constraints(f.get("privateConstraints"), "private_constraints"),
        Integer.parseInt(f.get("roundsCompleted")),
        Long.parseLong(f.get("roundTimeTotal")),
        Long.parseLong(f.get("lastHeartbeat")),
        f.get("reducer"),
        f.get("dataPlaneAddress"),
        f.getOrDefault("dataPlaneAudience", ""), // none in a job written before the field existed
        f.get("reason"),
        dataWork(f.get("dataWork")));
    return new Versioned(job, f.get(VERSION));
  }
}
