package io.propius.edge;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.round.RoundMode;
import io.propius.api.round.RoundSpec;
import io.propius.api.token.TaskToken;
import io.propius.edge.aggregate.Contribution;
import io.propius.edge.aggregate.CountedKeys;
import io.propius.edge.aggregate.Journal;
import io.propius.edge.aggregate.RoundAggregate;
import io.propius.edge.config.DataPlaneOptions;
import io.propius.edge.config.EdgeRole;
import io.propius.edge.metrics.EdgeMetrics.UploadOutcome;
import io.propius.edge.metrics.EdgeMetrics;
import io.propius.edge.plan.Plan;
import io.propius.edge.plan.PlanCache;
import io.propius.edge.plan.PlanStore;
import io.propius.edge.round.RoundKey;
import io.propius.edge.upstream.ParentClient;
import io.propius.edge.upstream.PartialUpdate;
import io.propius.policy.reduce.Accumulator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * One edge node's operations, whatever its transport: each public method is one call of the
 * data plane with all its checks, so the HTTP and gRPC handlers only translate wire formats.
 * The state lives in its parts: {@link Rounds} (registry and retention), {@link Plans},
 * {@link Contributions} (dedupe, group commit to the journal) and a {@link RoundProgress}
 * (announcements at the root, pushes to the parent below it). Confined to the node's event
 * loop; every method must be called on it.
 */
public final class EdgeNode {
  /** Told at the root when a round's aggregate is ready for its job. */
  @FunctionalInterface
  public interface AggregateListener {
    /** @param reason {@code target} (enough contributions) or {@code deadline} (a sync round's deadline passed) */
    void ready(RoundKey key, long contributors, double weight, String reason);

    /**
     * A device's first upload for its task was counted at this node or, told by a child's push,
     * in its subtree (retries and repeated pushes are not told again), so the control plane can
     * learn how long tasks take.
     *
     * @param round the round of the device's task (an async update may be counted in a later one)
     */
    default void uploaded(long job, int round, String deviceId, long atMs) {
    }
  }

  private final DataPlaneOptions options;
  private final EdgeRole role;
  private final EdgeMetrics metrics;
  private final Journal journal;
  private final ParentClient parent;
  private final LongSupplier clock;
  private final Rounds rounds;
  private final Plans plans;
  private final Contributions contributions;
  private final RoundProgress progress;
  private final AggregateListener listener;

  /** @param parent the client of the parent node, null at the root */
  public EdgeNode(Vertx vertx, DataPlaneOptions options, EdgeMetrics metrics, Journal journal, PlanStore store,
                  ParentClient parent, AggregateListener listener, LongSupplier clock) {
    this.options = options;
    this.role = options.role();
    this.metrics = metrics;
    this.journal = journal;
    this.parent = parent;
    this.clock = clock;
    this.listener = listener;
    this.progress = role == EdgeRole.ROOT
        ? new RootAnnouncements(vertx, options.getPushIntervalMs(), clock, listener)
        : new UpstreamPushes(parent, journal.nodeId(), options.getPushThreshold(), metrics, this::heldRounds);
    this.rounds = new Rounds(options, journal, parent, clock, progress::started);
    PlanCache cache = new PlanCache(options.getCacheBytes(), options.getPlanTtlMs(), metrics, store::delete);
    this.plans = new Plans(vertx, role, metrics, journal, store, cache, parent, clock);
    this.contributions = new Contributions(vertx, journal, metrics, options.getJournalGroupCommitWaitMicros(),
        progress::changed, this::counted);
    journal.compactWith(this::snapshot);
  }

  /** Below the root, a device's first upload goes up with the push that first covers it. */
  private void counted(RoundAggregate r, String dedupeKey) {
    if (role != EdgeRole.ROOT) {
      r.uploaded(Contributions.deviceOf(dedupeKey), Contributions.roundOf(dedupeKey), clock.getAsLong());
    }
  }

  /** This node's clock, in epoch milliseconds. */
  public long now() {
    return clock.getAsLong();
  }

  private Collection<RoundAggregate> heldRounds() {
    return rounds.all();
  }

  public String nodeId() {
    return journal.nodeId();
  }

  public EdgeRole role() {
    return role;
  }

  public EdgeMetrics metrics() {
    return metrics;
  }

  public PlanCache cache() {
    return plans.cache();
  }

  /** Rounds held (not retired). */
  public int roundCount() {
    return rounds.count();
  }

  /** The files of the plans published here. */
  public Set<Path> publishedPlanFiles() {
    return plans.publishedFiles();
  }

