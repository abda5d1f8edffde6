package io.propius.server.bus;

/**
 * Event-bus addresses: the only way the control plane's verticles talk to each other (besides the
 * job store), so that the same code runs in one JVM or across a cluster.
 */
public final class Addresses {
  /** Published {@link io.propius.api.grpc.JobEvent}s of every job. */
  public static final String JOB_EVENTS = "propius.job.events";
  /** Published {@link ScheduleSnapshot}s, from the scheduler to the client managers. */
  public static final String SCHEDULE = "propius.schedule";
  /** Request: answers the scheduler's latest {@link ScheduleSnapshot}. */
  public static final String SCHEDULE_GET = "propius.schedule.get";
  /** Request: answers the policy in force as JSON ({@code policy}, {@code options}, {@code since_ms}). */
  public static final String POLICY_GET = "propius.policy.get";
  /**
   * Request, JSON {@code {"policy": NAME, "options": {...}}}: switches the scheduling policy; answers
   * the new and previous policy, or fails with code 400 and the reason.
   */
  public static final String POLICY_SET = "propius.policy.set";
  /** Published {@link GroupPlan}s (small-batch mode), from the scheduler to the client managers. */
  public static final String GROUPS = "propius.groups";
  /**
   * Published {@code {"device_id", "instance"}} (small-batch mode): that instance now holds the
   * device, so any other instance holding it lets it go (a device is held in one place only).
   */
  public static final String DEVICE_HELD = "propius.devices.held";
  /** Published device ids (small-batch mode): the device pinged, keep holding it. */
  public static final String DEVICE_PING = "propius.devices.ping";
  /**
   * Request (a device query, or null for every device): answers the scheduler's estimate of how many
   * devices in the windows match it, as JSON; fails with code 400 and the parser's message for a bad
   * query.
   */
  public static final String CLIENTS_COUNT = "propius.clients.count";
  /** Published {@link WindowStats}, from each client manager to the scheduler. */
  public static final String CLIENT_STATS = "propius.clients.stats";
  /**
   * Published {@code {"job", "round", "device", "at_ms"}} by the data-plane root: a device's task
   * result was counted. The client manager that offered the task learns its duration (the {@code med}
   * policy's per-class task durations).
   */
  public static final String TASK_UPLOADED = "propius.tasks.uploaded";

  private Addresses() {
  }
}
