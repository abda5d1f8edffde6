package io.propius.edge.aggregate;

import io.propius.policy.reduce.Accumulator;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;

/**
 * Device contributions to one round accepted while the node's previous batch was being
 * journaled: summed with the round's reducer and acknowledged together once their one journal
 * record is written. Confined to the node's event loop.
 */
public final class ContributionBatch {
  private final RoundAggregate round;
  private final Accumulator sum;
  private final List<String> keys = new ArrayList<>();
  private final Promise<Void> done = Promise.promise();

  public ContributionBatch(RoundAggregate round) {
    this.round = round;
    this.sum = round.newAccumulator();
  }

  public void add(String dedupeKey, Contribution contribution) {
    contribution.foldInto(sum);
    keys.add(dedupeKey);
  }

  public RoundAggregate round() {
    return round;
  }

  public Accumulator sum() {
    return sum;
  }

  /** Dedupe keys of the contributions in the batch. */
  public List<String> keys() {
    return keys;
  }

  /** Completes once the batch is journaled (or failed to be). */
  public Future<Void> done() {
    return done.future();
  }

  /**
   * Tells the uploads in the batch whether it was journaled, and gives its accumulator back to the
   * round: by now its record is written (or failed) and its sum merged, so nothing reads it.
   */
  public void settle(AsyncResult<Void> written) {
    round.recycle(sum);
    done.handle(written);
  }

  /**
   * The batch as one journal record. It shares the batch's state vector instead of copying it: once
   * the batch is handed to the journal nothing is added to it, and its accumulator is only reused
   * after {@link #settle}, when the record has been encoded and written.
   */
  public Journal.ContributionsEntry entry() {
    return new Journal.ContributionsEntry(round.key(), keys, sum.contributors(), sum.weight(), sum.sharedState());
  }
}
