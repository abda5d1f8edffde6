package io.propius.edge;

import io.propius.edge.aggregate.RoundAggregate;

/**
 * What a node does when a round's aggregate grows: the root tells the job when it is ready
 * ({@link RootAnnouncements}), a node below it pushes its partial to the parent ({@link UpstreamPushes}).
 */
interface RoundProgress {
  /** A round was created here (or replayed). */
  void started(RoundAggregate r);

  /** The round's aggregate changed. */
  void changed(RoundAggregate r);

  /** Sends whatever is due; run on the push interval. */
  void flush();

  /** Whether the round still has something to send, so it must not be retired yet. */
  boolean pending(RoundAggregate r);
}
