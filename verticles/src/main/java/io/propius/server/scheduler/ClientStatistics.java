package io.propius.server.scheduler;

import io.propius.policy.portal.SampledClientPortal;
import io.propius.server.bus.WindowStats;
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

  ClientStatistics(long staleAfterMs) {
    this.staleAfterMs = staleAfterMs;
  }

  synchronized void update(WindowStats stats, long now) {
    reports.put(stats.instance(), new Report(stats, now));
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
