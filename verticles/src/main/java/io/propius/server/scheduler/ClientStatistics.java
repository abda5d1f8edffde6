package io.propius.server.scheduler;

import io.propius.policy.portal.SampledClientPortal;
import io.propius.server.bus.WindowStats;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * The scheduler's view of the devices: the latest {@link WindowStats} of every client manager
 * instance that reported recently. Device state stays soft and sharded in the client managers;
 * only counts and a bounded sample travel here, so the scheduler's cost does not grow with the
 * number of devices.
 */
final class ClientStatistics {
  private record Report(WindowStats stats, long receivedAt) {
  }

  private final long staleAfterMs;
  private final Map<String, Report> reports = new HashMap<>();
  /** "job/round" → the instance that solves MED for it. */
  private final Map<String, String> medOwners = new HashMap<>();

  ClientStatistics(long staleAfterMs) {
    this.staleAfterMs = staleAfterMs;
  }

  synchronized void update(WindowStats stats, long now) {
    reports.put(stats.instance(), new Report(stats, now));
  }

  /**
   * Which client manager instance solves MED for each data-work round: the one that held the most
   * devices when the round was first seen, for as long as it keeps reporting (then the one that
   * holds the most now). One instance per round, because an instance hands out all of a round's
   * shards to its own held devices; a second would hand them out again.
   *
   * @param rounds the open data-work rounds, as job id → round
   * @return job id → instance; empty when no instance reports
   */
  synchronized Map<Long, String> medInstances(Map<Long, Integer> rounds, long now) {
    reports.values().removeIf(r -> now - r.receivedAt() > staleAfterMs);
    String most = reports.values().stream().map(Report::stats)
        .max(Comparator.comparingLong(WindowStats::held).thenComparing(WindowStats::instance, Comparator.reverseOrder()))
        .map(WindowStats::instance).orElse(null);
    Map<String, String> kept = new HashMap<>();
    Map<Long, String> out = new HashMap<>();
    rounds.forEach((job, round) -> {
      String key = job + "/" + round;
      String owner = medOwners.get(key);
      if (owner == null || !reports.containsKey(owner)) {
        owner = most;
      }
      if (owner != null) {
        kept.put(key, owner);
        out.put(job, owner);
      }
    });
    medOwners.clear();
    medOwners.putAll(kept);
    return out;
  }

  /**
   * A portal over the fresh reports; an instance that stopped reporting is left out. Over the held
   * devices (small-batch mode: the batch the plan splits) or over the sliding windows.
   */
  synchronized SampledClientPortal portal(long now, boolean held) {
    reports.values().removeIf(r -> now - r.receivedAt() > staleAfterMs);
    return new SampledClientPortal(reports.values().stream()
        .map(r -> held ? new SampledClientPortal.Stratum(r.stats().held(), r.stats().heldSample())
            : new SampledClientPortal.Stratum(r.stats().size(), r.stats().sample())).toList());
  }
}
