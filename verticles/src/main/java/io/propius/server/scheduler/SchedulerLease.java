package io.propius.server.scheduler;

import io.vertx.core.Future;

/**
 * Which node's scheduler decides, in a cluster: a lease with a time to live and a fencing token
 * that grows with every new holder. The holder renews it well before it runs out; when its node
 * dies, the lease runs out and another node takes it with a larger token. Store writes carry the
 * token and are refused once it is no longer the lease's.
 */
public interface SchedulerLease {
  /** A lease holder; {@code token} 0 in an answer to {@link #acquire} means another node holds it. */
  record Holder(long token, String nodeId) {
  }

  /**
   * Takes the lease for {@code nodeId} if nobody holds it, or renews it when {@code nodeId} holds
   * it with {@code heldToken}; it then lasts {@code ttlMs}.
   */
  Future<Holder> acquire(String nodeId, long heldToken, long ttlMs);

  /** Gives the lease up if {@code nodeId} still holds it with {@code token}. */
  Future<Void> release(String nodeId, long token);

  /** The current holder, or null when the lease is free. */
  Future<Holder> holder();
}
