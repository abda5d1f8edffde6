package io.propius.edge;

import io.propius.edge.aggregate.Contribution;
import io.propius.edge.aggregate.ContributionBatch;
import io.propius.edge.aggregate.Journal;
import io.propius.edge.aggregate.RoundAggregate;
import io.propius.edge.metrics.EdgeMetrics;
import io.propius.edge.round.RoundKey;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Timer;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Device contributions: counted once each (by the token's job, round and device) and folded into
 * their round only once journaled, in group commits. Confined to the node's event loop.
 */
final class Contributions {
  private final Vertx vertx;
  private final Journal journal;
  private final EdgeMetrics metrics;
  private final Consumer<RoundAggregate> changed;
  private final BiConsumer<RoundAggregate, String> counted;
  /** Dedupe keys ({@code job/tokenRound/device}) of contributions journaled and folded (each round lists its own). */
  private final Set<String> seen = new HashSet<>();
  /** Dedupe keys of contributions being journaled: a concurrent retry waits for the first. */
  private final Map<String, Future<Void>> accepting = new HashMap<>();
  /** Contributions summed per round while the previous batches are being journaled. */
  private final Map<RoundKey, ContributionBatch> batches = new LinkedHashMap<>();
  /** Rounds with a batch being journaled now (not to be retired under it). */
  private final Set<RoundKey> committing = new HashSet<>();
  /**
   * Whether a commit is due at the end of this event-loop turn. Committing at once on the first
   * upload wrote nearly half the group commits with one upload in them (the state vector costs
   * the same for one upload as for twenty); every upload finished in the same turn now joins.
   */
  private boolean commitScheduled;
  /**
   * How long a group commit that could start may wait for the uploads already arriving; 0: never.
   * A commit writes the round's whole state whatever the number of uploads in it, so under load
   * fewer, larger commits cost less CPU per upload.
   */
  private final long holdMicros;
  /** Uploads whose bodies are being received or checked: each may join the next batch. */
  private int receiving;
  /** Counts the holds: an upload that began to arrive before the current one is waited for. */
  private long holds;
  /** The timer that bounds the wait of a commit held for uploads being received; null when none is held. */
  private Timer held;
  private long heldSince;
  /** Uploads being received when the held commit could start, not yet received. */
  private int heldFor;

  /**
   * @param holdMicros how long a commit that could start may wait for the uploads already arriving (0: never)
   * @param changed    told when a round's aggregate grew
   * @param counted    told of each contribution's dedupe key as it is counted (not on replay), before
   *                   {@code changed} for it
   */
  Contributions(Vertx vertx, Journal journal, EdgeMetrics metrics, long holdMicros, Consumer<RoundAggregate> changed,
                BiConsumer<RoundAggregate, String> counted) {
    this.vertx = vertx;
    this.journal = journal;
    this.metrics = metrics;
    this.holdMicros = holdMicros;
    this.changed = changed;
    this.counted = counted;
  }

  /**
   * An upload's body began to arrive: until {@link #received}, a commit that could start may wait for it.
   *
   * @return when it began, for {@link #received}
   */
  long receiving() {
    receiving++;
    return holds;
  }

  int uploadsReceiving() {
    return receiving;
  }

  /**
   * An upload's body was received and checked, and added (or refused, or given up): a held commit
   * starts once every upload that was arriving when it was held is.
   */
  void received(long since) {
    receiving--;
    // Only uploads already arriving when the commit was held are waited for: under steady load
    // new ones keep arriving, and waiting for them too would hold every commit for the whole bound.
    if (held != null && since < holds && --heldFor == 0) {
      release();
    }
  }

  /** The key under which a device's token counts once: the token's job, round and device. */
  static String dedupeKey(long job, int tokenRound, String deviceId) {
    return job + "/" + tokenRound + "/" + deviceId;
  }

  /**
   * The outcome of an earlier upload with this key, or null when there was none: true once it
   * counted; while it is being journaled, its outcome when settled.
   */
  Future<Boolean> earlier(String dedupeKey) {
    Future<Void> pending = accepting.get(dedupeKey);
    if (pending != null) {
      return pending.map(true);
    }
    return seen.contains(dedupeKey) ? Future.succeededFuture(true) : null;
  }

  /**
   * Counts a contribution once it is journaled. Contributions arriving while a batch is being
   * written are summed into the next batch and journaled as one record (the reducer is
   * associative), so the journal writes one state vector per group commit, not one tensor per upload.
   *
   * @param contribution folded before this returns and not retained, so the caller may reuse its values
   * @return false (counted now) once journaled
   */
  Future<Boolean> add(RoundAggregate r, String dedupeKey, Contribution contribution) {
    if (!journal.keeps()) {
      r.add(contribution);
      count(r, dedupeKey);
      counted.accept(r, dedupeKey);
      changed.accept(r);
      return Future.succeededFuture(false);
    }
    ContributionBatch batch = batches.computeIfAbsent(r.key(), k -> new ContributionBatch(r));
    batch.add(dedupeKey, contribution);
    accepting.put(dedupeKey, batch.done());
    if (!commitScheduled) {
      commitScheduled = true;
      vertx.runOnContext(v -> {
        commitScheduled = false;
        commitBatches();
      });
    }
    return batch.done().map(false);
  }

  /**
   * Journals the summed batches, one group commit at a time; what arrives meanwhile waits for the
   * next. A commit that could start while other uploads are arriving waits for those, up to
   * {@code holdMicros}; with none arriving (an idle node, or bodies that each come in one read) it
   * starts at once.
   */
  private void commitBatches() {
    if (!committing.isEmpty() || batches.isEmpty() || held != null) {
      return;
    }
    if (holdMicros > 0 && receiving > 0) {
      Timer timer = vertx.timer(holdMicros, TimeUnit.MICROSECONDS);
      held = timer;
      heldSince = System.nanoTime();
      heldFor = receiving;
      holds++;
      timer.onSuccess(v -> {
        if (held == timer) {
          release();
        }
      });
      return;
    }
    commit();
  }

  private void commit() {
    List<ContributionBatch> out = new ArrayList<>(batches.values());
    batches.clear();
    out.forEach(b -> committing.add(b.round().key()));
    long started = System.nanoTime();
    int uploads = out.stream().mapToInt(b -> b.keys().size()).sum();
    Future.join(out.stream().map(b -> journal.append(b.entry()).andThen(ar -> settle(b, ar))).toList())
        .onComplete(ar -> {
          metrics.journalCommitted(System.nanoTime() - started, uploads);
          committing.clear();
          commitBatches();
        });
  }

  /** Ends the wait of the held commit (its bound passed, or the uploads it waited for arrived) and starts it. */
  private void release() {
    held.cancel();
    held = null;
    metrics.journalCommitHeld(System.nanoTime() - heldSince);
    commit();
  }

  private void settle(ContributionBatch batch, AsyncResult<Void> written) {
    RoundAggregate r = batch.round();
    if (written.succeeded()) {
      r.addAll(batch.sum());
      batch.keys().forEach(k -> {
        count(r, k);
        counted.accept(r, k);
      });
      changed.accept(r);
    }
    batch.keys().forEach(accepting::remove);
    batch.settle(written);
  }

  /** The device of a {@link #dedupeKey} (which may itself contain '/'). */
  static String deviceOf(String dedupeKey) {
    return dedupeKey.split("/", 3)[2];
  }

  /** The token round of a {@link #dedupeKey}. */
  static int roundOf(String dedupeKey) {
    return Integer.parseInt(dedupeKey.split("/", 3)[1]);
  }

  /** Contributions from a replayed journal record. */
  void replayed(RoundAggregate r, Journal.ContributionsEntry c) {
    r.addAll(r.reducer().fromState(r.spec().tensorLength(), c.contributors(), c.weight(), c.state()));
    c.dedupeKeys().forEach(k -> count(r, k));
  }

  /** Notes a device's contribution as counted in the round: from now on it is a duplicate. */
  private void count(RoundAggregate r, String dedupeKey) {
    seen.add(dedupeKey);
    r.counted(dedupeKey);
  }

  /** Whether the round has contributions waiting for or in a group commit (not to be retired under them). */
  boolean committing(RoundAggregate r) {
    return batches.containsKey(r.key()) || committing.contains(r.key());
  }

  /** Forgets the tokens counted in a retired round. */
  void forget(RoundAggregate r) {
    r.countedKeys().forEach(seen::remove);
  }
}
