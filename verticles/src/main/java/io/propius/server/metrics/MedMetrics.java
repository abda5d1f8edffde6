package io.propius.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** The {@code med} policy's meters on a client manager: its solves, their gap, its fallbacks, the shards it gave. */
public final class MedMetrics {
  public static final String SOLVE = "propius.med.solve";
  public static final String GAP = "propius.med.gap";
  public static final String FALLBACKS = "propius.med.fallbacks";
  public static final String SHARDS = "propius.med.shards";
  public static final String DURATIONS = "propius.med.durations";
  public static final String SHARDS_RETURNED = "propius.med.shards.returned";
  public static final String RETRIES = "propius.med.retries";

  /** Why a data-work round was left to device-count scheduling. */
  public enum FallbackReason {
    /** MED proved the round cannot be served (deadline, shards, or capacity): for the rest of the round. */
    INFEASIBLE,
    /** The solve did not finish within its time limit: for this tick. */
    OVERRAN
  }

  private final Timer solve;
  private final DistributionSummary gap;
  private final EnumMap<FallbackReason, Counter> fallbacks = new EnumMap<>(FallbackReason.class);
  private final Counter shards;
  private final Counter durations;
  private final Counter shardsReturned;
  private final Counter retries;

  MedMetrics(MeterRegistry registry) {
    solve = Timer.builder(SOLVE).description("Wall time of a small-batch MED solve over the held devices")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    gap = DistributionSummary.builder(GAP).description("Relative optimality gap of the MED allocation used (0: proven)")
        .register(registry);
    for (FallbackReason r : FallbackReason.values()) {
      fallbacks.put(r, Counter.builder(FALLBACKS).description("Data-work rounds MED left to device-count scheduling")
          .tag("reason", r.name().toLowerCase(Locale.ROOT)).register(registry));
    }
    shards = Counter.builder(SHARDS).description("Shards MED assigned in offers to held devices").register(registry);
    durations = Counter.builder(DURATIONS)
        .description("Confirm-to-upload durations of MED tasks observed, for the per-class task durations")
        .register(registry);
    shardsReturned = Counter.builder(SHARDS_RETURNED)
        .description("Shards of MED offers that expired unaccepted, given back to their round to plan again")
        .register(registry);
    retries = Counter.builder(RETRIES)
        .description("Solves of a data-work round MED had found infeasible, tried again over other held devices")
        .register(registry);
  }

  public void solved(double millis, double relativeGap) {
    solve.record((long) (millis * 1e6), TimeUnit.NANOSECONDS);
    if (Double.isFinite(relativeGap)) {
      gap.record(relativeGap);
    }
  }

  public void fellBack(FallbackReason reason) {
    fallbacks.get(reason).increment();
  }

  public void shardsOffered(int n) {
    shards.increment(n);
  }

  public void shardsReturned(int n) {
    shardsReturned.increment(n);
  }

  public void retried() {
    retries.increment();
  }

  public void durationObserved() {
    durations.increment();
  }
}
