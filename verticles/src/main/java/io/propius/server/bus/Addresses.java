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
  /** Published {@link WindowStats}, from each client manager to the scheduler. */
  public static final String CLIENT_STATS = "propius.clients.stats";

  private Addresses() {
  }
}
