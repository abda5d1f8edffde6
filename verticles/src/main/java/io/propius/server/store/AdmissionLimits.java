package io.propius.server.store;

/**
 * The limits the store checks atomically with registration, so that concurrent registrations on
 * several nodes cannot together exceed them: global live jobs and demand, and the registering
 * tenant's demand and live jobs ({@code admission.tenants.<name>.maxLiveJobs}).
 */
public record AdmissionLimits(int maxActiveJobs, long maxActiveDemand, long maxActiveDemandPerTenant,
                             int maxTenantJobs) {
  /** Without a tenant quota of live jobs beyond the global one. */
  public AdmissionLimits(int maxActiveJobs, long maxActiveDemand, long maxActiveDemandPerTenant) {
    this(maxActiveJobs, maxActiveDemand, maxActiveDemandPerTenant, maxActiveJobs);
  }
}
