package io.propius.examples.fl.device;

import java.util.concurrent.atomic.AtomicLong;

/** Counters over all simulated devices, for the summary. */
public final class FleetStats {
  /** Check-ins answered (with or without offers). */
  public final AtomicLong checkins = new AtomicLong();
  public final AtomicLong tasks = new AtomicLong();
  public final AtomicLong uploads = new AtomicLong();
  public final AtomicLong duplicates = new AtomicLong();
  /** Results refused because the round had already closed (over-selection, or past the deadline). */
  public final AtomicLong late = new AtomicLong();
  /** Tasks where DAB found no shard that fits the remaining time (no upload). */
  public final AtomicLong tooSlow = new AtomicLong();
  public final AtomicLong shardsTrained = new AtomicLong();
  /** Shards devices had but DAB left out to meet the deadline. */
  public final AtomicLong shardsLeftOut = new AtomicLong();
  public final AtomicLong failures = new AtomicLong();
  public final AtomicLong benchmarks = new AtomicLong();
  /** Failed calls by error code (a handful of codes, so the map stays small). */
  public final java.util.Map<String, AtomicLong> failuresByCode = new java.util.concurrent.ConcurrentHashMap<>();

  void failed(Throwable err) {
    failures.incrementAndGet();
    String code = err instanceof io.propius.client.PropiusClientException p ? p.code().name()
        : err.getClass().getSimpleName();
    failuresByCode.computeIfAbsent(code, c -> new AtomicLong()).incrementAndGet();
    if (Boolean.getBoolean("fldemo.debug")) {
      System.err.println("device call failed: " + err);
    }
  }
}
