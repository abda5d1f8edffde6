package io.propius.edge;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.round.RoundSpec;
import io.propius.edge.aggregate.Journal;
import io.propius.edge.aggregate.RoundAggregate;
import io.propius.edge.config.DataPlaneOptions;
import io.propius.edge.config.EdgeRole;
import io.propius.edge.plan.SingleFlight;
import io.propius.edge.round.RoundKey;
import io.propius.edge.upstream.ParentClient;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The rounds a node holds, and the tombstones of those retired after their retention: a round
 * is published at the root and fetched once from the parent below it. Confined to the node's
 * event loop.
 */
final class Rounds {
  private final Map<RoundKey, RoundAggregate> rounds = new HashMap<>();
  /** Rounds forgotten after their retention: refused from then on rather than started afresh. */
  private final Set<RoundKey> retired = new HashSet<>();
  private final SingleFlight<RoundKey, RoundAggregate> specFetches = new SingleFlight<>();
  private final DataPlaneOptions options;
  private final Journal journal;
  private final ParentClient parent;
  private final LongSupplier clock;
  private final Consumer<RoundAggregate> started;

  /**
   * @param parent  the client of the parent node, null at the root
   * @param started told about every round created here, replayed ones included
   */
  Rounds(DataPlaneOptions options, Journal journal, ParentClient parent, LongSupplier clock,
         Consumer<RoundAggregate> started) {
    this.options = options;
    this.journal = journal;
    this.parent = parent;
    this.clock = clock;
    this.started = started;
  }

  /** The round held here, or null. */
  RoundAggregate get(RoundKey key) {
    return rounds.get(key);
  }

  Collection<RoundAggregate> all() {
    return rounds.values();
  }

  int count() {
    return rounds.size();
  }

  Set<RoundKey> retiredKeys() {
    return retired;
  }

  /** Whether {@code r} is still the round held under its key (not retired meanwhile). */
  boolean holds(RoundAggregate r) {
    return rounds.get(r.key()) == r;
  }

  /** A round from a replayed journal record. */
  void replayed(RoundKey key, RoundSpec spec) {
    rounds.computeIfAbsent(key, k -> create(k, spec));
  }

  /**
   * Publishes a round's spec (at the root).
   *
   * @return 201 when new, 200 when the same spec was already published
   */
  Future<Integer> publish(RoundKey key, RoundSpec spec) {
    requireNotRetired(key);
    RoundAggregate existing = rounds.get(key);
    if (existing != null) {
      if (existing.spec().equals(spec)) {
        return Future.succeededFuture(200);
      }
      return Future.failedFuture(new PropiusException(ErrorCode.FAILED_PRECONDITION, key
          + " already has a different spec: " + existing.spec().toJson().encode()));
    }
    rounds.put(key, create(key, spec));
    return journal.append(new Journal.SpecEntry(key, spec)).map(201);
  }

  /** The round, from this node or (below the root) fetched once from the parent. */
  Future<RoundAggregate> round(RoundKey key) {
    RoundAggregate r = rounds.get(key);
    if (r != null) {
      return Future.succeededFuture(r);
    }
    if (retired.contains(key)) {
      return Future.failedFuture(retiredError(key));
    }
    if (options.role() == EdgeRole.ROOT) {
      return Future.failedFuture(new PropiusException(ErrorCode.NOT_FOUND, "no spec published for " + key
          + " (PUT /v1/rounds/" + key.job() + "/" + key.round() + ")"));
    }
    return specFetches.run(key, () -> parent.spec(key).compose(spec -> {
      RoundAggregate known = rounds.get(key);
      if (known != null) {
        return Future.succeededFuture(known);
      }
      requireNotRetired(key);
      RoundAggregate fresh = create(key, spec);
      rounds.put(key, fresh);
      return journal.append(new Journal.SpecEntry(key, spec)).map(fresh);
    }));
  }

  private RoundAggregate create(RoundKey key, RoundSpec spec) {
    RoundAggregate r = new RoundAggregate(key, spec, clock.getAsLong());
    started.accept(r);
    return r;
  }

  /** Rounds without change for {@code dataPlane.roundRetentionMs}, except the {@code busy} ones. */
  List<RoundKey> quiet(Predicate<RoundAggregate> busy) {
    long now = clock.getAsLong();
    return rounds.values().stream()
        .filter(r -> now - r.lastChange() >= options.getRoundRetentionMs())
        .filter(busy.negate())
        .map(RoundAggregate::key).toList();
  }

  /** Forgets the round and keeps its tombstone; returns what was held, or null. */
  RoundAggregate retire(RoundKey key) {
    retired.add(key);
    return rounds.remove(key);
  }

  boolean isRetired(RoundKey key) {
    return retired.contains(key);
  }

  void requireNotRetired(RoundKey key) {
    if (retired.contains(key)) {
      throw retiredError(key);
    }
  }

  PropiusException retiredError(RoundKey key) {
    return new PropiusException(ErrorCode.ROUND_CLOSED, key + " is over: it was retired after "
        + options.getRoundRetentionMs() + " ms without activity");
  }
}
