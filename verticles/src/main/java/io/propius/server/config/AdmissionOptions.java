package io.propius.server.config;

import io.propius.server.store.AdmissionLimits;
import io.propius.server.store.RoundQuota;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Admission control limits (paper §3.1): global ones, and per tenant ({@code tenants.<name>.*},
 * each defaulting to its global counterpart), checked at registration and when a round opens.
 */
public final class AdmissionOptions {
  /** Most devices one job may ask for in a round (its est_demand and every request). */
  private int maxDemandPerRound = 10_000;
  /** Most rounds one job may declare. */
  private int maxTotalRounds = 100_000;
  /** Most jobs alive at once. */
  private int maxActiveJobs = 1_000;
  /** Most devices per round summed over all live jobs' est_demand. */
  private long maxActiveDemand = 1_000_000;
  /** Most devices per round summed over one tenant's live jobs' est_demand. */
  private long maxActiveDemandPerTenant = 200_000;
  /** Tenant name → its quotas; a tenant not listed (or a quota left 0) gets the global value. */
  private Map<String, TenantQuota> tenants = new LinkedHashMap<>();

  /** One tenant's quotas; 0 means the global default. */
  public static final class TenantQuota {
    /** Live jobs at once (default: maxActiveJobs). */
    private int maxLiveJobs;
    /** Devices one round of one job may ask for (default: maxDemandPerRound). */
    private int maxDemandPerRound;
    /** Devices asked for at once, summed over the tenant's open rounds (default: maxActiveDemandPerTenant). */
    private long maxOpenDemand;

    public TenantQuota() {
    }

    public TenantQuota(int maxLiveJobs, int maxDemandPerRound, long maxOpenDemand) {
      this.maxLiveJobs = maxLiveJobs;
      this.maxDemandPerRound = maxDemandPerRound;
      this.maxOpenDemand = maxOpenDemand;
    }
  }

  public Map<String, TenantQuota> getTenants() {
    return tenants;
  }

  public AdmissionOptions setTenants(Map<String, TenantQuota> tenants) {
    this.tenants = tenants;
    return this;
  }

  private TenantQuota quota(String tenant) {
    TenantQuota q = tenants.get(tenant);
    return q != null ? q : new TenantQuota();
  }

  /** Devices one round may ask for, for this tenant. */
  public int maxDemandPerRound(String tenant) {
    TenantQuota q = quota(tenant);
    return q.maxDemandPerRound > 0 ? q.maxDemandPerRound : maxDemandPerRound;
  }

  /** What the store checks atomically when this tenant registers a job. */
  public AdmissionLimits limitsFor(String tenant) {
    TenantQuota q = quota(tenant);
    return new AdmissionLimits(maxActiveJobs, maxActiveDemand, maxActiveDemandPerTenant,
        q.maxLiveJobs > 0 ? q.maxLiveJobs : maxActiveJobs);
  }

  /** What the store checks atomically when a job of this tenant opens a round. */
  public RoundQuota roundQuota(String tenant) {
    TenantQuota q = quota(tenant);
    return new RoundQuota(maxDemandPerRound(tenant), q.maxOpenDemand > 0 ? q.maxOpenDemand : maxActiveDemandPerTenant);
  }

  public int getMaxDemandPerRound() {
    return maxDemandPerRound;
  }

  public AdmissionOptions setMaxDemandPerRound(int maxDemandPerRound) {
    this.maxDemandPerRound = maxDemandPerRound;
    return this;
  }

  public int getMaxTotalRounds() {
    return maxTotalRounds;
  }

  public AdmissionOptions setMaxTotalRounds(int maxTotalRounds) {
    this.maxTotalRounds = maxTotalRounds;
    return this;
  }

  public int getMaxActiveJobs() {
    return maxActiveJobs;
  }

  public AdmissionOptions setMaxActiveJobs(int maxActiveJobs) {
    this.maxActiveJobs = maxActiveJobs;
    return this;
  }

  public long getMaxActiveDemand() {
    return maxActiveDemand;
  }

  public AdmissionOptions setMaxActiveDemand(long maxActiveDemand) {
    this.maxActiveDemand = maxActiveDemand;
    return this;
  }

  public long getMaxActiveDemandPerTenant() {
    return maxActiveDemandPerTenant;
  }

  public AdmissionOptions setMaxActiveDemandPerTenant(long maxActiveDemandPerTenant) {
    this.maxActiveDemandPerTenant = maxActiveDemandPerTenant;
    return this;
  }

  void validate() {
    Checks.positive("admission.maxDemandPerRound", maxDemandPerRound);
    Checks.positive("admission.maxTotalRounds", maxTotalRounds);
    Checks.positive("admission.maxActiveJobs", maxActiveJobs);
    Checks.positive("admission.maxActiveDemand", maxActiveDemand);
    Checks.positive("admission.maxActiveDemandPerTenant", maxActiveDemandPerTenant);
    tenants.forEach((name, q) -> {
      if (!name.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
        throw new IllegalArgumentException("admission.tenants: tenant name '" + name + "' is not valid");
      }
      if (q == null || q.maxLiveJobs < 0 || q.maxDemandPerRound < 0 || q.maxOpenDemand < 0) {
        throw new IllegalArgumentException("admission.tenants." + name + ": quotas must be >= 0 (0: the global value)");
      }
    });
  }
}