  /**
   * Rebuilds rounds, seen tokens, child partials, published plans and retired rounds from the
   * journal; called once before serving.
   */
  public void replay() {
    for (Journal.Entry entry : journal.replayed()) {
      RoundKey key = entry.key();
      if (entry instanceof Journal.SpecEntry s) {
        rounds.replayed(key, s.spec());
      } else if (entry instanceof Journal.ContributionsEntry c) {
        contributions.replayed(rounds.get(key), c);
      } else if (entry instanceof Journal.PartialEntry p) {
        rounds.get(key).offer(p.update());
      } else if (entry instanceof Journal.PlanEntry p) {
        plans.replayed(p);
      } else if (entry instanceof Journal.RetiredEntry) {
        forget(key);
      }
    }
    rounds.all().forEach(progress::changed);
  }

  /**
   * The node's live state as journal records, for compaction: what replaying the whole log would
   * rebuild, in one record per round, child and plan. Only journaled effects are in memory
   * (contributions are folded after their batch is written), so this is exactly the log's content.
   */
  private List<Journal.Entry> snapshot() {
    List<Journal.Entry> out = new ArrayList<>();
    rounds.retiredKeys().forEach(k -> out.add(new Journal.RetiredEntry(k)));
    for (RoundAggregate r : rounds.all()) {
      out.add(new Journal.SpecEntry(r.key(), r.spec()));
      Accumulator own = r.own();
      CountedKeys.View keys = r.countedKeys();
      if (own.contributors() > 0 || keys.count() > 0) {
        out.add(new Journal.CountedEntry(r.key(), keys, own.contributors(), own.weight(), own.state()));
      }
      r.childPartials().forEach(p -> out.add(new Journal.PartialEntry(r.key(), p)));
    }
    plans.snapshot(out);
    return out;
  }

  // ---- rounds ----

  /**
   * Publishes a round's spec at the root.
   *
   * @return 201 when new, 200 when the same spec was already published
   */
  public Future<Integer> publishSpec(RoundKey key, RoundSpec spec) {
    requireRoot("round specs");
    return rounds.publish(key, spec);
  }

  /** The round, from this node or (below the root) fetched once from the parent. */
  public Future<RoundAggregate> round(RoundKey key) {
    return rounds.round(key);
  }

  // ---- plans ----

  /**
   * Publishes a round's plan at the root (hashing it off the event loop).
   *
   * @return 201 when new, 200 when the same bytes were already published
   */
  public Future<Integer> publishPlan(RoundKey key, Buffer bytes) {
    requireRoot("plans");
    rounds.requireNotRetired(key);
    return plans.publish(key, bytes);
  }

  /** The plan: at the root as published, below it from the cache or one shared fetch from the parent. */
  public Future<Plan> fetchPlan(RoundKey key) {
    if (rounds.isRetired(key)) {
      return Future.failedFuture(rounds.retiredError(key));
    }
    return plans.plan(key);
  }

  // ---- device results ----

  /**
   * Admits a device's upload to a round, before its body is read: the token must be for this
   * job and for the round the update was trained on; a retry of a token already counted (or
   * being counted) is told apart, so it is acknowledged and not counted twice; otherwise the
   * round must still take it.
   *
   * @param baseRound the round the update was trained on (the key's round but in async rounds)
   * @return fails PERMISSION_DENIED (token), NOT_FOUND (round), ROUND_CLOSED (deadline, target,
   *     retired), FAILED_PRECONDITION (too stale) or INVALID_ARGUMENT (base round)
   */
  public Future<Upload> upload(RoundKey key, TaskToken task, int baseRound) {
    try {
      task.requireFor(key.job(), baseRound);
    } catch (PropiusException e) {
      return Future.failedFuture(e);
    }
    String dedupeKey = Contributions.dedupeKey(key.job(), task.round(), task.deviceId());
    return rounds.round(key).map(r -> {
      boolean retry = contributions.earlier(dedupeKey) != null;
      if (!retry) {
        requireOpen(r, task.round());
      }
      return new Upload(r, dedupeKey, retry, task);
    });
  }

  /** Uploads whose bodies are being received or checked (read on the node's event loop). */
  int uploadsReceiving() {
    return contributions.uploadsReceiving();
  }

  /** A device upload admitted by {@link #upload}, waiting for its body. */
  public final class Upload {
    private final RoundAggregate round;
    private final String dedupeKey;
    private final boolean retry;
    private final TaskToken task;
    /** When its body began to arrive ({@link Contributions#receiving}), or -1 when it is not arriving. */
    private long receivingSince = -1;

    private Upload(RoundAggregate round, String dedupeKey, boolean retry, TaskToken task) {
      this.round = round;
      this.dedupeKey = dedupeKey;
      this.retry = retry;
      this.task = task;
    }

    /** Whether its token was already counted (or is being counted): the body is read and dropped. */
    public boolean isRetry() {
      return retry;
    }

    public RoundKey key() {
      return round.key();
    }

    /** How many values the body's tensor must have. */
    public int tensorLength() {
      return round.spec().tensorLength();
    }

