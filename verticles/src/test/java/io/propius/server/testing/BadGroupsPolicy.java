package io.propius.server.testing;

import io.propius.policy.ClientPortal;
import io.propius.policy.JobGroup;
import io.propius.policy.JobPortal;
import io.propius.policy.ScheduleTrigger;
import io.propius.policy.SchedulingPolicy;
import java.util.List;

/** A policy with a bug: its job group's query does not parse. The scheduler must reject its plans. */
public final class BadGroupsPolicy implements SchedulingPolicy {
  @Override
  public String name() {
    return "test-bad-groups";
  }

  @Override
  public void schedule(ScheduleTrigger trigger, JobPortal jobs, ClientPortal clients) {
  }

  @Override
  public List<JobGroup> groups(JobPortal jobs, ClientPortal clients) {
    return List.of(JobGroup.ordered("cpu_cores >= ", jobs.query(OPEN_ROUNDS)));
  }
}
