package io.propius.server.device;

import io.propius.api.device.Attributes;
import io.propius.api.device.CheckinRequest;
import io.propius.api.device.Offer;
import io.propius.policy.batch.GroupAssigner;
import io.propius.server.bus.GroupPlan;
import io.propius.server.bus.ScheduleSnapshot.OfferableJob;
import io.propius.server.config.DevicesOptions;
import io.propius.server.metrics.PropiusMetrics;
import io.propius.server.metrics.PropiusMetrics.ReleaseReason;
import io.propius.server.store.JobStore;
import io.propius.server.store.OfferClaim;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * A client manager's small-batch mode (paper §3.2-3.3): checked-in devices are held, and each
 * {@link GroupPlan} from the scheduler is applied to them with the shared {@link GroupAssigner}
 * (queries parsed once per plan). The matching runs on a worker thread over a copy of the held
 * devices (it is linear in devices × groups, too long for an event loop with a full cache); its
 * result is applied back on the event loop to the devices still held. One plan is applied at a
 * time; a plan arriving meanwhile waits, and only the newest waiting one is applied. Before an
 * assigned device is offered a slot, the store grants the offer ({@link OfferClaim}): every
 * instance on every node applies the same plan to its own devices, and the store's count of a
 * round's outstanding offers is what keeps them within {@code devices.overOffer} × its open slots.
 * A granted device leaves the cache and its long-poll is answered with one offer; accept still goes
 * through the store's atomic reservation, so a plan can never overfill a round or bind a device
 * twice. With the {@code med} policy, the plan's data-work rounds first get held devices with shard
 * counts ({@link MedAllocator}), claimed and handed out the same way; the groups then apply to the
 * devices left. Confined to its client manager's event loop.
 */
final class SmallBatchBinder {
  private static final System.Logger LOG = System.getLogger(SmallBatchBinder.class.getName());
  /** Makes the signed offer of a job's round for a device. */
  @FunctionalInterface
  interface OfferMaker {
    /** @param work the shards MED gave the device; null for a device-count offer */
    Offer offer(String deviceId, OfferableJob job, long now, Offer.Work work);
  }

  private final HeldDevices held = new HeldDevices();
  private final PendingOffers pending = new PendingOffers();
  private final OfferSelector offers;
  private final DevicesOptions options;
  private final PropiusMetrics metrics;
  private final OfferMaker maker;
  private final JobStore store;
  private final Vertx vertx;
  private final LongSupplier clock;
  private final MedAllocator med;
  private final String instanceId;
  private boolean applying;
  private GroupPlan waiting;

  /** @param instanceId the client manager instance, as it reports itself to the scheduler */
  SmallBatchBinder(Vertx vertx, LongSupplier clock, JobStore store, OfferSelector offers, DevicesOptions options,
                   PropiusMetrics metrics, OfferMaker maker, String instanceId) {
    this.vertx = vertx;
    this.store = store;
    this.clock = clock;
    this.offers = offers;
    this.options = options;
    this.metrics = metrics;
    this.maker = maker;
    this.instanceId = instanceId;
    this.med = new MedAllocator(vertx, clock, metrics.med(), instanceId, options.getOfferTtlMs());
  }

  /**
   * Holds a checked-in device until a plan assigns it or its wait ends. The future completes with
   * its offers: one when assigned, none when the wait ends, the cache is full, or the device checked
   * in again elsewhere in the meantime. A dropped connection removes the device at once.
   */
  Future<List<Offer>> hold(CheckinRequest req, long now, HttpServerResponse response) {
    pending.superseded(req.deviceId()); // checking in again: it did not take its last offer
    if (held.size() >= options.getHoldCapacity() && !held.contains(req.deviceId())) {
      metrics.batchReleased(ReleaseReason.HOLD_FULL);
      return Future.succeededFuture(List.of());
    }
    HeldDevices.Held entry = new HeldDevices.Held(req.deviceId(), req.attributes(), now + options.getHoldMs());
    HeldDevices.Held previous = held.hold(entry);
    if (previous != null) {
      metrics.batchReleased(ReleaseReason.SUPERSEDED);
      previous.answer.tryComplete(List.of());
    }
    response.closeHandler(v -> {
      if (held.remove(entry)) {
        metrics.batchReleased(ReleaseReason.DISCONNECTED);
        entry.answer.tryComplete(List.of());
      }
    });
    return entry.answer.future();
  }