    /**
     * Tells the node the body is arriving: a group commit that could start may wait for it (up to
     * {@code dataPlane.journalGroupCommitWaitMicros}) until {@link #accept} or {@link #abandon}.
     */
    public void receiving() {
      if (receivingSince < 0) {
        receivingSince = contributions.receiving();
      }
    }

    /** The body will not be accepted (refused, interrupted, the connection closed): no commit waits for it. */
    public void abandon() {
      received();
    }

    private void received() {
      if (receivingSince >= 0) {
        contributions.received(receivingSince);
        receivingSince = -1;
      }
    }

    /**
     * For a retry: once the earlier upload settled, true (acknowledged as a duplicate).
     *
     * @return fails UNAVAILABLE when the earlier upload failed to be stored
     */
    public Future<Boolean> retried() {
      Future<Boolean> earlier = contributions.earlier(dedupeKey);
      return earlier != null ? earlier : Future.failedFuture(new PropiusException(ErrorCode.UNAVAILABLE,
          "an earlier upload with this task token failed to be stored; retry", options.getRetryAfterMs()));
    }

    /**
     * Counts the contribution once it is journaled. The token is checked again: another upload
     * with it may have been accepted while this body streamed in.
     *
     * @param contribution folded before this returns and not retained, so the caller may reuse its values
     * @return whether it was a duplicate (acknowledged, not counted again); fails ROUND_CLOSED
     *     when the round was retired while the upload streamed in
     */
    public Future<Boolean> accept(Contribution contribution) {
      try {
        return add(contribution);
      } finally {
        received(); // added by now (or refused): a commit held for it may start
      }
    }

    private Future<Boolean> add(Contribution contribution) {
      Future<Boolean> earlier = contributions.earlier(dedupeKey);
      if (earlier != null) {
        return earlier;
      }
      if (!rounds.holds(round)) {
        return Future.failedFuture(rounds.retiredError(round.key()));
      }
      round.touch(clock.getAsLong());
      Future<Boolean> added = contributions.add(round, dedupeKey, contribution);
      return listener == null ? added : added.onSuccess(duplicate -> {
        if (!duplicate) {
          listener.uploaded(task.jobId(), task.round(), task.deviceId(), clock.getAsLong());
        }
      });
    }
  }

  /**
   * Refuses an upload the round no longer takes.
   *
   * @throws PropiusException ROUND_CLOSED (deadline passed, target reached) or FAILED_PRECONDITION
   *     (too stale), INVALID_ARGUMENT for a base round that makes no sense
   */
  private void requireOpen(RoundAggregate r, int baseRound) {
    RoundSpec spec = r.spec();
    RoundKey key = r.key();
    if (spec.mode() != RoundMode.ASYNC && baseRound != key.round()) {
      throw PropiusException.invalid("base_round " + baseRound + " is only allowed in async rounds; " + key
          + " is " + spec.mode().wireName());
    }
    if (baseRound > key.round()) {
      throw PropiusException.invalid("base_round " + baseRound + " is after the round " + key.round());
    }
    if (spec.mode() == RoundMode.ASYNC && key.round() - baseRound > spec.staleness()) {
      throw new PropiusException(ErrorCode.FAILED_PRECONDITION, "update is too stale: trained on round " + baseRound
          + ", " + (key.round() - baseRound) + " rounds behind " + key + " (staleness bound " + spec.staleness() + ")");
    }
    if (spec.mode() == RoundMode.SYNC && spec.deadlineMs() > 0 && clock.getAsLong() > spec.deadlineMs()) {
      throw new PropiusException(ErrorCode.ROUND_CLOSED, key + " is closed: its deadline " + spec.deadlineMs()
          + " passed");
    }
    if (r.closed() && spec.mode() == RoundMode.OVERSELECT) {
      throw new PropiusException(ErrorCode.ROUND_CLOSED, key + " is closed: it reached its target of "
          + spec.target() + " contributions");
    }
  }

  /** Counts an upload answered: accepted (with its latency from {@code startedNanos}) or a duplicate. */
  public void uploadAnswered(boolean duplicate, long startedNanos) {
    if (!duplicate) {
      metrics.aggregated(System.nanoTime() - startedNanos);
    }
    metrics.upload(duplicate ? UploadOutcome.DUPLICATE : UploadOutcome.ACCEPTED);
  }

