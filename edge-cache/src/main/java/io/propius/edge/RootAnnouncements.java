package io.propius.edge;

import io.propius.api.round.RoundMode;
import io.propius.api.round.RoundSpec;
import io.propius.edge.EdgeNode.AggregateListener;
import io.propius.edge.aggregate.RoundAggregate;
import io.propius.policy.reduce.Accumulator;
import io.vertx.core.Vertx;
import java.util.function.LongSupplier;

/** At the root: announces a round's aggregate once it reached its target or its sync deadline passed. */
final class RootAnnouncements implements RoundProgress {
  private final Vertx vertx;
  private final long pushIntervalMs;
  private final LongSupplier clock;
  private final AggregateListener listener;

  /** @param listener told once per round, or null */
  RootAnnouncements(Vertx vertx, long pushIntervalMs, LongSupplier clock, AggregateListener listener) {
    this.vertx = vertx;
    this.pushIntervalMs = pushIntervalMs;
    this.clock = clock;
    this.listener = listener;
  }

  @Override
  public void started(RoundAggregate r) {
    RoundSpec spec = r.spec();
    if (spec.mode() == RoundMode.SYNC && spec.deadlineMs() > 0) {
      // Partials accepted below the root before the deadline are still on their way: give them two
      // push intervals before the aggregate is announced as final.
      long delay = Math.max(1, spec.deadlineMs() + 2 * pushIntervalMs - clock.getAsLong());
      vertx.setTimer(delay, id -> {
        r.close();
        announce(r, "deadline");
      });
    }
  }

  @Override
  public void changed(RoundAggregate r) {
    if (r.version() >= r.spec().target()) {
      if (r.spec().mode() == RoundMode.OVERSELECT) {
        r.close();
      }
      announce(r, "target");
    }
  }

  private void announce(RoundAggregate r, String reason) {
    if (listener != null && r.announceOnce()) {
      Accumulator total = r.total();
      listener.ready(r.key(), total.contributors(), total.weight(), reason);
    }
  }

  @Override
  public void flush() {
    // The root has no parent.
  }

  @Override
  public boolean pending(RoundAggregate r) {
    return false;
  }
}
