package io.propius.policy.batch;

import io.propius.api.query.AttributeSource;
import io.propius.api.query.Constraints;
import io.propius.api.query.Query;
import io.propius.api.query.QuerySyntaxException;
import io.propius.policy.JobGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a tick's job groups to a batch of held devices: the one definition of small-batch
 * assignment, used by the server's client managers and by the simulator alike.
 *
 * <p>Groups are taken in order; each sees only the devices no earlier group took and that match
 * its query. A device of an <i>ordered</i> group goes to the first job of the group that still
 * wants devices and whose own public constraints the device satisfies; a device of a
 * <i>proportional</i> group goes to the eligible job with the smallest {@code (given + 0.5) / share}
 * (Sainte-Laguë: the job furthest below its share, without favouring large shares; ties: earlier in
 * the group). A device no job can use stays unassigned, so a later group may take
 * it. Every device is assigned at most once and no job gets more than it wants.
 *
 * <p>Queries are parsed once, when the assigner is built (once per tick); a group whose query does
 * not parse is rejected here with its position and the parser's message.
 */
public final class GroupAssigner {
  /** A held device: its id and public attributes. */
  public record Device(String id, AttributeSource attributes) {
  }

  /** A job that can take devices now: how many more it wants, and what a device must satisfy. */
  public record OpenJob(long id, int wanted, Constraints publicConstraints) {
  }

  /** One decision: this device goes to this job, by the group at this position. */
  public record Assignment(String deviceId, long jobId, int group) {
  }

  private final List<JobGroup> groups;
  private final Query[] queries;

  /** @throws QuerySyntaxException naming the group whose query does not parse */
  public GroupAssigner(List<JobGroup> groups) {
    this.groups = List.copyOf(groups);
    this.queries = new Query[this.groups.size()];
    for (int i = 0; i < queries.length; i++) {
      try {
        queries[i] = Query.parse(this.groups.get(i).query());
      } catch (QuerySyntaxException e) {
        throw new GroupQueryException(i, e);
      }
    }
  }

  /**
   * Assigns devices (oldest first: they have waited longest) to the open jobs.
   *
   * @param devices the held devices, in the order they should be considered
   * @param open    the jobs that can take devices, by id; jobs in groups but not here are skipped
   */
  public List<Assignment> assign(List<Device> devices, Map<Long, OpenJob> open) {
    Map<Long, Integer> wanted = new HashMap<>();
    open.forEach((id, job) -> wanted.put(id, job.wanted()));
    boolean[] taken = new boolean[devices.size()];
    List<Assignment> out = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      JobGroup group = groups.get(g);
      List<Long> jobs = group.jobIds();
      double[] given = new double[jobs.size()];
      for (int d = 0; d < devices.size(); d++) {
        Device device = devices.get(d);
        if (taken[d] || !queries[g].test(device.attributes())) {
          continue;
        }
        int chosen = -1;
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < jobs.size(); j++) {
          long jobId = jobs.get(j);
          OpenJob job = open.get(jobId);
          if (job == null || wanted.get(jobId) <= 0 || !job.publicConstraints().satisfiedBy(device.attributes())) {
            continue;
          }
          if (!group.isProportional()) {
            chosen = j;
            break;
          }
          double deficit = (given[j] + 0.5) / group.shares().get(j);
          if (deficit < best) {
            best = deficit;
            chosen = j;
          }
        }
        if (chosen >= 0) {
          long jobId = jobs.get(chosen);
          taken[d] = true;
          given[chosen]++;
          wanted.merge(jobId, -1, Integer::sum);
          out.add(new Assignment(device.id(), jobId, g));
        }
      }
    }
    return out;
  }

  /** A job group's query does not parse; the message names the group. */
  public static final class GroupQueryException extends IllegalArgumentException {
    GroupQueryException(int group, QuerySyntaxException cause) {
      super("job group " + group + ": " + cause.getMessage(), cause);
    }
  }
}
