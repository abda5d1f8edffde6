package io.propius.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.propius.api.ErrorCode;
import io.propius.api.grpc.JobState;
import io.propius.api.token.TokenRejection;
import io.propius.policy.ScheduleTrigger;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The control plane's meters. Every tag takes its values from an enum, so the number of series
 * stays fixed whatever devices and jobs do; no job id, device id or path is ever a tag.
 */
public final class PropiusMetrics {
  /** How a check-in ended. */
  public enum CheckinResult { OFFERED, NO_OFFER }

  /** Why an accept bound nothing. */
  public enum RejectReason { FULL, CLOSED, UNKNOWN_JOB, OFFER_INVALID, OFFER_EXPIRED }

  /** What the store answered a small-batch offer claim for one device (the round's over-offer budget). */
  public enum ClaimOutcome { GRANTED, REFUSED }

  /** Why a held device (small-batch mode) was answered without an assignment. */
  public enum ReleaseReason { WAIT_ENDED, DISCONNECTED, SUPERSEDED, HOLD_FULL }

  /** The job API's transports. */
  public enum Transport { GRPC, WEBSOCKET }

  /** Calls the Redis job store makes (a Lua script or a read). */
  public enum StoreCall { REGISTER, READ, LIST, UPDATE, RESERVE, CLAIM_OFFERS, CLAIM_ROUND_PLAN, CONFIRM, EXPIRE_LEASES, PURGE, SET_SCORES, SCHEDULER_LEASE, CONNECT }

  /** How a store call ended: answered (rule rejections included), Redis unreachable, or an error reply. */
  public enum StoreOutcome { OK, UNAVAILABLE, ERROR }

  private final PrometheusMeterRegistry registry;
  private final MedMetrics med;
  private final EnumMap<CheckinResult, Counter> checkins = new EnumMap<>(CheckinResult.class);
  private final Counter offers;
  private final Counter bindings;
  private final Counter confirmations;
  private final Counter leasesExpired;
  private final EnumMap<RejectReason, Counter> rejected = new EnumMap<>(RejectReason.class);
  private final Timer roundFill;
  private final Map<JobState, AtomicLong> jobsByState = new EnumMap<>(JobState.class);
  private final Counter jobsRegistered;
  private final Counter jobsExpired;
  private final Map<String, LongSupplier> windows = new ConcurrentHashMap<>();
  private final EnumMap<ScheduleTrigger, Counter> schedulerRuns = new EnumMap<>(ScheduleTrigger.class);
  private final Timer schedulerRun;
  private final Counter watchEventsDropped;
  private final Map<String, Counter> jobApiCalls = new ConcurrentHashMap<>();
  private final Map<String, Counter> rateLimited = new HashMap<>();
  private final EnumMap<TokenRejection, Counter> tokensRejected = new EnumMap<>(TokenRejection.class);
  private final Map<String, Timer> storeCalls = new ConcurrentHashMap<>();
  private final EnumMap<StoreCall, DistributionSummary> storeBatchSizes = new EnumMap<>(StoreCall.class);
  private final Map<String, LongSupplier> held = new ConcurrentHashMap<>();
  private final Counter batchAssigned;
  private final EnumMap<ReleaseReason, Counter> batchReleased = new EnumMap<>(ReleaseReason.class);
  private final AtomicLong planGroups = new AtomicLong();
  private final EnumMap<ClaimOutcome, Counter> batchClaims = new EnumMap<>(ClaimOutcome.class);
  private final Counter plans;
  private final Counter plansRejected;
  private final AtomicLong schedulerLeader = new AtomicLong();
  private final Counter leaderGained;
  private final Counter busDropped;