  /**
   * Another instance holds the device now: let this instance's hold of it go, without an offer,
   * and stop counting an offer made to it here (checking in again, it did not take that offer).
   */
  void heldElsewhere(String deviceId) {
    pending.superseded(deviceId);
    HeldDevices.Held h = held.remove(deviceId);
    if (h != null) {
      metrics.batchReleased(ReleaseReason.SUPERSEDED);
      h.answer.tryComplete(List.of());
    }
  }

  /** The device is still there: its wait starts again (a no-op when this instance does not hold it). */
  void ping(String deviceId, long now) {
    held.ping(deviceId, now + options.getHoldMs());
  }

  /**
   * The device was bound, through any instance: its offer no longer counts as pending (nor in the
   * store, which counts the binding instead). An offer refused as ROUND_FULL stays pending until the
   * device checks in again, which releases it in the store too.
   */
  void bound(long jobId, int round, String deviceId) {
    pending.settled(deviceId);
    med.bound(jobId, round, deviceId);
  }

  /**
   * A device confirmed its task (through any instance): the start of a MED task's duration.
   *
   * @param trainedShards the shards it said it trains, 0 when it did not say
   */
  void confirmed(long jobId, int round, String deviceId, long atMs, int trainedShards) {
    med.confirmed(jobId, round, deviceId, atMs, trainedShards);
  }

  /** The data-plane root counted a device's task result: the end of a MED task's duration. */
  void uploaded(long jobId, int round, String deviceId, long atMs) {
    med.uploaded(jobId, round, deviceId, atMs);
  }

  /** Answers the devices whose wait has ended, without an offer. */
  void expire(long now) {
    for (HeldDevices.Held h : held.expire(now)) {
      metrics.batchReleased(ReleaseReason.WAIT_ENDED);
      h.answer.tryComplete(List.of());
    }
  }

  /** Applies a plan to the held devices (after the one being applied, if any). */
  void apply(GroupPlan plan) {
    if (applying) {
      waiting = plan;
      return;
    }
    applying = true;
    applyMed(plan).compose(v -> apply(plan, Set.of())).onComplete(ar -> {
      if (ar.failed()) {
        LOG.log(System.Logger.Level.ERROR, "small-batch plan " + plan.version() + " could not be applied", ar.cause());
      }
      next();
    });
  }

  /** MED's part of the plan: data-work rounds get held devices with shard counts, claimed like any offer. */
  private Future<Void> applyMed(GroupPlan plan) {
    if (plan.allocator() == null) {
      return Future.succeededFuture();
    }
    long now = clock.getAsLong();
    expire(now);
    List<HeldDevices.Held> snapshot = held.all();
    return med.plan(plan, openJobs(plan, now, Set.of(), true).keySet(), snapshot).compose(medPlan -> {
      List<GroupAssigner.Assignment> assignments = new ArrayList<>();
      Map<Long, Map<String, Integer>> shards = new HashMap<>();
      medPlan.assignments().forEach((device, a) -> {
        assignments.add(new GroupAssigner.Assignment(device, a.jobId(), -1));
        shards.computeIfAbsent(a.jobId(), k -> new LinkedHashMap<>()).put(device, a.shards());
      });
      if (assignments.isEmpty()) {
        return Future.succeededFuture();
      }
      return claimRoundPlans(plan, shards.keySet()).compose(mine -> {
        assignments.removeIf(a -> !mine.contains(a.jobId()));
        return claim(plan, stillHeld(assignments, snapshot), shards, clock.getAsLong()).mapEmpty();
      });
    });
  }

  /**
   * Asks the store which of the rounds MED planned here this instance may hand out: a round's shards
   * go out from one instance even when schedulers named different ones (a leader change). A round
   * planned elsewhere is left alone here for good; one whose claim failed is tried again next plan.
   */
  private Future<Set<Long>> claimRoundPlans(GroupPlan plan, Set<Long> jobIds) {
    Set<Long> mine = new HashSet<>();
    List<Future<?>> claims = new ArrayList<>();
    long now = clock.getAsLong();
    for (OfferableJob job : plan.snapshot().jobs()) {
      if (jobIds.contains(job.jobId())) {
        claims.add(store.claimRoundPlan(job.jobId(), job.round(), instanceId, now).onSuccess(planned -> {
          if (planned) {
            mine.add(job.jobId());
            med.plansHere(job);
          } else {
            med.plannedElsewhere(job);
          }
        }).onFailure(err -> LOG.log(System.Logger.Level.WARNING, "the data work of job " + job.jobId()
            + " not claimed; it is planned again next plan: " + err.getMessage())));
      }
    }
    return Future.join(claims).transform(ar -> Future.succeededFuture(mine));
  }

