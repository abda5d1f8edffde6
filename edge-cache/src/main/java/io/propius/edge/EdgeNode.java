package io.propius.edge;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.edge.aggregate.ContributionBatch;
import io.propius.edge.aggregate.Journal;
import io.propius.edge.aggregate.RoundAggregate;
import io.propius.edge.config.DataPlaneOptions;
import io.propius.edge.config.EdgeRole;
import io.propius.edge.metrics.EdgeMetrics;
import io.propius.edge.metrics.EdgeMetrics.CacheResult;
import io.propius.edge.metrics.EdgeMetrics.PushOutcome;
import io.propius.edge.plan.Plan;
import io.propius.edge.plan.PlanCache;
import io.propius.edge.plan.PlanStore;
import io.propius.edge.plan.SingleFlight;
import io.propius.edge.round.RoundKey;
import io.propius.edge.round.RoundMode;
import io.propius.edge.round.RoundSpec;
import io.propius.edge.upstream.ParentClient;
import io.propius.edge.upstream.PartialUpdate;
import io.propius.policy.reduce.Accumulator;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The state and rules of one edge node, whatever its transport: rounds and their aggregates,
 * plans (published at the root, cached below it), which device tokens already counted, and the
 * pushes of partial aggregates to the parent. Confined to the node's event loop; every method
 * must be called on it.
 */
public final class EdgeNode {
  private static final System.Logger LOG = System.getLogger(EdgeNode.class.getName());

  /** Told at the root when a round's aggregate is ready for its job. */
  @FunctionalInterface
  public interface AggregateListener {
    /** @param reason {@code target} (enough contributions) or {@code deadline} (a sync round's deadline passed) */
    void ready(RoundKey key, long contributors, double weight, String reason);
  }

  private final Vertx vertx;
  private final DataPlaneOptions options;
  private final EdgeRole role;
  private final EdgeMetrics metrics;
  private final Journal journal;
  private final ParentClient parent;
  private final AggregateListener listener;
  private final LongSupplier clock;
  private final Map<RoundKey, RoundAggregate> rounds = new HashMap<>();
  private final Map<RoundKey, Plan> published = new HashMap<>();
  private final PlanStore store;
  private final PlanCache cache;
  private final SingleFlight<RoundKey, RoundAggregate> specFetches = new SingleFlight<>();
  private final SingleFlight<RoundKey, Plan> planFetches = new SingleFlight<>();
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
  /** Rounds forgotten after their retention: refused from then on rather than started afresh. */
  private final Set<RoundKey> retired = new HashSet<>();

  /** @param parent the client of the parent node, null at the root */
  public EdgeNode(Vertx vertx, DataPlaneOptions options, EdgeMetrics metrics, Journal journal, PlanStore store,
                  ParentClient parent, AggregateListener listener, LongSupplier clock) {
    this.store = store;
    this.vertx = vertx;
    this.options = options;
    this.role = options.role();
    this.metrics = metrics;
    this.journal = journal;
    this.parent = parent;
    this.listener = listener;
    this.clock = clock;
    this.cache = new PlanCache(options.getCacheBytes(), options.getPlanTtlMs(), metrics, store::delete);
    journal.compactWith(this::snapshot);
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
    return cache;
  }

  /** Rounds held (not retired). */
  public int roundCount() {
    return rounds.size();
  }

  /** The files of the plans published here. */
  public Set<java.nio.file.Path> publishedPlanFiles() {
    Set<java.nio.file.Path> files = new HashSet<>();
    published.values().forEach(p -> files.add(p.file()));
    return files;
  }

  /**
   * Rebuilds rounds, seen tokens, child partials, published plans and retired rounds from the
   * journal; called once before serving.
   */
  public void replay() {
    for (Journal.Entry entry : journal.replayed()) {
      RoundKey key = entry.key();
      if (entry instanceof Journal.SpecEntry s) {
        rounds.computeIfAbsent(key, k -> newRound(k, s.spec()));
      } else if (entry instanceof Journal.ContributionsEntry c) {
        RoundAggregate r = rounds.get(key);
        r.addAll(r.reducer().fromState(r.spec().tensorLength(), c.contributors(), c.weight(), c.state()));
        c.dedupeKeys().forEach(k -> count(r, k));
      } else if (entry instanceof Journal.PartialEntry p) {
        rounds.get(key).offer(p.update());
      } else if (entry instanceof Journal.PlanEntry p) {
        store.existing(p.file(), p.size(), p.etag()).ifPresent(plan -> published.put(key, plan));
      } else if (entry instanceof Journal.RetiredEntry) {
        forget(key);
      }
    }
    rounds.values().forEach(this::changed);
  }