  /** Counts an upload refused, by the code of its error. */
  public void uploadRefused(PropiusException e) {
    metrics.upload(switch (e.code()) {
      case UNAUTHENTICATED -> UploadOutcome.UNAUTHENTICATED;
      case PERMISSION_DENIED -> UploadOutcome.FORBIDDEN;
      case INVALID_ARGUMENT -> UploadOutcome.INVALID;
      case PAYLOAD_TOO_LARGE -> UploadOutcome.TOO_LARGE;
      case NOT_FOUND -> UploadOutcome.NOT_FOUND;
      case ROUND_CLOSED -> UploadOutcome.CLOSED;
      case FAILED_PRECONDITION -> UploadOutcome.STALE;
      case UNAVAILABLE -> UploadOutcome.UNAVAILABLE;
      case RATE_LIMITED -> UploadOutcome.RATE_LIMITED;
      default -> UploadOutcome.FAILED;
    });
  }

  // ---- partials from children ----

  /**
   * Keeps a child's partial when newer than the one held (journaled first).
   *
   * @return {@code {"applied": bool, "closed": bool}} for the child
   * @throws PropiusException INVALID_ARGUMENT when the state does not fit the round
   */
  public Future<JsonObject> acceptPartial(RoundAggregate r, PartialUpdate update) {
    int expected = r.reducer().stateLength(r.spec().tensorLength());
    if (update.state().length != expected) {
      return Future.failedFuture(PropiusException.invalid("partial state has " + update.state().length
          + " values, " + r.spec().reducer() + " of tensor_length " + r.spec().tensorLength() + " has " + expected));
    }
    if (!r.isNewer(update)) {
      return Future.succeededFuture(reply(r, false));
    }
    return journal.append(new Journal.PartialEntry(r.key(), update.withoutUploads())).map(v -> {
      List<PartialUpdate.Upload> uploads = r.offered(update);
      boolean applied = uploads != null;
      if (applied) {
        uploads.forEach(u -> passOn(r, u));
        r.touch(clock.getAsLong());
        metrics.partialReceived();
        progress.changed(r);
      }
      return reply(r, applied);
    });
  }

  /** An upload first seen in a child's push: told to the control plane at the root, else pushed on up. */
  private void passOn(RoundAggregate r, PartialUpdate.Upload u) {
    if (role != EdgeRole.ROOT) {
      r.uploaded(u.deviceId(), u.round(), u.atMs());
    } else if (listener != null) {
      listener.uploaded(r.key().job(), u.round(), u.deviceId(), u.atMs());
    }
  }

  private static JsonObject reply(RoundAggregate r, boolean applied) {
    return new JsonObject().put("applied", applied).put("closed", r.closed());
  }

  // ---- aggregates ----

  /**
   * The subtree's aggregate at this node (the round's aggregate at the root).
   *
   * @throws PropiusException NOT_FOUND for an unknown round or before any contribution
   */
  public Accumulator aggregate(RoundKey key) {
    RoundAggregate r = rounds.get(key);
    if (r == null) {
      rounds.requireNotRetired(key);
      throw new PropiusException(ErrorCode.NOT_FOUND, "no round " + key + " at this node");
    }
    Accumulator total = r.total();
    if (total.contributors() == 0) {
      throw new PropiusException(ErrorCode.NOT_FOUND, "no contribution reached " + key + " yet");
    }
    return total;
  }

  /** Whether the round is done: target reached, or a sync round's deadline passed. */
  public boolean complete(RoundKey key) {
    RoundAggregate r = rounds.get(key);
    if (r == null) {
      return false;
    }
    RoundSpec spec = r.spec();
    return r.version() >= spec.target()
        || (spec.mode() == RoundMode.SYNC && spec.deadlineMs() > 0 && clock.getAsLong() > spec.deadlineMs());
  }

  // ---- on timers ----

  /** Pushes every round with contributions the parent has not acknowledged; run on the push interval. */
  public void pushAll() {
    progress.flush();
  }

  /**
   * Forgets rounds without change for {@code dataPlane.roundRetentionMs} (and, below the root,
   * fully acknowledged by the parent): their aggregate, seen tokens and plan. A tombstone stays, so
   * a late upload or push for the round is refused instead of starting it afresh (which could count
   * a device twice); the journal records the retirement and compaction then drops the round's records.
   */
  public void retireQuietRounds() {
    for (RoundKey key : rounds.quiet(r -> progress.pending(r) || contributions.committing(r))) {
      forget(key);
      journal.append(new Journal.RetiredEntry(key));
      metrics.roundRetired();
    }
  }

  private void forget(RoundKey key) {
    RoundAggregate r = rounds.retire(key);
    if (r != null) {
      contributions.forget(r);
    }
    plans.forget(key);
  }

  private void requireRoot(String what) {
    if (role != EdgeRole.ROOT) {
      throw new PropiusException(ErrorCode.FAILED_PRECONDITION, what + " are published at the root edge node, this"
          + " node is a " + role.name().toLowerCase(Locale.ROOT));
    }
  }

  public Future<Void> close() {
    Future<Void> p = parent != null ? parent.close() : Future.succeededFuture();
    return p.compose(v -> journal.close()).compose(v -> plans.close());
  }
}
