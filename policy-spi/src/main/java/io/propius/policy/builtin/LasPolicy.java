package io.propius.policy.builtin;

import io.propius.policy.ClientPortal;
import io.propius.policy.JobFields;
import io.propius.policy.JobPortal;
import io.propius.policy.ScheduleTrigger;
import io.propius.policy.SchedulingPolicy;

/** Least attained service: the fewer devices a job has had so far, the higher its score. */
public final class LasPolicy implements SchedulingPolicy {
  @Override
  public String name() {
    return "las";
  }

  @Override
  public void schedule(ScheduleTrigger trigger, JobPortal jobs, ClientPortal clients) {
    for (long id : jobs.ids()) {
      jobs.setScore(id, -jobs.field(id, JobFields.ATTAINED_SERVICE));
    }
  }
}
