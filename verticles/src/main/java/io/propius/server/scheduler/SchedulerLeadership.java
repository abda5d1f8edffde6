package io.propius.server.scheduler;

import io.propius.server.metrics.PropiusMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Consumer;

/**
 * Whether this node's scheduler may decide now. A single process's scheduler always may. In a
 * cluster it may only while it holds the {@link SchedulerLease}: it tries to take or renew the
 * lease every fifth of {@code failoverMs}; the lease lasts three fifths, so when the holder's node
 * dies another node takes over within {@code failoverMs}. The holder counts itself leader only
 * until a tenth of {@code failoverMs} before the lease would run out as measured from when it asked,
 * so it stops before anyone else can start, even if Redis stops answering. Confined to one event loop.
 */
public final class SchedulerLeadership {
  private static final System.Logger LOG = System.getLogger(SchedulerLeadership.class.getName());

  private final SchedulerLease lease;
  private final String nodeId;
  private final long failoverMs;
  private final PropiusMetrics metrics;
  private Vertx vertx;
  private Consumer<Boolean> onChange = leader -> { };
  private long timer = -1;
  private boolean asking;
  private boolean leader;
  private long token;
  private long validUntilNanos;

  private SchedulerLeadership(SchedulerLease lease, String nodeId, long failoverMs, PropiusMetrics metrics) {
    this.lease = lease;
    this.nodeId = nodeId;
    this.failoverMs = failoverMs;
    this.metrics = metrics;
  }

  /** The only scheduler there is (one process): always the leader, its writes unfenced. */
  public static SchedulerLeadership sole(PropiusMetrics metrics) {
    return new SchedulerLeadership(null, "local", 0, metrics);
  }

  /** One of several schedulers of a cluster, deciding only while it holds {@code lease}. */
  public static SchedulerLeadership leased(SchedulerLease lease, String nodeId, long failoverMs,
                                           PropiusMetrics metrics) {
    return new SchedulerLeadership(lease, nodeId, failoverMs, metrics);
  }

  /** Starts competing for the lease; {@code onChange} hears every gain (true) and loss (false). */
  void start(Vertx vertx, Consumer<Boolean> onChange) {
    this.vertx = vertx;
    this.onChange = onChange;
    if (lease == null) {
      change(true);
      return;
    }
    timer = vertx.setPeriodic(0, failoverMs / 5, id -> renew());
  }

  /** Whether decisions may be published now. */
  public boolean isLeader() {
    return lease == null || (leader && System.nanoTime() < validUntilNanos);
  }

  /** The token every store write of this scheduler carries (0: unfenced). */
  long fencingToken() {
    return token;
  }

  private void renew() {
    if (leader && !isLeader()) {
      LOG.log(System.Logger.Level.WARNING, "scheduler lease " + token + " ran out before it could be renewed: "
          + "this node stops deciding");
      change(false);
    }
    if (asking) {
      return;
    }
    asking = true;
    long askedAt = System.nanoTime();
    long ttl = failoverMs * 3 / 5;
    lease.acquire(nodeId, leader ? token : 0, ttl).onComplete(ar -> {
      asking = false;
      if (ar.failed()) {
        LOG.log(System.Logger.Level.WARNING, "cannot reach the scheduler lease: " + ar.cause().getMessage());
        return;
      }
      SchedulerLease.Holder holder = ar.result();
      if (holder.token() == 0 || (leader && holder.token() != token)) {
        if (leader) {
          LOG.log(System.Logger.Level.WARNING, "scheduler lease " + token + " is lost to node " + holder.nodeId());
          change(false);
        }
        return;
      }
      validUntilNanos = askedAt + (ttl - failoverMs / 10) * 1_000_000;
      if (!leader) {
        token = holder.token();
        LOG.log(System.Logger.Level.INFO, "this node's scheduler took the lease (fencing token " + token + ")");
        change(true);
      }
    });
  }

  private void change(boolean nowLeader) {
    leader = nowLeader;
    metrics.schedulerLeader(nowLeader);
    onChange.accept(nowLeader);
  }

  /** Stops competing and gives the lease up, so another node takes over at once. */
  Future<Void> stop() {
    if (lease == null) {
      return Future.succeededFuture();
    }
    vertx.cancelTimer(timer);
    boolean held = leader;
    if (held) {
      change(false);
      return lease.release(nodeId, token).otherwiseEmpty();
    }
    return Future.succeededFuture();
  }
}
