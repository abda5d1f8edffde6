package io.propius.server.config;

import java.util.LinkedHashMap;
import java.util.Map;

/** The scheduling layer: which policy, in which mode, and how often it runs. */
public final class SchedulerOptions {
  /** Scheduling mode names (paper §3.2). */
  public static final String ONLINE = "online";
  public static final String SMALL_BATCH = "small-batch";

  /**
   * {@value #ONLINE}: the policy sets scores and check-ins are answered at once; {@value #SMALL_BATCH}:
   * client managers hold checked-in devices and assign them to the policy's job groups on each run.
   */
  private String mode = ONLINE;
  /** Name of a {@link io.propius.policy.SchedulingPolicy} on the class path. */
  private String policy = "fifo";
  /** The policy's own settings, passed as strings. */
  private Map<String, String> policyOptions = new LinkedHashMap<>();
  /** Periodic run, in addition to runs on job events. */
  private long tickMs = 1_000;
  /** Events arriving closer together than this are handled by one run. */
  private long coalesceMs = 5;
  /**
   * Cluster mode: how long decisions may pause when the active scheduler's node dies before a
   * scheduler on another node takes over (the lease lasts a little less).
   */
  private long failoverMs = 5_000;
  /** Seed for policies that draw random numbers; 0 means from the clock. */
  private long seed = 0;

  public String getMode() {
    return mode;
  }

  public SchedulerOptions setMode(String mode) {
    this.mode = mode;
    return this;
  }

  public boolean isSmallBatch() {
    return SMALL_BATCH.equals(mode);
  }

  public String getPolicy() {
    return policy;
  }

  public SchedulerOptions setPolicy(String policy) {
    this.policy = policy;
    return this;
  }

  public Map<String, String> getPolicyOptions() {
    return policyOptions;
  }

  public SchedulerOptions setPolicyOptions(Map<String, String> policyOptions) {
    this.policyOptions = policyOptions;
    return this;
  }

  public long getTickMs() {
    return tickMs;
  }

  public SchedulerOptions setTickMs(long tickMs) {
    this.tickMs = tickMs;
    return this;
  }

  public long getCoalesceMs() {
    return coalesceMs;
  }

  public SchedulerOptions setCoalesceMs(long coalesceMs) {
    this.coalesceMs = coalesceMs;
    return this;
  }

  public long getFailoverMs() {
    return failoverMs;
  }

  public SchedulerOptions setFailoverMs(long failoverMs) {
    this.failoverMs = failoverMs;
    return this;
  }

  public long getSeed() {
    return seed;
  }

  public SchedulerOptions setSeed(long seed) {
    this.seed = seed;
    return this;
  }

  void validate() {
    if (policy == null || policy.isBlank()) {
      throw new IllegalArgumentException("scheduler.policy must name a policy");
    }
    if (!ONLINE.equals(mode) && !SMALL_BATCH.equals(mode)) {
      throw new IllegalArgumentException("scheduler.mode must be '" + ONLINE + "' or '" + SMALL_BATCH + "', got '"
          + mode + "'");
    }
    Checks.positive("scheduler.tickMs", tickMs);
    if (failoverMs < 500) {
      throw new IllegalArgumentException("scheduler.failoverMs must be >= 500, got " + failoverMs);
    }
    if (coalesceMs < 0) {
      throw new IllegalArgumentException("scheduler.coalesceMs must be >= 0, got " + coalesceMs);
    }
  }
}
