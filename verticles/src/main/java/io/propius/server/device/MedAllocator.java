package io.propius.server.device;

import io.propius.api.device.Offer;
import io.propius.policy.Policies;
import io.propius.policy.PolicyContext;
import io.propius.policy.SchedulingPolicy;
import io.propius.policy.med.MedPolicy;
import io.propius.policy.med.plan.DataWork;
import io.propius.policy.med.plan.MedPlan;
import io.propius.policy.med.plan.MedPlanner;
import io.propius.server.bus.GroupPlan;
import io.propius.server.bus.ScheduleSnapshot.OfferableJob;
import io.propius.server.metrics.MedMetrics;
import io.propius.server.metrics.MedMetrics.FallbackReason;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * A client manager's side of the {@code med} policy: before a plan's groups are applied, the
 * data-work rounds get held devices with shard counts from a MED solve (on a worker thread) of
 * this instance's own {@link MedPolicy}, made from the plan's allocator name and options (remade
 * when an operator switches them). The scheduler names one instance per data-work round (the plan's
 * {@link GroupPlan.Allocator#solvers()}), and the store's round-plan claim makes the first instance
 * that hands the round out its only planner, whatever a later scheduler leader names; the others
 * offer that round nothing. On its instance a round's shards are planned by MED once: after its
 * offers are handed out it takes no more devices, except that the shards of an offer that expired
 * unaccepted go back to the round, and a later plan gives them to the then-held devices. A round MED
 * proves it cannot serve is left to the groups, by device count (logged and counted once), and solved
 * again at most once every {@value #RETRY_EVERY_PLANS} plans while other devices are held. A solve
 * that overruns its limit leaves every round to the groups for that tick only.
 *
 * <p>Task durations: this instance remembers the class and shards of each device it offered MED
 * shards to. Its task's confirm ({@code DEVICE_CONFIRMED} on the job events) and its first counted
 * upload ({@link io.propius.server.bus.Addresses#TASK_UPLOADED}, from the data-plane root) both
 * arrive on the event bus, which spans every node in cluster mode, so whichever node the device
 * confirmed through, the instance that made the offer sees the confirm-to-upload time. That is the
 * simplest design that needs nothing shared but the bus: the offering instance is the only one that
 * knows the class and shards, and it is also the one that solves the round's next MED problems. The
 * observations are handed to the policy on the solve's worker thread, so the policy is only ever
 * touched by one thread at a time. Confined to its client manager's event loop, except the solve.
 */
final class MedAllocator {
  private static final System.Logger LOG = System.getLogger(MedAllocator.class.getName());

  private final Vertx vertx;
  private final LongSupplier clock;
  private final MedMetrics metrics;
  private final String instanceId;
  /** How long after its expiry an offer may still turn into a binding (accepted just before it expired). */
  private final long returnAfterMs;
  private String policyName;
  private Map<String, String> options;
  /** Made and used on the worker running a plan's solve; plans run one at a time. */
  private MedPolicy policy;
  /** Rounds ("job/round") MED has handed out (or another instance plans), among the plan's open rounds. */
  private final Set<String> served = new HashSet<>();
  /** Rounds whose plan this instance claimed in the store: it plans them whichever instance the scheduler names. */
  private final Set<String> claimed = new HashSet<>();
  /** Of the rounds handed out here, the shards given back by unaccepted offers, to plan again. */
  private final Map<String, Integer> returned = new HashMap<>();
  /** MED offers handed out here and not bound yet ("job/round/device"). */
  private final Map<String, Offered> outstanding = new HashMap<>();
  /** Rounds MED found infeasible: the held devices then (a fingerprint of their ids) and the plan number. */
  private final Map<String, GaveUp> givenUp = new HashMap<>();
  private long plans;
  static final int RETRY_EVERY_PLANS = 10;

  private record Offered(int shards, long expiresAt) {
  }

  private record GaveUp(int heldFingerprint, long atPlan) {
  }

  /** A MED task handed out here ("job/round/device"), with its confirm time once confirmed (0 before). */
  private record Started(String deviceClass, int shards, DataWork work, long confirmedAt) {
  }

  /** A finished task's duration, for the policy at its next solve. */
  private record Observation(String deviceClass, int shards, DataWork work, double seconds) {
  }

  /** Tasks whose upload is awaited; bounded, the oldest forgotten first (a device that never uploads). */
  private final Map<String, Started> started = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Started> eldest) {
      return size() > MAX_TRACKED;
    }
  };
  private List<Observation> observed = new ArrayList<>();
  static final int MAX_TRACKED = 100_000;

  /**
   * @param instanceId this client manager instance, as it reports itself to the scheduler
   * @param offerTtlMs how long an offer is valid; an unaccepted offer's shards go back to its round
   *     one more such time after it expired, so an accept verified just before the expiry is bound by then
   */
  MedAllocator(Vertx vertx, LongSupplier clock, MedMetrics metrics, String instanceId, long offerTtlMs) {
    this.instanceId = instanceId;
    this.returnAfterMs = offerTtlMs;
    this.vertx = vertx;
    this.clock = clock;
    this.metrics = metrics;
  }

  private static String key(long jobId, int round) {
    return jobId + "/" + round;
  }

  /** This instance's MED policy for the plan's allocator; null when the plan has none (or it cannot be made). */
  private MedPolicy policy(GroupPlan.Allocator allocator) {
    if (allocator == null) {
      return null;
    }
    if (!allocator.policy().equals(policyName) || !allocator.options().equals(options)) {
      policyName = allocator.policy();
      options = allocator.options();
      policy = null;
      try {
        SchedulingPolicy p = Policies.load(allocator.policy(), MedAllocator.class.getClassLoader());
        p.init(new PolicyContext(clock, 0, allocator.options()));
        policy = p instanceof MedPolicy m ? m : null;
      } catch (IllegalArgumentException e) {
        LOG.log(System.Logger.Level.ERROR, "policy '" + allocator.policy() + "' cannot allocate data work here; "
            + "every round is scheduled by device count: " + e.getMessage());
      }
    }
    return policy;
  }

  /**
   * Whether the groups may offer this round devices here: not when MED handed out its shards here,
   * nor when it is a data-work round another instance solves MED for.
   */
  boolean byCount(GroupPlan plan, OfferableJob job) {
    if (served.contains(key(job.jobId(), job.round()))) {
      return false;
    }
    return plan.allocator() == null || job.dataWork() == null || solvesHere(plan, job.jobId());
  }

  private boolean solvesHere(GroupPlan plan, long jobId) {
    return instanceId.equals(plan.allocator().solvers().get(jobId));
  }

  /** This instance plans the round's data work (the store said so), even if a later scheduler names another. */
  void plansHere(OfferableJob job) {
    claimed.add(key(job.jobId(), job.round()));
  }

  /** Another instance plans this round's data work (the store said so): it gets nothing here. */
  void plannedElsewhere(OfferableJob job) {
    served.add(key(job.jobId(), job.round()));
  }

  /** The round's shards went out in offers to these devices (device → shards), valid until {@code expiresAt}. */
  void handedOut(OfferableJob job, Map<String, Integer> shards, List<HeldDevices.Held> devices, long expiresAt) {
    String round = key(job.jobId(), job.round());
    served.add(round);
    int sum = shards.values().stream().mapToInt(Integer::intValue).sum();
    returned.computeIfPresent(round, (k, left) -> left > sum ? left - sum : null);
    metrics.shardsOffered(sum);
    for (HeldDevices.Held h : devices) {
      String task = round + "/" + h.deviceId;
      // A device offered this round again replaces its earlier offer here; as it binds once, the
      // earlier offer's shards are then not given back (fewer shards trained, never more).
      outstanding.put(task, new Offered(shards.get(h.deviceId), expiresAt));
      if (policy != null) {
        started.put(task, new Started(policy.deviceClass(h.attributes), shards.get(h.deviceId), job.dataWork(), 0));
      }
    }
  }

  /** A device bound to a round (through any instance): if it was a MED offer of this instance, its shards are taken. */
  void bound(long jobId, int round, String deviceId) {
    outstanding.remove(key(jobId, round) + "/" + deviceId);
  }

  /** The shards of offers that can no longer be accepted go back to their rounds. */
  private void reclaim(long now) {
    var it = outstanding.entrySet().iterator();
    while (it.hasNext()) {
      var e = it.next();
      if (e.getValue().expiresAt() + returnAfterMs <= now) {
        String task = e.getKey();
        returned.merge(task.substring(0, task.lastIndexOf('/')), e.getValue().shards(), Integer::sum);
        metrics.shardsReturned(e.getValue().shards());
        it.remove();
      }
    }
  }

  /**
   * A device confirmed its task (through any instance); the duration is learned for the shards it
   * said it trains (at most those offered, checked at the confirm), else for those offered.
   */
  void confirmed(long jobId, int round, String deviceId, long atMs, int trainedShards) {
    started.computeIfPresent(jobId + "/" + round + "/" + deviceId, (k, s) -> s.confirmedAt() != 0 ? s
        : new Started(s.deviceClass(), trainedShards > 0 ? Math.min(trainedShards, s.shards()) : s.shards(), s.work(),
            atMs));
  }

  /** A device's task result was counted at the data-plane root: its duration is learned at the next solve. */
  void uploaded(long jobId, int round, String deviceId, long atMs) {
    Started s = started.get(jobId + "/" + round + "/" + deviceId);
    if (s == null || s.confirmedAt() == 0 || atMs <= s.confirmedAt()) {
      return;
    }
    started.remove(jobId + "/" + round + "/" + deviceId);
    metrics.durationObserved();
    if (observed.size() < MAX_TRACKED) {
      observed.add(new Observation(s.deviceClass(), s.shards(), s.work(), (atMs - s.confirmedAt()) / 1000.0));
    }
  }

  /**
   * Solves this tick's MED problem over the held devices (oldest first) and the plan's data-work
   * rounds that are open here ({@code open}); empty when the plan has no allocator or no such round.
   */
  Future<MedPlan> plan(GroupPlan plan, Set<Long> open, List<HeldDevices.Held> held) {
    forget(plan);
    reclaim(clock.getAsLong());
    plans++;
    int fingerprint = held.stream().map(h -> h.deviceId).collect(Collectors.toSet()).hashCode();
    List<MedPlanner.Round> rounds = new ArrayList<>();
    for (OfferableJob j : plan.snapshot().jobs()) {
      if (j.dataWork() == null || !open.contains(j.jobId())) {
        continue;
      }
      String key = key(j.jobId(), j.round());
      int left = returned.getOrDefault(key, 0);
      DataWork w = j.dataWork();
      if (left > 0 && mayTry(key, fingerprint)) {
        rounds.add(new MedPlanner.Round(j.jobId(), new DataWork(left, w.shardBytes(), w.modelBytes(), w.deadlineMs())));
      } else if ((claimed.contains(key) || solvesHere(plan, j.jobId())) && !served.contains(key)
          && mayTry(key, fingerprint)) {
        rounds.add(new MedPlanner.Round(j.jobId(), w));
      }
    }
    MedPlan none = new MedPlan(Map.of(), List.of(), 0, 0, false);
    if (plan.allocator() == null || rounds.isEmpty() || held.isEmpty()) {
      return Future.succeededFuture(none);
    }
    List<MedPolicy.HeldDevice> devices = new ArrayList<>(held.size());
    held.forEach(h -> devices.add(new MedPolicy.HeldDevice(h.deviceId, h.attributes)));
    List<Observation> learned = observed;
    observed = new ArrayList<>();
    // On the worker too: making the policy loads classes, and its solve takes up to solveMs.
    return vertx.executeBlocking(() -> {
      MedPolicy med = policy(plan.allocator());
      if (med == null) {
        return none;
      }
      for (Observation o : learned) {
        med.observe(o.deviceClass(), o.shards(), o.work().shardBytes(), o.work().modelBytes(), o.seconds());
      }
      return med.allocate(devices, rounds);
    }, false).onSuccess(p -> {
      if (p != none) {
        account(plan, p, fingerprint);
      }
    });
  }

  /** Whether a round is solved this plan: not given up, or given up long enough ago over other devices. */
  private boolean mayTry(String key, int heldFingerprint) {
    GaveUp g = givenUp.get(key);
    if (g == null) {
      return true;
    }
    if (plans - g.atPlan() < RETRY_EVERY_PLANS || g.heldFingerprint() == heldFingerprint) {
      return false;
    }
    metrics.retried();
    return true;
  }

  private void account(GroupPlan plan, MedPlan p, int heldFingerprint) {
    metrics.solved(p.solveMs(), p.gap());
    if (p.overran()) {
      metrics.fellBack(FallbackReason.OVERRAN);
      LOG.log(System.Logger.Level.WARNING, "the MED solve of plan " + plan.version() + " did not finish in time ("
          + Math.round(p.solveMs()) + " ms); its rounds are scheduled by device count this tick");
      return;
    }
    Map<Long, Integer> rounds = new LinkedHashMap<>();
    plan.snapshot().jobs().forEach(j -> rounds.put(j.jobId(), j.round()));
    for (MedPlan.Fallback f : p.fallbacks()) {
      if (givenUp.put(key(f.jobId(), rounds.get(f.jobId())), new GaveUp(heldFingerprint, plans)) == null) {
        metrics.fellBack(FallbackReason.INFEASIBLE);
        LOG.log(System.Logger.Level.WARNING, "round " + rounds.get(f.jobId()) + " of job " + f.jobId()
            + " declares data work MED cannot serve; it is scheduled by device count: " + f.reason());
      }
    }
  }

  /** Rounds no longer open in the plan leave the bookkeeping. */
  private void forget(GroupPlan plan) {
    Set<String> open = new HashSet<>();
    plan.snapshot().jobs().forEach(j -> open.add(key(j.jobId(), j.round())));
    served.retainAll(open);
    claimed.retainAll(open);
    returned.keySet().retainAll(open);
    givenUp.keySet().retainAll(open);
    outstanding.keySet().removeIf(task -> !open.contains(task.substring(0, task.lastIndexOf('/'))));
  }

  /** What a device of this round is asked to train. */
  static Offer.Work work(DataWork w, int shards) {
    return new Offer.Work(shards, w.shardBytes(), w.modelBytes(), w.deadlineMs());
  }

  /**
   * The round's shards over the devices that actually get an offer: each keeps its own, and the
   * shards of devices that left or that the store refused are spread evenly over them, so the
   * round's offers still add up to what MED planned (its declared total).
   *
   * @param planned  device → shards, as MED planned the round
   * @param delivered the planned devices that get an offer, non-empty
   */
  static Map<String, Integer> fold(Map<String, Integer> planned, List<String> delivered) {
    long total = planned.values().stream().mapToLong(Integer::longValue).sum();
    long kept = delivered.stream().mapToLong(planned::get).sum();
    long missing = total - kept;
    long each = missing / delivered.size();
    long extra = missing % delivered.size();
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < delivered.size(); i++) {
      String d = delivered.get(i);
      out.put(d, (int) (planned.get(d) + each + (i < extra ? 1 : 0)));
    }
    return out;
  }
}
