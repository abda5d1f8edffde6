package io.propius.server.device;

import io.propius.api.device.Attributes;
import io.propius.server.bus.ScheduleSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks a device's offers from the schedule snapshot: the first K jobs in priority order whose
 * public constraints the device satisfies, skipping rounds this client manager knows are full.
 * Confined to its client manager's event loop.
 */
final class OfferSelector {
  private ScheduleSnapshot snapshot = ScheduleSnapshot.EMPTY;
  /** Rounds known full since the snapshot was made: job id → round. */
  private final Map<Long, Integer> fullRounds = new HashMap<>();

  void update(ScheduleSnapshot next) {
    if (next.version() < snapshot.version() && next.generatedAtMs() <= snapshot.generatedAtMs()) {
      return; // an older snapshot arriving late
    }
    snapshot = next;
    // Keep a mark only while the snapshot still offers that very round.
    Map<Long, Integer> offered = new HashMap<>();
    for (ScheduleSnapshot.OfferableJob j : next.jobs()) {
      offered.put(j.jobId(), j.round());
    }
    fullRounds.entrySet().removeIf(e -> !e.getValue().equals(offered.get(e.getKey())));
  }

  void markFull(long jobId, int round) {
    fullRounds.put(jobId, round);
  }

  void markOpen(long jobId, int round) {
    fullRounds.remove(jobId, round);
  }

  /** Whether this client manager knows the round is full since the snapshot was made. */
  boolean isFull(long jobId, int round) {
    Integer full = fullRounds.get(jobId);
    return full != null && full == round;
  }

  List<ScheduleSnapshot.OfferableJob> select(Attributes attributes, int k) {
    List<ScheduleSnapshot.OfferableJob> chosen = new ArrayList<>(k);
    for (ScheduleSnapshot.OfferableJob job : snapshot.jobs()) {
      Integer full = fullRounds.get(job.jobId());
      if ((full == null || full != job.round()) && job.publicConstraints().satisfiedBy(attributes)) {
        chosen.add(job);
        if (chosen.size() == k) {
          break;
        }
      }
    }
    return chosen;
  }

  /** Devices still wanted by the rounds on offer. */
  long outstandingDemand() {
    long sum = 0;
    for (ScheduleSnapshot.OfferableJob j : snapshot.jobs()) {
      Integer full = fullRounds.get(j.jobId());
      if (full == null || full != j.round()) {
        sum += Math.max(0, j.demand() - j.amount());
      }
    }
    return sum;
  }

  ScheduleSnapshot snapshot() {
    return snapshot;
  }
}
