package com.example.propius;

import io.propius.policy.ClientPortal;
import io.propius.policy.JobFields;
import io.propius.policy.JobPortal;
import io.propius.policy.ScheduleTrigger;
import io.propius.policy.SchedulingPolicy;

/**
 * An example third-party policy: jobs asking for more devices in the current round go first. Drop
 * the jar on the server's class path and set {@code scheduler.policy} to
 * {@code largest-demand-first}.
 */
public final class LargestDemandFirstPolicy implements SchedulingPolicy {
  @Override
  public String name() {
    return "largest-demand-first";
  }

  @Override
  public void schedule(ScheduleTrigger trigger, JobPortal jobs, ClientPortal clients) {
    for (long id : jobs.ids()) {
      jobs.setScore(id, jobs.field(id, JobFields.DEMAND));
    }
  }
}
