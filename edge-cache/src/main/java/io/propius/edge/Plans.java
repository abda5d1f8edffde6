package io.propius.edge;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.edge.aggregate.Journal;
import io.propius.edge.config.EdgeRole;
import io.propius.edge.metrics.EdgeMetrics;
import io.propius.edge.metrics.EdgeMetrics.CacheResult;
import io.propius.edge.plan.Plan;
import io.propius.edge.plan.PlanCache;
import io.propius.edge.plan.PlanStore;
import io.propius.edge.plan.SingleFlight;
import io.propius.edge.round.RoundKey;
import io.propius.edge.upstream.ParentClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * A node's plans: published (and journaled) at the root, cached below it and fetched from the
 * parent once per miss however many devices ask. Confined to the node's event loop.
 */
final class Plans {
  private final Vertx vertx;
  private final EdgeRole role;
  private final EdgeMetrics metrics;
  private final Journal journal;
  private final PlanStore store;
  private final PlanCache cache;
  private final ParentClient parent;
  private final LongSupplier clock;
  private final Map<RoundKey, Plan> published = new HashMap<>();
  private final SingleFlight<RoundKey, Plan> fetches = new SingleFlight<>();

  /** @param parent the client of the parent node, null at the root */
  Plans(Vertx vertx, EdgeRole role, EdgeMetrics metrics, Journal journal, PlanStore store, PlanCache cache,
        ParentClient parent, LongSupplier clock) {
    this.vertx = vertx;
    this.role = role;
    this.metrics = metrics;
    this.journal = journal;
    this.store = store;
    this.cache = cache;
    this.parent = parent;
    this.clock = clock;
  }

  PlanCache cache() {
    return cache;
  }

  /** The files of the plans published here. */
  Set<Path> publishedFiles() {
    Set<Path> files = new HashSet<>();
    published.values().forEach(p -> files.add(p.file()));
    return files;
  }

  /** A published plan from a replayed journal record, if its file is still there. */
  void replayed(Journal.PlanEntry entry) {
    store.existing(entry.file(), entry.size(), entry.etag()).ifPresent(plan -> published.put(entry.key(), plan));
  }

  /** The published plans as journal records, for a compaction snapshot. */
  void snapshot(List<Journal.Entry> out) {
    published.forEach((k, plan) -> out.add(entry(k, plan)));
  }

  private static Journal.PlanEntry entry(RoundKey key, Plan plan) {
    return new Journal.PlanEntry(key, plan.file().getFileName().toString(), plan.size(), plan.etag());
  }

  /**
   * Publishes a round's plan (at the root), hashing it off the event loop.
   *
   * @return 201 when new, 200 when the same bytes were already published
   */
  Future<Integer> publish(RoundKey key, Buffer bytes) {
    return vertx.executeBlocking(() -> Plan.etagOf(bytes)).compose(etag -> {
      Plan existing = published.get(key);
      if (existing == null) {
        return store.write(key, bytes, etag).compose(plan -> {
          Plan raced = published.putIfAbsent(key, plan);
          if (raced == null) {
            return journal.append(entry(key, plan)).map(201);
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
  Future<Plan> plan(RoundKey key) {
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
    return fetches.run(key, () -> {
      metrics.upstreamPlanFetch();
      return parent.plan(key, store).onSuccess(p -> cache.put(key, p, clock.getAsLong()));
    });
  }

  /** Drops the round's published plan and its file. */
  void forget(RoundKey key) {
    Plan plan = published.remove(key);
    if (plan != null) {
      store.delete(plan);
    }
  }

  Future<Void> close() {
    return store.close();
  }
}
