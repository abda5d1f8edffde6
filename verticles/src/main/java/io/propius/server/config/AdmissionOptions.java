package io.propius.server.config;

/** Admission control limits (paper §3.1); a job over any of them is rejected at registration. */
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
  }
}