  /**
   * Matches the held devices to the plan's open rounds, leaving out the jobs the store just said have
   * no room, and claims the offers; when the store refused some and granted others, the refused
   * devices may still fit another round of the same plan, so it is matched again without those jobs.
   */
  private Future<Void> apply(GroupPlan plan, Set<Long> noRoom) {
    long now = clock.getAsLong();
    expire(now);
    Map<Long, GroupAssigner.OpenJob> open = openJobs(plan, now, noRoom, false);
    List<HeldDevices.Held> snapshot = held.all();
    if (snapshot.isEmpty() || open.isEmpty() || plan.groups().isEmpty()) {
      return claim(plan, Map.of(), Map.of(), now).mapEmpty();
    }
    List<GroupAssigner.Device> devices = new ArrayList<>(snapshot.size());
    for (HeldDevices.Held h : snapshot) {
      devices.add(new GroupAssigner.Device(h.deviceId, h.attributes));
    }
    return vertx.executeBlocking(() -> new GroupAssigner(plan.groups()).assign(devices, open), false)
        .compose(assignments -> claim(plan, stillHeld(assignments, snapshot), Map.of(), clock.getAsLong()))
        .compose(full -> {
          if (full.isEmpty() || full.size() == open.size()) {
            return Future.succeededFuture();
          }
          Set<Long> without = new HashSet<>(noRoom);
          without.addAll(full);
          return apply(plan, without);
        });
  }

  /**
   * The plan's rounds this instance can still offer, with what each still wants.
   *
   * @param forMed for MED's own plan, which decides itself which data-work rounds it plans; else only
   *     the rounds the groups may offer by device count
   */
  private Map<Long, GroupAssigner.OpenJob> openJobs(GroupPlan plan, long now, Set<Long> noRoom, boolean forMed) {
    Map<Long, OfferableJob> jobs = new HashMap<>();
    Map<Long, Integer> rounds = new HashMap<>();
    for (OfferableJob j : plan.snapshot().jobs()) {
      if (!offers.isFull(j.jobId(), j.round()) && !noRoom.contains(j.jobId()) && (forMed || med.byCount(plan, j))) {
        jobs.put(j.jobId(), j);
        rounds.put(j.jobId(), j.round());
      }
    }
    Map<Long, Integer> inFlight = pending.counts(rounds, now);
    Map<Long, GroupAssigner.OpenJob> open = new HashMap<>();
    jobs.forEach((id, j) -> {
      int wanted = OfferClaim.budget(options.getOverOffer(), j.demand() - j.amount()) - inFlight.getOrDefault(id, 0);
      if (wanted > 0) {
        open.put(id, new GroupAssigner.OpenJob(id, wanted, j.publicConstraints()));
      }
    });
    return open;
  }

  /** Back on the event loop: the assigned devices still held as they were matched, by job. */
  private Map<Long, List<HeldDevices.Held>> stillHeld(List<GroupAssigner.Assignment> assignments,
                                                      List<HeldDevices.Held> snapshot) {
    Map<String, HeldDevices.Held> asSeen = new HashMap<>();
    snapshot.forEach(h -> asSeen.put(h.deviceId, h));
    Map<Long, List<HeldDevices.Held>> byJob = new LinkedHashMap<>();
    for (GroupAssigner.Assignment a : assignments) {
      HeldDevices.Held h = held.get(a.deviceId());
      // Gone, or checked in again with maybe other attributes, while the plan was matched.
      if (h != null && h == asSeen.get(a.deviceId())) {
        byJob.computeIfAbsent(a.jobId(), k -> new ArrayList<>()).add(h);
      }
    }
    return byJob;
  }

