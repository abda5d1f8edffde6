package io.propius.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A scheduling policy plug-in (paper §3.2). Implementations are plain synchronous classes with a
 * public no-argument constructor, registered in
 * {@code META-INF/services/io.propius.policy.SchedulingPolicy} and chosen by {@link #name()}. A
 * policy sees the world only through the portals, so the server and the simulator run the same
 * class. The scheduler calls one policy instance from one thread at a time.
 */
public interface SchedulingPolicy {
  /** The name configuration uses to pick this policy ({@code scheduler.policy}); lower-case. */
  String name();

  /** Called once before the first run. */
  default void init(PolicyContext context) {
  }

  /**
   * Online mode: set a priority score for the jobs whose order may have changed. Jobs never given
   * a score keep their previous one (0 for new jobs).
   */
  void schedule(ScheduleTrigger trigger, JobPortal jobs, ClientPortal clients);

  /**
   * Small-batch mode: the job groups for this tick, applied in order to the devices the client
   * managers hold (see {@link io.propius.policy.batch.GroupAssigner}). Only jobs with an open,
   * unfilled round ({@link #OPEN_ROUNDS}) can take devices; other ids in a group are skipped.
   *
   * <p>The default suits any online policy: it runs {@link #schedule} once and returns one ordered
   * group of every device, with the open jobs by score (highest first, then lower id).
   */
  default List<JobGroup> groups(JobPortal jobs, ClientPortal clients) {
    schedule(ScheduleTrigger.TICK, jobs, clients);
    List<Long> open = new ArrayList<>(jobs.query(OPEN_ROUNDS));
    open.sort(Comparator.<Long>comparingDouble(id -> -jobs.field(id, JobFields.SCORE)).thenComparing(id -> id));
    return open.isEmpty() ? List.of() : List.of(JobGroup.ordered("true", open));
  }

  /** Jobs whose current round is requesting and not yet filled, as a job-portal query. */
  String OPEN_ROUNDS = "state == 2 and amount < demand";
}