  /**
   * The node's live state as journal records, for compaction: what replaying the whole log would
   * rebuild, in one record per round, child and plan. Only journaled effects are in memory
   * (contributions are folded after their batch is written), so this is exactly the log's content.
   */
  private List<Journal.Entry> snapshot() {
    List<Journal.Entry> out = new ArrayList<>();
    retired.forEach(k -> out.add(new Journal.RetiredEntry(k)));
    for (RoundAggregate r : rounds.values()) {
      out.add(new Journal.SpecEntry(r.key(), r.spec()));
      Accumulator own = r.own();
      List<String> keys = r.countedKeys();
      if (own.contributors() > 0 || !keys.isEmpty()) {
        out.add(new Journal.ContributionsEntry(r.key(), keys, own.contributors(), own.weight(), own.state()));
      }
      r.childPartials().forEach(p -> out.add(new Journal.PartialEntry(r.key(), p)));
    }
    published.forEach((k, plan) -> out.add(new Journal.PlanEntry(k, plan.file().getFileName().toString(), plan.size(),
        plan.etag())));
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
    requireNotRetired(key);
    RoundAggregate existing = rounds.get(key);
    if (existing != null) {
      if (existing.spec().equals(spec)) {
        return Future.succeededFuture(200);
      }
      return Future.failedFuture(new PropiusException(ErrorCode.FAILED_PRECONDITION, key
          + " already has a different spec: " + existing.spec().toJson().encode()));
    }
    RoundAggregate r = newRound(key, spec);
    rounds.put(key, r);
    return journal.append(new Journal.SpecEntry(key, spec)).map(201);
  }

  private RoundAggregate newRound(RoundKey key, RoundSpec spec) {
    RoundAggregate r = new RoundAggregate(key, spec, clock.getAsLong());
    if (role == EdgeRole.ROOT && spec.mode() == RoundMode.SYNC && spec.deadlineMs() > 0) {
      // Partials accepted below the root before the deadline are still on their way: give them two
      // push intervals before the aggregate is announced as final.
      long delay = Math.max(1, spec.deadlineMs() + 2 * options.getPushIntervalMs() - clock.getAsLong());
      vertx.setTimer(delay, id -> {
        r.close();
        announce(r, "deadline");
      });
    }
    return r;
  }

  /** The round, from this node or (below the root) fetched once from the parent. */
  public Future<RoundAggregate> round(RoundKey key) {
    RoundAggregate r = rounds.get(key);
    if (r != null) {
      return Future.succeededFuture(r);
    }
    if (retired.contains(key)) {
      return Future.failedFuture(retiredError(key));
    }
    if (role == EdgeRole.ROOT) {
      return Future.failedFuture(new PropiusException(ErrorCode.NOT_FOUND, "no spec published for " + key
          + " (PUT /v1/rounds/" + key.job() + "/" + key.round() + ")"));
    }
    return specFetches.run(key, () -> parent.spec(key).compose(spec -> {
      RoundAggregate known = rounds.get(key);
      if (known != null) {
        return Future.succeededFuture(known);
      }
      requireNotRetired(key);
      RoundAggregate fresh = newRound(key, spec);
      rounds.put(key, fresh);
      return journal.append(new Journal.SpecEntry(key, spec)).map(fresh);
    }));
  }

  // ---- plans ----

  /**
   * Publishes a round's plan at the root (hashing it off the event loop).
   *
   * @return 201 when new, 200 when the same bytes were already published
   */
  public Future<Integer> publishPlan(RoundKey key, Buffer bytes) {
    requireRoot("plans");
    requireNotRetired(key);
    return vertx.executeBlocking(() -> Plan.etagOf(bytes)).compose(etag -> {
      Plan existing = published.get(key);
      if (existing == null) {
        return store.write(key, bytes, etag).compose(plan -> {
          Plan raced = published.putIfAbsent(key, plan);
          if (raced == null) {
            return journal.append(new Journal.PlanEntry(key, plan.file().getFileName().toString(), plan.size(), etag))
                .map(201);
          }
          store.delete(plan);
          return Future.succeededFuture(same(key, raced, etag));
        });
      }
      return Future.succeededFuture(same(key, existing, etag));
    });
  }

