package io.propius.server.store;

/** The admission rule every store applies when registering (paper §3.1). */
public final class Admission {
  private Admission() {
  }

  /** @return why the job is rejected, or null to admit it */
  public static String check(AdmissionLimits limits, JobSpec spec, int liveJobs, long liveDemand, long tenantDemand,
                             int tenantJobs) {
    if (liveJobs + 1 > limits.maxActiveJobs()) {
      return "too many live jobs: " + liveJobs + " of at most " + limits.maxActiveJobs();
    }
    if (tenantJobs + 1 > limits.maxTenantJobs()) {
      return "tenant '" + spec.tenant() + "' has " + tenantJobs + " live jobs, its limit admission.tenants."
          + spec.tenant() + ".maxLiveJobs = " + limits.maxTenantJobs();
    }
    if (liveDemand + spec.estDemand() > limits.maxActiveDemand()) {
      return "est_demand " + spec.estDemand() + " would bring the live jobs' demand to "
          + (liveDemand + spec.estDemand()) + ", over the limit of " + limits.maxActiveDemand();
    }
    if (tenantDemand + spec.estDemand() > limits.maxActiveDemandPerTenant()) {
      return "est_demand " + spec.estDemand() + " would bring tenant '" + spec.tenant() + "' to "
          + (tenantDemand + spec.estDemand()) + " devices per round, over its limit of " + limits.maxActiveDemandPerTenant();
    }
    return null;
  }
}
