package io.propius.examples.fl.device;

import io.propius.client.PropiusClientException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counters over all simulated devices, for the summary. */
public final class FleetStats {
  /** Check-ins answered (with or without offers). */
  public final AtomicLong checkins = new AtomicLong();
  public final AtomicLong tasks = new AtomicLong();
  public final AtomicLong uploads = new AtomicLong();
  public final AtomicLong duplicates = new AtomicLong();
  /** Results refused because the round had already closed (over-selection, past the deadline, too stale). */
  public final AtomicLong late = new AtomicLong();
  /** Tasks where DAB found no shard that fits the remaining time (no upload). */
  public final AtomicLong tooSlow = new AtomicLong();
  /** Tasks abandoned because the device went offline. */
  public final AtomicLong dropped = new AtomicLong();
  public final AtomicLong shardsTrained = new AtomicLong();
  /** Shards devices had but DAB left out to meet deadlines. */
  public final AtomicLong shardsLeftOut = new AtomicLong();
  public final AtomicLong failures = new AtomicLong();
  public final AtomicLong benchmarks = new AtomicLong();
  /** Failed calls by error code (a handful of codes, so the map stays small). */
  public final Map<String, AtomicLong> failuresByCode = new ConcurrentHashMap<>();
  private final Map<Long, JobTaskStats> byJob = new ConcurrentHashMap<>();

  /** Per job: tasks that ended without a counted result. */
  public static final class JobTaskStats {
    public final AtomicLong tasks = new AtomicLong();
    /** Dropped (device offline), too slow for the deadline, or a failed call. */
    public final AtomicLong failed = new AtomicLong();
    /** Uploaded after the round closed or beyond the staleness bound. */
    public final AtomicLong late = new AtomicLong();
  }

  public JobTaskStats job(long jobId) {
    return byJob.computeIfAbsent(jobId, j -> new JobTaskStats());
  }

  void failed(Throwable err) {
    failures.incrementAndGet();
    String code = err instanceof PropiusClientException p ? p.code().name()
        : err.getClass().getSimpleName();
    failuresByCode.computeIfAbsent(code, c -> new AtomicLong()).incrementAndGet();
    if (Boolean.getBoolean("fldemo.debug")) {
      System.err.println("device call failed: " + err);
    }
  }
}
