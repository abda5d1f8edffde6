package io.propius.server.store;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;

/**
 * A tenant's quotas on opening a round, checked by the store atomically with the round's opening
 * (across processes in the Redis store): the devices one round may ask for, and the devices asked
 * for at once over all of the tenant's open rounds.
 */
public record RoundQuota(long maxDemandPerRound, long maxOpenDemand) {
  /** No quota beyond the global checks. */
  public static final RoundQuota NONE = new RoundQuota(Long.MAX_VALUE, Long.MAX_VALUE);

  /** The demand a job holds open: its round's demand while the round is open. */
  public static long openDemand(Job job) {
    return job.isLive() && job.roundOpen() ? job.demand() : 0;
  }

  /**
   * @param tenantOpen the tenant's open demand before the change
   * @throws PropiusException ADMISSION_DENIED naming the quota and the current use
   */
  public void check(Job before, Job after, long tenantOpen) {
    long added = openDemand(after) - openDemand(before);
    if (added <= 0) {
      return;
    }
    if (after.demand() > maxDemandPerRound) {
      throw new PropiusException(ErrorCode.ADMISSION_DENIED, "demand " + after.demand() + " exceeds tenant '"
          + after.tenant() + "''s limit admission.tenants." + after.tenant() + ".maxDemandPerRound = " + maxDemandPerRound);
    }
    if (tenantOpen + added > maxOpenDemand) {
      throw denied(after.tenant(), tenantOpen, added);
    }
  }

  /** ADMISSION_DENIED naming the open-demand quota and the current use. */
  public PropiusException denied(String tenant, long tenantOpen, long added) {
    return new PropiusException(ErrorCode.ADMISSION_DENIED, "tenant '" + tenant + "' already asks for " + tenantOpen
        + " devices in its open rounds; " + added + " more would exceed its limit admission.tenants." + tenant
        + ".maxOpenDemand = " + maxOpenDemand);
  }
}
