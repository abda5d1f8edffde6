package io.propius.server.device;

import java.util.HashMap;
import java.util.Map;

/**
 * Offers a small-batch plan handed out and no accept has answered yet, by device. They count
 * against the job's open demand in the next plans of this instance, so a plan that runs before
 * the store has seen the accepts does not offer the same slots again. An offer stops counting
 * when its device accepts or checks in again, through any instance, or when it expires.
 */
final class PendingOffers {
  private record Pending(long jobId, int round, long expiresAt) {
  }

  private final Map<String, Pending> byDevice = new HashMap<>();

  void add(String deviceId, long jobId, int round, long expiresAt) {
    byDevice.put(deviceId, new Pending(jobId, round, expiresAt));
  }

  void remove(String deviceId) {
    byDevice.remove(deviceId);
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
}
