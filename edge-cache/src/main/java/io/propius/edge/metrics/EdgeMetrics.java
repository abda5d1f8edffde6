package io.propius.edge.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.propius.api.ErrorCode;
import io.propius.api.token.TokenRejection;
import io.propius.edge.aggregate.Journal;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The data plane's meters, all prefixed {@code propius.edge}. Every tag takes its values from an
 * enum, plus the node's role: no job, round, device or node id is ever a tag.
 */
public final class EdgeMetrics {
  /** Whether a plan request was answered from the node's cache. */
  public enum CacheResult { HIT, MISS }

  /** Why a cached plan left the cache. */
  public enum Eviction { SIZE, TTL }

  /** Who asked for a plan: a device or a child node. */
  public enum Requester { DEVICE, NODE }

  /** How a result upload ended. */
  public enum UploadOutcome {
    ACCEPTED, DUPLICATE, UNAUTHENTICATED, FORBIDDEN, INVALID, NON_FINITE, TOO_LARGE, NOT_FOUND, CLOSED, STALE,
    UNAVAILABLE, RATE_LIMITED, FAILED
  }

  /** How a partial-aggregate push to the parent ended. */
  public enum PushOutcome { OK, FAILED }

  /** Why the root refused a job call (publish, round spec, aggregate). */
  public enum JobRefusal { UNAUTHENTICATED, FORBIDDEN, UNKNOWN_JOB }

  private final MeterRegistry registry;
  private final String role;
  private final EnumMap<CacheResult, Counter> cache;
  private final EnumMap<Eviction, Counter> evictions;
  private final EnumMap<Requester, Counter> planRequests;
  private final EnumMap<UploadOutcome, Counter> uploads;
  private final EnumMap<PushOutcome, Counter> pushes;
  private final EnumMap<JobRefusal, Counter> jobRefusals;
  private final EnumMap<TokenRejection, Counter> tokensRejected;
  private final Counter bytesServed;
  private final Counter upstreamPlanFetches;
  private final Counter partialsMerged;
  private final Counter roundsRetired;
  private final Timer aggregation;
  private final Timer journalCommit;
  private final Timer journalCommitHeld;
  private final DistributionSummary commitUploads;

