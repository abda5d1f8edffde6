package io.propius.edge;

import io.propius.edge.aggregate.RoundAggregate;
import io.propius.edge.metrics.EdgeMetrics;
import io.propius.edge.metrics.EdgeMetrics.PushOutcome;
import io.propius.edge.upstream.ParentClient;
import io.propius.edge.upstream.PartialUpdate;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * Below the root: pushes a round's partial aggregate to the parent once enough contributions are
 * unacknowledged, and every round's on the push interval. Pushes are idempotent (versioned), so a
 * failed one is simply sent again later.
 */
final class UpstreamPushes implements RoundProgress {
  private static final System.Logger LOG = System.getLogger(UpstreamPushes.class.getName());

  private final ParentClient parent;
  private final String nodeId;
  private final long threshold;
  private final EdgeMetrics metrics;
  private final Supplier<Collection<RoundAggregate>> rounds;

  /** @param rounds the rounds held, pushed by {@link #flush()} */
  UpstreamPushes(ParentClient parent, String nodeId, long threshold, EdgeMetrics metrics,
                 Supplier<Collection<RoundAggregate>> rounds) {
    this.parent = parent;
    this.nodeId = nodeId;
    this.threshold = threshold;
    this.metrics = metrics;
    this.rounds = rounds;
  }

  @Override
  public void started(RoundAggregate r) {
    // Nothing to push before a contribution.
  }

  @Override
  public void changed(RoundAggregate r) {
    if (r.unpushed() >= threshold) {
      push(r);
    }
  }

  @Override
  public void flush() {
    rounds.get().forEach(this::push);
  }

  @Override
  public boolean pending(RoundAggregate r) {
    return r.unpushed() > 0 || r.pushing();
  }

  private void push(RoundAggregate r) {
    PartialUpdate update = r.beginPush(nodeId);
    if (update == null) {
      return;
    }
    parent.push(r.key(), update).onComplete(ar -> {
      if (ar.succeeded()) {
        r.pushed(update.version());
        metrics.pushed(PushOutcome.OK);
        if (Boolean.TRUE.equals(ar.result().getBoolean("closed"))) {
          r.close();
        }
        changed(r);
      } else {
        r.pushed(-1);
        metrics.pushed(PushOutcome.FAILED);
        LOG.log(System.Logger.Level.DEBUG, "push of " + r.key() + " failed: " + ar.cause().getMessage());
      }
    });
  }
}
