package io.propius.server.expiry;

import io.propius.api.grpc.JobEvent;
import io.propius.server.job.JobEvents;
import io.propius.server.metrics.PropiusMetrics;
import io.propius.server.store.ExpiredLease;
import io.propius.server.store.Job;
import io.propius.server.store.JobStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.function.LongSupplier;

/**
 * Takes back what devices and jobs stop using: slots of bindings not confirmed within their lease,
 * jobs that stopped heartbeating (their open round is closed), and, much later, the records of
 * ended jobs. One sweep at a time.
 */
public final class ExpiryVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(ExpiryVerticle.class.getName());

  private final JobStore store;
  private final JobEvents events;
  private final PropiusMetrics metrics;
  private final LongSupplier clock;
  private final long sweepMs;
  private final long heartbeatTimeoutMs;
  private final long retainEndedMs;
  private boolean sweeping;
  private long lastPurge;

  public ExpiryVerticle(JobStore store, JobEvents events, PropiusMetrics metrics, LongSupplier clock, long leaseMs,
                        long heartbeatTimeoutMs, long retainEndedMs) {
    this.store = store;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
    // Sweep often enough that a slot is free again within a quarter lease of its deadline.
    this.sweepMs = Math.max(20, Math.min(1_000, leaseMs / 4));
    this.heartbeatTimeoutMs = heartbeatTimeoutMs;
    this.retainEndedMs = retainEndedMs;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(sweepMs, id -> sweep());
    return Future.succeededFuture();
  }

  private void sweep() {
    if (sweeping) {
      return;
    }
    sweeping = true;
    long now = clock.getAsLong();
    store.expireLeases(now).map(leases -> {
      for (ExpiredLease lease : leases) {
        metrics.leaseExpired();
        events.publish(lease.job(), JobEvent.Type.LEASE_EXPIRED, lease.deviceId());
      }
      return null;
    }).compose(v -> store.expireSilentJobs(now - heartbeatTimeoutMs, now)).map(jobs -> {
      for (Job job : jobs) {
        metrics.jobExpired();
        events.publish(job, JobEvent.Type.JOB_EXPIRED);
      }
      return null;
    }).compose(v -> {
      if (now - lastPurge < 60_000) {
        return Future.succeededFuture();
      }
      lastPurge = now;
      return store.purgeEnded(now - retainEndedMs).mapEmpty();
    }).onComplete(ar -> {
      sweeping = false;
      if (ar.failed()) {
        LOG.log(System.Logger.Level.WARNING, "expiry sweep failed: " + ar.cause());
      }
    });
  }
}
