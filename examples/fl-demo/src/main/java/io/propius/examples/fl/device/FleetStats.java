package io.propius.examples.fl.device;

import java.util.concurrent.atomic.AtomicLong;

/** Counters over all simulated devices, for the summary. */
public final class FleetStats {
  public final AtomicLong tasks = new AtomicLong();
  public final AtomicLong uploads = new AtomicLong();
  public final AtomicLong duplicates = new AtomicLong();
  /** Tasks where DAB found no shard that fits the remaining time (no upload). */
  public final AtomicLong tooSlow = new AtomicLong();
  public final AtomicLong shardsTrained = new AtomicLong();
  /** Shards devices had but DAB left out to meet the deadline. */
  public final AtomicLong shardsLeftOut = new AtomicLong();
  public final AtomicLong failures = new AtomicLong();
  public final AtomicLong benchmarks = new AtomicLong();
}
