package io.propius.server.store;

import io.propius.server.config.AdmissionOptions;

/**
 * The limits the store checks atomically with registration, so that concurrent registrations on
 * several nodes cannot together exceed them.
 */
public record AdmissionLimits(int maxActiveJobs, long maxActiveDemand, long maxActiveDemandPerTenant) {
  public static AdmissionLimits of(AdmissionOptions options) {
    return new AdmissionLimits(options.getMaxActiveJobs(), options.getMaxActiveDemand(),
        options.getMaxActiveDemandPerTenant());
  }
}
