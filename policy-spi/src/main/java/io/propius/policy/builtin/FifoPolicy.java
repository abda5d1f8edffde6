package io.propius.policy.builtin;

import io.propius.policy.ClientPortal;
import io.propius.policy.JobFields;
import io.propius.policy.JobPortal;
import io.propius.policy.ScheduleTrigger;
import io.propius.policy.SchedulingPolicy;

/** First in, first out: the earlier a job registered, the higher its score. */
public final class FifoPolicy implements SchedulingPolicy {
  @Override
  public String name() {
    return "fifo";
  }

  @Override
  public void schedule(ScheduleTrigger trigger, JobPortal jobs, ClientPortal clients) {
    for (long id : jobs.ids()) {
      jobs.setScore(id, -jobs.field(id, JobFields.TIME_STAMP));
    }
  }
}
