package io.propius.policy.builtin;

import io.propius.api.device.Attributes;
import io.propius.api.query.Constraints;
import io.propius.policy.JobFields;
import io.propius.policy.JobGroup;
import io.propius.policy.batch.GroupAssigner;
import io.propius.policy.portal.JobRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builders for hand-worked policy cases: jobs with open rounds, devices, and applying groups. */
final class PolicyFixtures {
  private PolicyFixtures() {
  }

  /** A job requesting {@code demand} devices, {@code amount} already bound, with public constraints. */
  static JobRow open(long id, int demand, int amount, long startSched, Map<String, Double> constraints) {
    Map<String, Double> f = new HashMap<>();
    f.put(JobFields.STATE, JobFields.STATE_REQUESTING);
    f.put(JobFields.DEMAND, (double) demand);
    f.put(JobFields.AMOUNT, (double) amount);
    f.put(JobFields.START_SCHED, (double) startSched);
    f.put(JobFields.TIME_STAMP, (double) id);
    Constraints c = Constraints.of(constraints, "public_constraints");
    c.bounds().forEach((k, v) -> f.put(JobFields.PUBLIC_CONSTRAINT + k, v));
    return new JobRow(id, name -> f.getOrDefault(name, Double.NaN), c);
  }

  static JobRow open(long id, int demand, Map<String, Double> constraints) {
    return open(id, demand, 0, 0, constraints);
  }

  /** n devices with these attributes. */
  static List<Attributes> devices(int n, Map<String, Double> attributes) {
    List<Attributes> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Attributes.of(attributes));
    }
    return out;
  }

  @SafeVarargs
  static List<Attributes> concat(List<Attributes>... parts) {
    List<Attributes> out = new ArrayList<>();
    for (List<Attributes> p : parts) {
      out.addAll(p);
    }
    return out;
  }

  /** Applies the groups to the devices (ids d0, d1, … in order); devices per job id. */
  static Map<Long, Integer> apply(List<JobGroup> groups, List<Attributes> devices, List<JobRow> jobs) {
    List<GroupAssigner.Device> held = new ArrayList<>();
    for (int i = 0; i < devices.size(); i++) {
      held.add(new GroupAssigner.Device("d" + i, devices.get(i)));
    }
    Map<Long, GroupAssigner.OpenJob> open = new LinkedHashMap<>();
    for (JobRow j : jobs) {
      int wanted = (int) (j.fields().valueOf(JobFields.DEMAND) - j.fields().valueOf(JobFields.AMOUNT));
      open.put(j.id(), new GroupAssigner.OpenJob(j.id(), wanted, j.publicConstraints()));
    }
    Map<Long, Integer> got = new HashMap<>();
    for (GroupAssigner.Assignment a : new GroupAssigner(groups).assign(held, open)) {
      got.merge(a.jobId(), 1, Integer::sum);
    }
    return got;
  }
}
