package io.propius.server.job;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.server.store.Job;

/**
 * Who is calling the job API: a tenant proven by its API key, or anyone (when no keys are
 * configured, the embedded default).
 *
 * @param tenant the authenticated tenant, or null when the API is open
 */
public record JobCaller(String tenant) {
  public static final JobCaller OPEN = new JobCaller(null);

  /** The tenant a job registered by this caller belongs to. */
  String tenantFor(String requested) {
    if (tenant == null) {
      return requested;
    }
    if (!requested.isEmpty() && !requested.equals(tenant)) {
      throw new PropiusException(ErrorCode.PERMISSION_DENIED,
          "this API key belongs to tenant '" + tenant + "', not '" + requested + "'");
    }
    return tenant;
  }

  /** @throws PropiusException PERMISSION_DENIED when the job is another tenant's */
  Job requireOwner(Job job) {
    if (tenant != null && !tenant.equals(job.tenant())) {
      throw new PropiusException(ErrorCode.PERMISSION_DENIED, "job " + job.id() + " belongs to another tenant");
    }
    return job;
  }
}