  public EdgeMetrics(MeterRegistry registry, String role) {
    this.registry = registry;
    this.role = role.toLowerCase(Locale.ROOT);
    cache = counters(CacheResult.class, "propius.edge.cache.requests", "Plan requests by cache outcome", "result");
    evictions = counters(Eviction.class, "propius.edge.cache.evictions", "Plans dropped from the cache", "cause");
    planRequests = counters(Requester.class, "propius.edge.plan.requests", "Plan requests served", "from");
    uploads = counters(UploadOutcome.class, "propius.edge.uploads", "Device result uploads by outcome", "outcome");
    pushes = counters(PushOutcome.class, "propius.edge.partial.pushes", "Partial aggregates pushed to the parent", "outcome");
    jobRefusals = counters(JobRefusal.class, "propius.edge.job.calls.refused", "Job calls refused at the root", "reason");
    tokensRejected = counters(TokenRejection.class, "propius.edge.tokens.rejected",
        "Task tokens and node credentials refused, by reason", "reason");
    bytesServed = Counter.builder("propius.edge.plan.bytes.served").description("Plan bytes sent")
        .baseUnit("bytes").tag("role", this.role).register(registry);
    upstreamPlanFetches = Counter.builder("propius.edge.upstream.plan.fetches")
        .description("Plans fetched from the parent").tag("role", this.role).register(registry);
    partialsMerged = Counter.builder("propius.edge.partials.received")
        .description("Partial aggregates received from child nodes").tag("role", this.role).register(registry);
    roundsRetired = Counter.builder("propius.edge.rounds.retired")
        .description("Rounds forgotten after their retention period").tag("role", this.role).register(registry);
    aggregation = Timer.builder("propius.edge.aggregation")
        .description("Time from an upload's first byte to its contribution being journaled and folded")
        .tag("role", this.role).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(1)).register(registry);
    // What a journaled node's acknowledgements wait for, and how well group commit amortizes it.
    journalCommit = Timer.builder("propius.edge.journal.commit")
        .description("Time from handing a group commit of uploads to the journal until they are answered")
        .tag("role", this.role).publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(50_000))
        .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    journalCommitHeld = Timer.builder("propius.edge.journal.commit.held")
        .description("Time a group commit that could start waited for uploads already arriving"
            + " (dataPlane.journalGroupCommitWaitMicros)")
        .tag("role", this.role).publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
        .maximumExpectedValue(Duration.ofSeconds(1)).register(registry);
    commitUploads = DistributionSummary.builder("propius.edge.journal.commit.uploads")
        .description("Device uploads journaled by one group commit").tag("role", this.role)
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024).register(registry);
  }

  /** One counter per value of {@code type}, tagged {@code tag=<value in lower case>}. */
  private <E extends Enum<E>> EnumMap<E, Counter> counters(Class<E> type, String name, String description, String tag) {
    EnumMap<E, Counter> counters = new EnumMap<>(type);
    for (E value : type.getEnumConstants()) {
      counters.put(value, Counter.builder(name).description(description)
          .tag(tag, value.name().toLowerCase(Locale.ROOT)).tag("role", role).register(registry));
    }
    return counters;
  }

  /** Registers the gauge of cached plan bytes. */
  public void cacheBytes(LongSupplier bytes) {
    // Held strongly: the registry would otherwise keep only a weak reference to the lambda.
    Gauge.builder("propius.edge.cache.bytes", bytes, LongSupplier::getAsLong).description("Bytes of cached plans")
        .baseUnit("bytes").tag("role", role).strongReference(true).register(registry);
  }

  /** Registers the gauges of rounds held and the journal's size and compactions. */
  public void state(IntSupplier rounds, Journal journal) {
    Gauge.builder("propius.edge.rounds", rounds, IntSupplier::getAsInt)
        .description("Rounds held (not yet retired)").tag("role", role).strongReference(true).register(registry);
    // The journal lives as long as the node: held weakly by the registry, it stays reachable.
    Gauge.builder("propius.edge.journal.bytes", journal, j -> j.bytes())
        .description("Size of the journal file").baseUnit("bytes").tag("role", role).register(registry);
    FunctionCounter.builder("propius.edge.journal.compactions", journal,
        j -> j.compactions()).description("Journal compactions").tag("role", role).register(registry);
  }

  /**
   * Registers the info gauge of the float32 fold in use: 1, tagged {@code fold=vector} or
   * {@code fold=scalar} (see {@code Float32Fold}), so a dashboard shows which JVMs run the vector one.
   */
  public void float32Fold(String fold) {
    Gauge.builder("propius.edge.float32.fold", () -> 1).description("The float32 fold in use (tag fold), always 1")
        .tag("fold", fold).tag("role", role).strongReference(true).register(registry);
  }

  /** A task token or a child's node credential this node refused. */
  public void tokenRejected(TokenRejection reason) {
    tokensRejected.get(reason).increment();
  }

  public void roundRetired() {
    roundsRetired.increment();
  }

  public void cache(CacheResult result) {
    cache.get(result).increment();
  }

  public void evicted(Eviction why) {
    evictions.get(why).increment();
  }

  public void planServed(Requester from, long bytes) {
    planRequests.get(from).increment();
    bytesServed.increment(bytes);
  }

  public void upload(UploadOutcome outcome) {
    uploads.get(outcome).increment();
  }

  public void aggregated(long nanos) {
    aggregation.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A group commit of {@code uploads} device contributions took {@code nanos}, written or not. */
  public void journalCommitted(long nanos, int uploads) {
    journalCommit.record(nanos, TimeUnit.NANOSECONDS);
    commitUploads.record(uploads);
  }

  /** A group commit waited {@code nanos} for uploads being received before it started. */
  public void journalCommitHeld(long nanos) {
    journalCommitHeld.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void pushed(PushOutcome outcome) {
    pushes.get(outcome).increment();
  }

  /** Counts a job call refused with {@code code}; other failures (bad input, store down) are not refusals. */
  public void jobCallRefused(ErrorCode code) {
    JobRefusal why = switch (code) {
      case UNAUTHENTICATED -> JobRefusal.UNAUTHENTICATED;
      case PERMISSION_DENIED -> JobRefusal.FORBIDDEN;
      case NOT_FOUND -> JobRefusal.UNKNOWN_JOB;
      default -> null;
    };
    if (why != null) {
      jobRefusals.get(why).increment();
    }
  }

  public long jobCallsRefused(JobRefusal why) {
    return (long) jobRefusals.get(why).count();
  }

  public void upstreamPlanFetch() {
    upstreamPlanFetches.increment();
  }

  public void partialReceived() {
    partialsMerged.increment();
  }

  /** Plan requests served to a kind of requester so far (tests, dashboards). */
  public long planRequests(Requester from) {
    return (long) planRequests.get(from).count();
  }

  public long evictions(Eviction why) {
    return (long) evictions.get(why).count();
  }

  public long cacheCount(CacheResult result) {
    return (long) cache.get(result).count();
  }

  public long uploads(UploadOutcome outcome) {
    return (long) uploads.get(outcome).count();
  }

  public long upstreamPlanFetches() {
    return (long) upstreamPlanFetches.count();
  }

  public long pushes(PushOutcome outcome) {
    return (long) pushes.get(outcome).count();
  }
}