  private static int same(RoundKey key, Plan existing, String etag) {
    if (existing.etag().equals(etag)) {
      return 200;
    }
    throw new PropiusException(ErrorCode.FAILED_PRECONDITION, "a different plan (" + existing.size()
        + " bytes, ETag " + existing.etag() + ") is already published for " + key);
  }

  /** The plan: at the root as published, below it from the cache or one shared fetch from the parent. */
  public Future<Plan> plan(RoundKey key) {
    if (retired.contains(key)) {
      return Future.failedFuture(retiredError(key));
    }
    if (role == EdgeRole.ROOT) {
      Plan p = published.get(key);
      return p != null ? Future.succeededFuture(p)
          : Future.failedFuture(new PropiusException(ErrorCode.NOT_FOUND, "no plan published for " + key));
    }
    Plan cached = cache.get(key, clock.getAsLong());
    if (cached != null) {
      metrics.cache(CacheResult.HIT);
      return Future.succeededFuture(cached);
    }
    metrics.cache(CacheResult.MISS);
    return planFetches.run(key, () -> {
      metrics.upstreamPlanFetch();
      return parent.plan(key, store).onSuccess(p -> cache.put(key, p, clock.getAsLong()));
    });
  }

  // ---- device results ----

  /** The key under which a device's token counts once: the token's job, round and device. */
  public static String dedupeKey(long job, int tokenRound, String deviceId) {
    return job + "/" + tokenRound + "/" + deviceId;
  }

  /** Whether this token's contribution was already accepted here (or is being accepted). */
  public boolean isDuplicate(String dedupeKey) {
    return seen.contains(dedupeKey) || accepting.containsKey(dedupeKey);
  }

  /** Once any upload in flight with this key settles: whether the key counted. */
  public Future<Boolean> settled(String dedupeKey) {
    Future<Void> pending = accepting.get(dedupeKey);
    if (pending != null) {
      return pending.map(true);
    }
    return Future.succeededFuture(seen.contains(dedupeKey));
  }

