package io.propius.policy;

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
}
