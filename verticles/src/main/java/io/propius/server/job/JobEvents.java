package io.propius.server.job;

import io.propius.api.grpc.JobEvent;
import io.propius.server.bus.Addresses;
import io.propius.server.store.Job;
import io.vertx.core.eventbus.EventBus;
import java.util.function.LongSupplier;

/** Publishes job events on the event bus, for the scheduler, the watchers and the client managers. */
public final class JobEvents {
  private final EventBus bus;
  private final LongSupplier clock;

  public JobEvents(EventBus bus, LongSupplier clock) {
    this.bus = bus;
    this.clock = clock;
  }

  public void publish(Job job, JobEvent.Type type) {
    publish(of(job, type).build());
  }

  public void publish(Job job, JobEvent.Type type, String deviceId) {
    publish(of(job, type).setDeviceId(deviceId).build());
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
