package io.propius.bench.sim.portal;

import io.propius.api.query.Constraints;
import io.propius.policy.JobFields;
import io.propius.policy.portal.JobRow;
import io.propius.bench.sim.device.EligibilityMix;
import io.propius.bench.sim.engine.Simulation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The simulation's live jobs as the rows a {@link io.propius.policy.portal.TableJobPortal} serves
 * to a policy, with the same fields (and units: ms) the server's job store gives. Job ids are the
 * job's index plus one. A job of requirement class {@code k} has the public constraint
 * {@code class_k >= 1}.
 */
public final class SimJobRows {
  /** Public constraints of a job of class k, at index k. */
  private static final Constraints[] CLASS_CONSTRAINTS = new Constraints[EligibilityMix.CLASSES + 1];

  static {
    for (int k = 1; k <= EligibilityMix.CLASSES; k++) {
      CLASS_CONSTRAINTS[k] = Constraints.of(Map.of(EligibilityMix.attribute(k), 1.0), "public_constraints");
    }
  }

  private SimJobRows() {
  }

  /** The public constraints of a job of requirement class {@code jobClass}. */
  public static Constraints constraints(int jobClass) {
    return CLASS_CONSTRAINTS[jobClass];
  }

  public static long id(int job) {
    return job + 1L;
  }

  public static int index(long id) {
    return (int) (id - 1);
  }

  public static List<JobRow> live(Simulation sim, double[] scores) {
    List<JobRow> rows = new ArrayList<>();
    for (int j = 0; j < sim.jobs.count; j++) {
      if (sim.live(j)) {
        int job = j;
        rows.add(new JobRow(id(j), name -> field(sim, scores, job, name), constraints(sim.jobs.jobClass[j])));
      }
    }
    return rows;
  }

  static double field(Simulation sim, double[] scores, int j, String name) {
    var jobs = sim.jobs;
    switch (name) {
      case JobFields.TIME_STAMP:
        return jobs.arrivalS[j] * 1000;
      case JobFields.TOTAL_SCHED:
        return sim.schedDelayTotal(j) * 1000;
      case JobFields.START_SCHED:
        return sim.requestedAt(j) * 1000;
      case JobFields.TOTAL_DEMAND:
        return (double) jobs.requested[j] * jobs.rounds[j];
      case JobFields.TOTAL_ROUND:
        return jobs.rounds[j];
      case JobFields.ATTAINED_SERVICE:
        return sim.attained(j);
      case JobFields.ROUND:
        return sim.round(j);
      case JobFields.DEMAND:
      case JobFields.EST_DEMAND:
        return jobs.requested[j];
      case JobFields.AMOUNT:
        return sim.bound(j);
      case JobFields.SCORE:
        return scores[j];
      case JobFields.ROUNDS_COMPLETED:
        return sim.roundsDone(j);
      case JobFields.ROUND_TIME_TOTAL:
        return sim.roundTimeTotal(j) * 1000;
      case JobFields.STATE:
        return sim.open(j) ? JobFields.STATE_REQUESTING : JobFields.STATE_FILLED;
      default:
        if (name.equals(JobFields.PUBLIC_CONSTRAINT + EligibilityMix.attribute(jobs.jobClass[j]))) {
          return 1;
        }
        return Double.NaN;
    }
  }
}