  /**
   * Asks the store for the offers, one claim per round, each also releasing the round's void offers
   * of this instance; hands out the granted ones to the devices still held.
   *
   * @param shards MED's shards per device of each data-work round it planned; empty for group claims
   * @return the jobs whose claim the store cut short (no room left for every device asked)
   */
  private Future<Set<Long>> claim(GroupPlan plan, Map<Long, List<HeldDevices.Held>> byJob,
                                  Map<Long, Map<String, Integer>> shards, long now) {
    Map<Long, OfferableJob> inPlan = new HashMap<>();
    plan.snapshot().jobs().forEach(j -> inPlan.put(j.jobId(), j));
    Map<Long, Map<String, Long>> releasing = new HashMap<>();
    pending.takeReleased(now).forEach((jobId, r) -> {
      OfferableJob job = inPlan.get(jobId);
      if (job != null && job.round() == r.round()) {
        releasing.put(jobId, r.devices()); // void offers of rounds no longer open count nowhere
      }
    });
    Set<Long> claimed = new LinkedHashSet<>(byJob.keySet());
    claimed.addAll(releasing.keySet());
    long expiresAt = now + options.getOfferTtlMs();
    Set<Long> full = new HashSet<>();
    List<Future<?>> claims = new ArrayList<>();
    for (long jobId : claimed) {
      OfferableJob job = inPlan.get(jobId);
      List<HeldDevices.Held> devices = byJob.getOrDefault(jobId, List.of());
      List<String> ids = devices.stream().map(h -> h.deviceId).toList();
      OfferClaim c = new OfferClaim(jobId, job.round(), ids, releasing.getOrDefault(jobId, Map.of()),
          options.getOverOffer(), expiresAt);
      claims.add(store.claimOffers(c, now).onSuccess(granted -> {
        if (granted.size() < ids.size()) {
          full.add(jobId);
        }
        metrics.batchClaimed(granted.size(), ids.size() - granted.size());
        handOut(job, devices, granted, shards.get(jobId), now, expiresAt);
      }).onFailure(err -> LOG.log(System.Logger.Level.WARNING, "small-batch offers of job " + jobId
          + " not claimed; its devices wait for the next plan: " + err.getMessage())));
    }
    return Future.join(claims).transform(ar -> Future.succeededFuture(full));
  }

  /**
   * Offers to the granted devices that are still held as they were; the others' grants go back. The
   * offers expire when the store's grants do, which is what a later release names them by. A
   * data-work round's planned shards are folded onto the devices that get an offer, so its offers
   * still add up to the round's total.
   *
   * @param shards MED's shards per device of this round; null for a device-count round
   */
  private void handOut(OfferableJob job, List<HeldDevices.Held> asked, List<String> granted,
                       Map<String, Integer> shards, long claimedAt, long expiresAt) {
    Map<String, HeldDevices.Held> bySeen = new HashMap<>();
    asked.forEach(h -> bySeen.put(h.deviceId, h));
    List<HeldDevices.Held> delivered = new ArrayList<>();
    for (String deviceId : granted) {
      HeldDevices.Held h = held.get(deviceId);
      if (h == null || h != bySeen.get(deviceId)) {
        pending.unused(deviceId, job.jobId(), job.round(), expiresAt);
      } else {
        delivered.add(h);
      }
    }
    Map<String, Integer> given = shards == null || delivered.isEmpty() ? null
        : MedAllocator.fold(shards, delivered.stream().map(h -> h.deviceId).toList());
    for (HeldDevices.Held h : delivered) {
      held.remove(h);
      Offer offer = maker.offer(h.deviceId, job, claimedAt,
          given == null ? null : MedAllocator.work(job.dataWork(), given.get(h.deviceId)));
      pending.add(h.deviceId, job.jobId(), job.round(), expiresAt);
      h.answer.tryComplete(List.of(offer));
    }
    if (given != null) {
      med.handedOut(job, given, delivered, expiresAt);
    }
    metrics.batchAssigned(delivered.size());
  }

  private void next() {
    applying = false;
    GroupPlan plan = waiting;
    waiting = null;
    if (plan != null) {
      apply(plan);
    }
  }

  /** Answers every held device without an offer (the client manager is stopping). */
  void releaseAll() {
    for (HeldDevices.Held h : held.expire(Long.MAX_VALUE)) {
      h.answer.tryComplete(List.of());
    }
  }

  int heldCount() {
    return held.size();
  }

  List<Attributes> heldSample(int n, SplittableRandom random) {
    return held.sample(n, random);
  }
}