  public PropiusMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    this.med = new MedMetrics(registry);
    for (String limit : new String[] {"device", "address", "tenant"}) {
      rateLimited.put(limit, Counter.builder("propius.rate.limited").description("Calls refused by a rate limit, by limit")
          .tag("limit", limit).register(registry));
    }
    for (TokenRejection r : TokenRejection.values()) {
      tokensRejected.put(r, Counter.builder("propius.tokens.rejected")
          .description("Offers and task tokens refused by the device API, by reason").tag("reason", tag(r))
          .register(registry));
    }
    for (CheckinResult r : CheckinResult.values()) {
      checkins.put(r, Counter.builder("propius.device.checkins").description("Device check-ins")
          .tag("result", tag(r)).register(registry));
    }
    for (StoreCall call : new StoreCall[] {StoreCall.RESERVE, StoreCall.CONFIRM}) {
      storeBatchSizes.put(call, DistributionSummary.builder("propius.store.batch.size")
          .description("Items per batched Redis script call").tag("call", tag(call))
          .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128).register(registry));
    }
    offers = Counter.builder("propius.device.offers").description("Offers handed to devices").register(registry);
    bindings = Counter.builder("propius.bindings").description("Devices bound to a round (slots reserved)")
        .register(registry);
    confirmations = Counter.builder("propius.bindings.confirmed").description("Bindings confirmed by their device")
        .register(registry);
    leasesExpired = Counter.builder("propius.leases.expired")
        .description("Bindings not confirmed in time whose slot was given back").register(registry);
    for (RejectReason r : RejectReason.values()) {
      rejected.put(r, Counter.builder("propius.accepts.rejected").description("Accepts that bound nothing")
          .tag("reason", tag(r)).register(registry));
    }
    roundFill = Timer.builder("propius.round.fill").description("Time from a round's request to its last binding")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(30)).register(registry);
    for (JobState s : new JobState[] {JobState.IDLE, JobState.REQUESTING, JobState.FILLED}) {
      AtomicLong count = new AtomicLong();
      jobsByState.put(s, count);
      Gauge.builder("propius.jobs", count, AtomicLong::get).description("Live jobs by state")
          .tag("state", tag(s)).register(registry);
    }
    jobsRegistered = Counter.builder("propius.jobs.registered").description("Jobs admitted").register(registry);
    jobsExpired = Counter.builder("propius.jobs.expired").description("Jobs expired for missing heartbeats")
        .register(registry);
    Gauge.builder("propius.window.devices", windows, w -> w.values().stream().mapToLong(LongSupplier::getAsLong).sum())
        .description("Devices in the client managers' sliding windows").register(registry);
    for (ScheduleTrigger t : ScheduleTrigger.values()) {
      schedulerRuns.put(t, Counter.builder("propius.scheduler.runs").description("Policy runs by trigger")
          .tag("trigger", tag(t)).register(registry));
    }
    schedulerRun = Timer.builder("propius.scheduler.run").description("Policy run time including store access")
        .publishPercentileHistogram().register(registry);
    Gauge.builder("propius.batch.held.devices", held, h -> h.values().stream().mapToLong(LongSupplier::getAsLong).sum())
        .description("Devices the client managers hold for the next small-batch plan").register(registry);
    batchAssigned = Counter.builder("propius.batch.assignments")
        .description("Held devices assigned to a job by a small-batch plan").register(registry);
    for (ReleaseReason r : ReleaseReason.values()) {
      batchReleased.put(r, Counter.builder("propius.batch.released")
          .description("Held devices answered without an assignment").tag("reason", tag(r)).register(registry));
    }
    for (ClaimOutcome o : ClaimOutcome.values()) {
      batchClaims.put(o, Counter.builder("propius.batch.offer.claims")
          .description("Small-batch offers asked of the store, by whether the round's over-offer budget had room")
          .tag("outcome", tag(o)).register(registry));
    }
    Gauge.builder("propius.batch.plan.groups", planGroups, AtomicLong::get)
        .description("Job groups in the latest small-batch plan").register(registry);
    plans = Counter.builder("propius.batch.plans").description("Small-batch plans published").register(registry);
    plansRejected = Counter.builder("propius.batch.plans.rejected")
        .description("Small-batch plans dropped because the policy failed or gave a bad group query").register(registry);
    Gauge.builder("propius.scheduler.leader", schedulerLeader, AtomicLong::get)
        .description("1 on the node whose scheduler decides now (holds the scheduler lease)").register(registry);
    leaderGained = Counter.builder("propius.scheduler.leader.acquired")
        .description("Times this node's scheduler took the lease (summed over nodes: leader changes)").register(registry);
    busDropped = Counter.builder("propius.bus.messages.dropped")
        .description("Event-bus messages dropped because they did not decode (a node of another version)")
        .register(registry);
    watchEventsDropped = Counter.builder("propius.watch.events.dropped")
        .description("Device-level watch events dropped because a watcher could not keep up").register(registry);
  }

  private static String tag(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** The {@code med} policy's meters. */
  public MedMetrics med() {
    return med;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public MeterRegistry meterRegistry() {
    return registry;
  }

  /** Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  public void checkin(CheckinResult result, int offerCount) {
    checkins.get(result).increment();
    offers.increment(offerCount);
  }

  public void bound() {
    bindings.increment();
  }

  public void confirmed() {
    confirmations.increment();
  }

  public void leaseExpired() {
    leasesExpired.increment();
  }

  /**
   * A call refused by a rate limit: {@code limit} is {@code device} or {@code address} (check-ins),
   * {@code tenant} (job API calls). Uploads refused per token are an upload outcome of the data plane.
   */
  public void rateLimited(String limit) {
    rateLimited.get(limit).increment();
  }

  /** An offer or a task token the device API refused. */
  public void tokenRejected(TokenRejection reason) {
    tokensRejected.get(reason).increment();
  }

  public void rejected(RejectReason reason) {
    rejected.get(reason).increment();
  }

  public void roundFilled(long millis) {
    roundFill.record(Duration.ofMillis(Math.max(0, millis)));
  }

  public void jobRegistered() {
    jobsRegistered.increment();
  }

  public void jobExpired() {
    jobsExpired.increment();
  }

  /** Live jobs per state as of the scheduler's latest read of the store. */
  public void jobStates(Map<JobState, Long> counts) {
    jobsByState.forEach((state, gauge) -> gauge.set(counts.getOrDefault(state, 0L)));
  }

  /** A client manager instance's window size, read at scrape time. */
  public void window(String instance, LongSupplier size) {
    windows.put(instance, size);
  }

  public void removeWindow(String instance) {
    windows.remove(instance);
  }

  public void schedulerRun(ScheduleTrigger trigger, long nanos) {
    schedulerRuns.get(trigger).increment();
    schedulerRun.record(Duration.ofNanos(nanos));
  }

  public void watchEventDropped() {
    watchEventsDropped.increment();
  }

  /** One job API call by method (the fixed set of RPC names) and outcome. */
  public void jobApiCall(Transport transport, String method, ErrorCode error) {
    String outcome = error == null ? "ok" : tag(error);
    jobApiCalls.computeIfAbsent(tag(transport) + '/' + method + '/' + outcome, k -> Counter.builder("propius.job.api.calls")
        .description("Job API calls").tag("transport", tag(transport)).tag("method", method).tag("outcome", outcome)
        .register(registry)).increment();
  }

  /** One call of the Redis job store, by kind and outcome. */
  public void storeCall(StoreCall call, StoreOutcome outcome, long nanos) {
    storeCalls.computeIfAbsent(tag(call) + '/' + tag(outcome), k -> Timer.builder("propius.store.calls")
        .description("Redis job store calls").tag("call", tag(call)).tag("outcome", tag(outcome))
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(50_000))
        .maximumExpectedValue(Duration.ofSeconds(5)).register(registry)).record(Duration.ofNanos(nanos));
  }

  /** Items per script call of a batched store call: {@link StoreCall#RESERVE} or {@link StoreCall#CONFIRM}. */
  public DistributionSummary storeBatchSize(StoreCall call) {
    DistributionSummary sizes = storeBatchSizes.get(call);
    if (sizes == null) {
      throw new IllegalArgumentException("store call " + call + " is not batched");
    }
    return sizes;
  }

  /** A client manager instance's held devices (small-batch mode), read at scrape time. */
  public void held(String instance, LongSupplier count) {
    held.put(instance, count);
  }

  public void removeHeld(String instance) {
    held.remove(instance);
  }

  public void batchAssigned(int devices) {
    batchAssigned.increment(devices);
  }

  /** A claim of small-batch offers: this many granted, this many refused for want of room. */
  public void batchClaimed(int granted, int refused) {
    batchClaims.get(ClaimOutcome.GRANTED).increment(granted);
    batchClaims.get(ClaimOutcome.REFUSED).increment(refused);
  }

  public void batchReleased(ReleaseReason reason) {
    batchReleased.get(reason).increment();
  }

  /** A small-batch plan with this many job groups was published. */
  public void plan(int groups) {
    plans.increment();
    planGroups.set(groups);
  }

  public void schedulerLeader(boolean leader) {
    if (leader && schedulerLeader.getAndSet(1) == 0) {
      leaderGained.increment();
    } else if (!leader) {
      schedulerLeader.set(0);
    }
  }

  /** Members of the cluster this node sees, read at scrape time (1 outside cluster mode). */
  public void clusterMembers(LongSupplier members) {
    Gauge.builder("propius.cluster.members", members, LongSupplier::getAsLong).strongReference(true)
        .description("Members of the cluster as this node sees them").register(registry);
  }

  /** A message from another node that did not decode was dropped. */
  public void busMessageDropped() {
    busDropped.increment();
  }

  public void planRejected() {
    plansRejected.increment();
  }

  /** An operator switched the scheduling policy (tagged by the new policy's name: a handful of plug-ins). */
  public void policySwitched(String policy) {
    Counter.builder("propius.policy.switches").description("Scheduling policy switches by an operator, by new policy")
        .tag("policy", policy).register(registry).increment();
  }
}
