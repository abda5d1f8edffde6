package io.propius.server.job;

import io.propius.api.grpc.JobEvent;
import io.propius.server.bus.Addresses;
import io.propius.server.store.Job;
import io.vertx.core.eventbus.EventBus;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Publishes job events on the event bus, for the scheduler, the watchers and the client managers.
 *
 * <p>A device's bind and confirmation ({@link #publishDevice}) are two events per binding,
 * each delivered to every consumer on its own event loop, and in a single process that is not in
 * small-batch mode only the watchers of a job (WatchJob, WebSocket) read them: they go out only
 * while this process has a watcher. A watcher that subscribes later reads the job's state then,
 * which counts what it missed, just as when an event reached the job manager before the watcher.
 */
public final class JobEvents {
  private final EventBus bus;
  private final LongSupplier clock;
  private final boolean deviceEventsAlwaysWanted;
  private final AtomicInteger watchers = new AtomicInteger();

  /** Device events always go out. */
  public JobEvents(EventBus bus, LongSupplier clock) {
    this(bus, clock, true);
  }

  /**
   * @param deviceEventsAlwaysWanted whether another node (cluster mode) or the client managers
   *                                 (small-batch mode) read device events, watched or not
   */
  public JobEvents(EventBus bus, LongSupplier clock, boolean deviceEventsAlwaysWanted) {
    this.bus = bus;
    this.clock = clock;
    this.deviceEventsAlwaysWanted = deviceEventsAlwaysWanted;
  }

  /** Whether DEVICE_BOUND and DEVICE_CONFIRMED events have anyone to reach. */
  private boolean deviceEventsWanted() {
    return deviceEventsAlwaysWanted || watchers.get() > 0;
  }

  /** A watcher of this process subscribed ({@code +1}) or left ({@code -1}). */
  void watchers(int delta) {
    watchers.addAndGet(delta);
  }

  public void publish(Job job, JobEvent.Type type) {
    publish(of(job, type).build());
  }

  public void publish(Job job, JobEvent.Type type, String deviceId) {
    publish(of(job, type).setDeviceId(deviceId).build());
  }

  /**
   * Publishes a device's bind or confirmation, when it has anyone to reach; the event is not even
   * built otherwise.
   *
   * @param trainedShards the shards the device reports it trained, 0 when it reports none
   */
  public void publishDevice(Job job, JobEvent.Type type, String deviceId, int trainedShards) {
    if (!deviceEventsWanted()) {
      return;
    }
    JobEvent.Builder event = of(job, type).setDeviceId(deviceId);
    if (trainedShards > 0) {
      event.setTrainedShards(trainedShards);
    }
    publish(event.build());
  }

  public void publish(JobEvent event) {
    bus.publish(Addresses.JOB_EVENTS, event);
  }

  /** An event describing the job as it is now. */
  public JobEvent.Builder of(Job job, JobEvent.Type type) {
    return JobEvent.newBuilder().setType(type).setJobId(job.id()).setRound(job.round()).setAmount(job.amount())
        .setDemand(job.demand()).setState(job.state()).setReason(job.reason()).setTimeMs(clock.getAsLong());
  }
}
