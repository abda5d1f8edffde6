package io.propius.policy.builtin;

import io.propius.policy.ClientPortal;
import io.propius.policy.JobFields;
import io.propius.policy.JobPortal;
import io.propius.policy.ScheduleTrigger;
import io.propius.policy.SchedulingPolicy;

/**
 * Smallest remaining service first: remaining service is the devices a job still expects to need,
 * {@code max(0, total_demand - attained_service)}; the less, the higher the score.
 */
public final class SrsfPolicy implements SchedulingPolicy {
  @Override
  public String name() {
    return "srsf";
  }

  @Override
  public void schedule(ScheduleTrigger trigger, JobPortal jobs, ClientPortal clients) {
    for (long id : jobs.ids()) {
      double remaining = jobs.field(id, JobFields.TOTAL_DEMAND) - jobs.field(id, JobFields.ATTAINED_SERVICE);
      jobs.setScore(id, -Math.max(0, remaining));
    }
  }
}