  /**
   * Refuses an upload the round no longer takes.
   *
   * @throws PropiusException ROUND_CLOSED (deadline passed, target reached) or FAILED_PRECONDITION
   *     (too stale), INVALID_ARGUMENT for a base round that makes no sense
   */
  public void checkOpen(RoundAggregate r, int baseRound) {
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

  /**
   * Counts a contribution once it is journaled. Contributions arriving while a batch is being
   * written are summed into the next batch and journaled as one record (the reducer is
   * associative), so the journal writes one state vector per group commit, not one tensor per upload.
   *
   * @param values folded before this returns and not retained, so the caller may reuse the array
   * @return whether it was a duplicate (acknowledged, not counted again)
   * @throws PropiusException ROUND_CLOSED when the round was retired while the upload streamed in
   */
  public Future<Boolean> accept(RoundAggregate r, String dedupeKey, double weight, double[] values) {
    Future<Void> pending = accepting.get(dedupeKey);
    if (pending != null) {
      return pending.map(true);
    }
    if (seen.contains(dedupeKey)) {
      return Future.succeededFuture(true);
    }
    if (rounds.get(r.key()) != r) {
      return Future.failedFuture(retiredError(r.key()));
    }
    r.touch(clock.getAsLong());
    if (!journal.keeps()) {
      r.add(values, weight);
      count(r, dedupeKey);
      changed(r);
      return Future.succeededFuture(false);
    }
    ContributionBatch batch = batches.computeIfAbsent(r.key(), k -> new ContributionBatch(r));
    batch.add(dedupeKey, values, weight);
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

  /** Journals the summed batches, one group commit at a time; what arrives meanwhile waits for the next. */
  private void commitBatches() {
    if (!committing.isEmpty() || batches.isEmpty()) {
      return;
    }
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

  private void settle(ContributionBatch batch, AsyncResult<Void> written) {
    RoundAggregate r = batch.round();
    if (written.succeeded()) {
      r.addAll(batch.sum());
      batch.keys().forEach(k -> count(r, k));
      changed(r);
    }
    batch.keys().forEach(accepting::remove);
    batch.settle(written);
  }

  // ---- retention ----

  /**
   * Forgets rounds without change for {@code dataPlane.roundRetentionMs} (and, below the root,
   * fully acknowledged by the parent): their aggregate, seen tokens and plan. A tombstone stays, so
   * a late upload or push for the round is refused instead of starting it afresh (which could count
   * a device twice); the journal records the retirement and compaction then drops the round's records.
   */
  public void retireQuietRounds() {
    long now = clock.getAsLong();
    List<RoundKey> quiet = rounds.values().stream()
        .filter(r -> now - r.lastChange() >= options.getRoundRetentionMs())
        .filter(r -> role == EdgeRole.ROOT || (r.unpushed() <= 0 && !r.pushing()))
        .filter(r -> !batches.containsKey(r.key()) && !committing.contains(r.key()))
        .map(RoundAggregate::key).toList();
    for (RoundKey key : quiet) {
      forget(key);
      journal.append(new Journal.RetiredEntry(key));
      metrics.roundRetired();
    }
  }

  /** Notes a device's contribution as counted in the round: from now on it is a duplicate. */
  private void count(RoundAggregate r, String dedupeKey) {
    seen.add(dedupeKey);
    r.counted(dedupeKey);
  }

  private void forget(RoundKey key) {
    RoundAggregate r = rounds.remove(key);
    retired.add(key);
    if (r != null) {
      r.countedKeys().forEach(seen::remove);
    }
    Plan plan = published.remove(key);
    if (plan != null) {
      store.delete(plan);
    }
  }

  private void requireNotRetired(RoundKey key) {
    if (retired.contains(key)) {
      throw retiredError(key);
    }
  }

  private PropiusException retiredError(RoundKey key) {
    return new PropiusException(ErrorCode.ROUND_CLOSED, key + " is over: it was retired after "
        + options.getRoundRetentionMs() + " ms without activity");
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
    return journal.append(new Journal.PartialEntry(r.key(), update)).map(v -> {
      boolean applied = r.offer(update);
      if (applied) {
        r.touch(clock.getAsLong());
        metrics.partialReceived();
        changed(r);
      }
      return reply(r, applied);
    });
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
      requireNotRetired(key);
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

  // ---- up the tree ----

  private void changed(RoundAggregate r) {
    if (role == EdgeRole.ROOT) {
      if (r.version() >= r.spec().target()) {
        if (r.spec().mode() == RoundMode.OVERSELECT) {
          r.close();
        }
        announce(r, "target");
      }
    } else if (r.unpushed() >= options.getPushThreshold()) {
      push(r);
    }
  }

  private void announce(RoundAggregate r, String reason) {
    if (listener != null && r.announceOnce()) {
      Accumulator total = r.total();
      listener.ready(r.key(), total.contributors(), total.weight(), reason);
    }
  }

  /** Pushes every round with contributions the parent has not acknowledged; run on the push interval. */
  public void pushAll() {
    if (role != EdgeRole.ROOT) {
      rounds.values().forEach(this::push);
    }
  }

  private void push(RoundAggregate r) {
    PartialUpdate update = r.beginPush(nodeId());
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
        if (r.unpushed() >= options.getPushThreshold()) {
          push(r);
        }
      } else {
        r.pushed(-1);
        metrics.pushed(PushOutcome.FAILED);
        LOG.log(System.Logger.Level.DEBUG, "push of " + r.key() + " failed: " + ar.cause().getMessage());
      }
    });
  }

  private void requireRoot(String what) {
    if (role != EdgeRole.ROOT) {
      throw new PropiusException(ErrorCode.FAILED_PRECONDITION, what + " are published at the root edge node, this"
          + " node is a " + role.name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  public Future<Void> close() {
    Future<Void> p = parent != null ? parent.close() : Future.succeededFuture();
    return p.compose(v -> journal.close()).compose(v -> store.close());
  }
}
