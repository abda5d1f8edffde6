package io.propius.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One job group of a small-batch tick (paper §3.2): a device-attribute query in the Propius query
 * language and the jobs that share the devices matching it. Groups are applied in order, each to
 * the held devices no earlier group took (see {@link io.propius.policy.batch.GroupAssigner}).
 *
 * <p>Two ways to share a group's devices among its jobs:
 * <ul>
 *   <li><b>ordered</b> ({@link #ordered}): strict priority, the first job that still needs devices
 *       (and whose own public constraints the device satisfies) takes the device;</li>
 *   <li><b>proportional</b> ({@link #proportional}): each device goes to the eligible job that is
 *       furthest below its share (Sainte-Laguë), so a group's devices split in proportion to the
 *       shares.</li>
 * </ul>
 *
 * @param query  devices this group may take; {@code "true"} for any device
 * @param jobIds the group's jobs, in priority order (ordered) or in tie-break order (proportional)
 * @param shares empty for an ordered group; otherwise one positive weight per job, same order
 */
public record JobGroup(String query, List<Long> jobIds, List<Double> shares) {
  public JobGroup {
    if (query == null || query.isBlank()) {
      throw new IllegalArgumentException("a job group needs a device query ('true' for any device)");
    }
    jobIds = List.copyOf(jobIds);
    shares = List.copyOf(shares);
    if (!shares.isEmpty() && shares.size() != jobIds.size()) {
      throw new IllegalArgumentException("a proportional job group needs one share per job: " + jobIds.size()
          + " jobs, " + shares.size() + " shares");
    }
    for (double s : shares) {
      if (!(s > 0) || !Double.isFinite(s)) {
        throw new IllegalArgumentException("job group shares must be positive and finite, got " + s);
      }
    }
  }

  /** A group whose jobs take its devices in this order. */
  public static JobGroup ordered(String query, List<Long> jobIds) {
    return new JobGroup(query, jobIds, List.of());
  }

  /** A group whose devices split among its jobs in proportion to these shares (job id → weight, in order); jobs with a share of 0 or less are left out. */
  public static JobGroup proportional(String query, Map<Long, Double> shares) {
    Map<Long, Double> copy = new LinkedHashMap<>(shares);
    copy.values().removeIf(s -> !(s > 0));
    return new JobGroup(query, new ArrayList<>(copy.keySet()), new ArrayList<>(copy.values()));
  }

  public boolean isProportional() {
    return !shares.isEmpty();
  }
}
