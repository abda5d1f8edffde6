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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * A client manager's small-batch mode (paper §3.2-3.3): checked-in devices are held, and each
 * {@link GroupPlan} from the scheduler is applied to them with the shared {@link GroupAssigner}
 * (queries parsed once per plan). The matching runs on a worker thread over a copy of the held
 * devices (it is linear in devices × groups, too long for an event loop with a full cache); its
 * result is applied back on the event loop to the devices still held. One plan is applied at a
 * time; a plan arriving meanwhile waits, and only the newest waiting one is applied. An assigned
 * device leaves the cache and its long-poll is answered with one offer; accept still goes through
 * the store's atomic reservation, so a plan can never overfill a round or bind a device twice.
 * Confined to its client manager's event loop.
 */
final class SmallBatchBinder {
  private static final System.Logger LOG = System.getLogger(SmallBatchBinder.class.getName());
  /** Makes the signed offer of a job's round for a device. */
  @FunctionalInterface
  interface OfferMaker {
    Offer offer(String deviceId, OfferableJob job, long now);
  }

  private final HeldDevices held = new HeldDevices();
  private final PendingOffers pending = new PendingOffers();
  private final OfferSelector offers;
  private final DevicesOptions options;
  private final PropiusMetrics metrics;
  private final OfferMaker maker;
  private final Vertx vertx;
  private final LongSupplier clock;
  private boolean applying;
  private GroupPlan waiting;

  SmallBatchBinder(Vertx vertx, LongSupplier clock, OfferSelector offers, DevicesOptions options,
                   PropiusMetrics metrics, OfferMaker maker) {
    this.vertx = vertx;
    this.clock = clock;
    this.offers = offers;
    this.options = options;
    this.metrics = metrics;
    this.maker = maker;
  }

  /**
   * Holds a checked-in device until a plan assigns it or its wait ends. The future completes with
   * its offers: one when assigned, none when the wait ends, the cache is full, or the device checked
   * in again elsewhere in the meantime. A dropped connection removes the device at once.
   */
  Future<List<Offer>> hold(CheckinRequest req, long now, HttpServerResponse response) {
    pending.remove(req.deviceId()); // checking in again: it did not take its last offer
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
    pending.remove(deviceId);
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
   * The device accepted here (whatever the outcome), or was bound through any instance: its offer
   * no longer counts as pending.
   */
  void accepted(String deviceId) {
    pending.remove(deviceId);
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
    long now = clock.getAsLong();
    expire(now);
    Map<Long, OfferableJob> jobs = new LinkedHashMap<>();
    Map<Long, GroupAssigner.OpenJob> open = openJobs(plan, now, jobs);
    List<HeldDevices.Held> snapshot = held.all();
    if (snapshot.isEmpty() || open.isEmpty() || plan.groups().isEmpty()) {
      next();
      return;
    }
    List<GroupAssigner.Device> devices = new ArrayList<>(snapshot.size());
    for (HeldDevices.Held h : snapshot) {
      devices.add(new GroupAssigner.Device(h.deviceId, h.attributes));
    }
    vertx.executeBlocking(() -> new GroupAssigner(plan.groups()).assign(devices, open), false)
        .onComplete(ar -> {
          if (ar.succeeded()) {
            answer(ar.result(), snapshot, jobs);
          } else {
            LOG.log(System.Logger.Level.ERROR, "small-batch plan " + plan.version() + " could not be applied", ar.cause());
          }
          next();
        });
  }

  /** The plan's rounds this instance can still offer, with what each still wants. */
  private Map<Long, GroupAssigner.OpenJob> openJobs(GroupPlan plan, long now, Map<Long, OfferableJob> jobs) {
    Map<Long, Integer> rounds = new HashMap<>();
    for (OfferableJob j : plan.snapshot().jobs()) {
      if (!offers.isFull(j.jobId(), j.round())) {
        jobs.put(j.jobId(), j);
        rounds.put(j.jobId(), j.round());
      }
    }
    Map<Long, Integer> inFlight = pending.counts(rounds, now);
    Map<Long, GroupAssigner.OpenJob> open = new HashMap<>();
    jobs.forEach((id, j) -> {
      int wanted = j.demand() - j.amount() - inFlight.getOrDefault(id, 0);
      if (wanted > 0) {
        open.put(id, new GroupAssigner.OpenJob(id, wanted, j.publicConstraints()));
      }
    });
    return open;
  }

  /** Back on the event loop: offers to the assigned devices that are still held as they were. */
  private void answer(List<GroupAssigner.Assignment> assignments, List<HeldDevices.Held> snapshot,
                      Map<Long, OfferableJob> jobs) {
    Map<String, HeldDevices.Held> asSeen = new HashMap<>();
    snapshot.forEach(h -> asSeen.put(h.deviceId, h));
    long now = clock.getAsLong();
    int assigned = 0;
    for (GroupAssigner.Assignment a : assignments) {
      HeldDevices.Held h = held.get(a.deviceId());
      if (h == null || h != asSeen.get(a.deviceId())) {
        continue; // gone, or checked in again with maybe other attributes, while the plan was matched
      }
      held.remove(h);
      OfferableJob job = jobs.get(a.jobId());
      Offer offer = maker.offer(h.deviceId, job, now);
      pending.add(h.deviceId, job.jobId(), job.round(), offer.expiresAtMs());
      h.answer.tryComplete(List.of(offer));
      assigned++;
    }
    metrics.batchAssigned(assigned);
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
