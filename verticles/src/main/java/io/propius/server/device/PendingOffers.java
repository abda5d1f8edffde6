package io.propius.server.device;

import java.util.HashMap;
import java.util.Map;

/**
 * Offers this instance made from small-batch plans that no accept has answered yet, by device.
 * They count against the job's open demand in this instance's next plans, so that it does not ask
 * the store for slots it has already offered. An offer stops counting when its device binds through
 * any instance, or when it expires. When its device checks in again (through any instance, as it
 * does after ROUND_FULL) the offer is void: it is kept as released until the next claim of its
 * round tells the store, which counts every instance's offers against the round's budget.
 */
final class PendingOffers {
  private record Pending(long jobId, int round, long expiresAt) {
  }

  /** A round's void offers, to release in the store. */
  record Released(int round, Map<String, Long> devices) {
  }

  private final Map<String, Pending> byDevice = new HashMap<>();
  private final Map<String, Pending> released = new HashMap<>();

  void add(String deviceId, long jobId, int round, long expiresAt) {
    byDevice.put(deviceId, new Pending(jobId, round, expiresAt));
    released.remove(deviceId);
  }

  /** The device bound, through any instance: its offer became its slot, nothing to release. */
  void settled(String deviceId) {
    byDevice.remove(deviceId);
  }

  /** The device checked in again, so it will not use its offer; the store must stop counting it. */
  void superseded(String deviceId) {
    Pending p = byDevice.remove(deviceId);
    if (p != null) {
      released.put(deviceId, p);
    }
  }

  /** An offer the store granted that could not be handed out (the device left meanwhile). */
  void unused(String deviceId, long jobId, int round, long expiresAt) {
    released.put(deviceId, new Pending(jobId, round, expiresAt));
  }

  /** Unexpired pending offers per job id, for the given rounds only. */
  Map<Long, Integer> counts(Map<Long, Integer> roundByJob, long now) {
    byDevice.values().removeIf(p -> p.expiresAt() <= now);
    Map<Long, Integer> counts = new HashMap<>();
    for (Pending p : byDevice.values()) {
      Integer round = roundByJob.get(p.jobId());
      if (round != null && round == p.round()) {
        counts.merge(p.jobId(), 1, Integer::sum);
      }
    }
    return counts;
  }

  /**
   * Takes the void offers of each job's latest round; expired ones and those of earlier rounds count
   * nowhere any more.
   */
  Map<Long, Released> takeReleased(long now) {
    Map<Long, Released> out = new HashMap<>();
    released.forEach((device, p) -> {
      if (p.expiresAt() <= now) {
        return;
      }
      Released r = out.get(p.jobId());
      if (r == null || r.round() < p.round()) {
        r = new Released(p.round(), new HashMap<>());
        out.put(p.jobId(), r);
      }
      if (r.round() == p.round()) {
        r.devices().put(device, p.expiresAt());
      }
    });
    released.clear();
    return out;
  }
}
