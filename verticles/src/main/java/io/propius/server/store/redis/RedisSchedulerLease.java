package io.propius.server.store.redis;

import io.propius.server.metrics.PropiusMetrics.StoreCall;
import io.propius.server.scheduler.SchedulerLease;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.List;

/** The scheduler lease in the deployment's Redis, next to the jobs whose scores it fences. */
final class RedisSchedulerLease implements SchedulerLease {
  private final RedisJobStore store;
  private final RedisKeys keys;

  RedisSchedulerLease(RedisJobStore store, RedisKeys keys) {
    this.store = store;
    this.keys = keys;
  }

  @Override
  public Future<Holder> acquire(String nodeId, long heldToken, long ttlMs) {
    return store.eval(StoreCall.SCHEDULER_LEASE, RedisScript.SCHEDULER_LEASE,
        List.of(keys.schedulerLease(), keys.schedulerFence()),
        List.of(nodeId, Long.toString(heldToken), Long.toString(ttlMs)))
        .map(r -> new Holder(r.get(0).toLong(), r.get(1).toString()));
  }

  @Override
  public Future<Void> release(String nodeId, long token) {
    return store.eval(StoreCall.SCHEDULER_LEASE, RedisScript.SCHEDULER_RELEASE, List.of(keys.schedulerLease()),
        List.of(nodeId, Long.toString(token))).mapEmpty();
  }

  @Override
  public Future<Holder> holder() {
    return store.send(StoreCall.SCHEDULER_LEASE, Request.cmd(Command.GET).arg(keys.schedulerLease())).map(r -> {
      if (r == null) {
        return null;
      }
      String lease = r.toString();
      int bar = lease.indexOf('|');
      return new Holder(Long.parseLong(lease.substring(0, bar)), lease.substring(bar + 1));
    });
  }
}
