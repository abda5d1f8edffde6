package io.propius.policy.med.plan;

import io.propius.policy.med.MedAllocation;
import io.propius.policy.med.MedInfeasibleException;
import io.propius.policy.med.MedProblem;
import io.propius.policy.med.MedSolver;
import io.propius.policy.med.learn.ClassDurations;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds and solves one tick's MED problem: the held devices are the learners (their class's
 * learned states from {@link ClassDurations}), the open rounds that declared {@link DataWork} are
 * the tasks. Propius has no prices, so the budget constraint is void (price 0) and a device may
 * serve nothing ({@code D_l = 0}): it is then left to the other jobs' groups.
 *
 * <p>A round MED cannot serve (its own data work is infeasible with these devices, e.g. a deadline
 * shorter than every class's expected delay for one shard) falls back with the solver's reason and
 * the others are planned without it. A solve that does not finish within the tick's time limit
 * plans nothing: every round falls back for that tick ({@link MedPlan#overran()}).
 */
public final class MedPlanner {
  /** A held device: its id and its class (from its public attributes). */
  public record Learner(String deviceId, String deviceClass) {
  }

  /** An open round with data work. */
  public record Round(long jobId, DataWork work) {
  }

  private final ClassDurations durations;
  private final double bytesPerSecond;
  private final MedSolver solver;

  /**
   * @param bytesPerSecond a device's nominal network speed (the data plane reports whole-task
   *                       durations, so transfer is modelled at this speed and training learned)
   * @param timeLimitMs    the tick's solve budget
   */
  public MedPlanner(ClassDurations durations, double bytesPerSecond, long timeLimitMs) {
    if (!(bytesPerSecond > 0) || timeLimitMs < 1) {
      throw new IllegalArgumentException("need a bandwidth > 0 and a time limit >= 1 ms");
    }
    this.durations = durations;
    this.bytesPerSecond = bytesPerSecond;
    this.solver = new MedSolver(timeLimitMs);
  }

  /** The tick's plan for these devices (oldest first) and rounds. */
  public MedPlan plan(List<Learner> held, List<Round> rounds) {
    long started = System.nanoTime();
    List<MedPlan.Fallback> fallbacks = new ArrayList<>();
    List<Round> planned = new ArrayList<>(rounds);
    List<Learner> learners = useful(held, rounds);
    while (!planned.isEmpty() && !learners.isEmpty()) {
      MedProblem problem = problem(learners, planned);
      try {
        MedAllocation a = solver.solve(problem);
        if (!a.optimal()) {
          return overran(rounds, started, a.gap());
        }
        return new MedPlan(assignments(a, learners, planned), fallbacks, elapsedMs(started), a.gap(), false);
      } catch (MedInfeasibleException e) {
        if (!e.proven()) {
          return overran(rounds, started, Double.NaN);
        }
        MedPlan.Fallback culprit = firstInfeasibleAlone(learners, planned);
        if (culprit == null) { // each is feasible alone, not together: serve none of them this tick
          planned.forEach(r -> fallbacks.add(new MedPlan.Fallback(r.jobId(), e.getMessage())));
          planned.clear();
        } else {
          fallbacks.add(culprit);
          planned.removeIf(r -> r.jobId() == culprit.jobId());
        }
      }
    }
    planned.forEach(r -> fallbacks.add(new MedPlan.Fallback(r.jobId(), "no held device")));
    return new MedPlan(Map.of(), fallbacks, elapsedMs(started), 0, false);
  }

  private MedPlan overran(List<Round> rounds, long started, double gap) {
    List<MedPlan.Fallback> all = rounds.stream().map(r -> new MedPlan.Fallback(r.jobId(),
        "the MED solve did not finish within the tick")).toList();
    return new MedPlan(Map.of(), all, elapsedMs(started), gap, true);
  }

  /** The first round that no allocation of these devices can serve on its own, and why (null if none). */
  private MedPlan.Fallback firstInfeasibleAlone(List<Learner> learners, List<Round> rounds) {
    for (Round r : rounds) {
      try {
        solver.solve(problem(learners, List.of(r)));
      } catch (MedInfeasibleException e) {
        if (e.proven()) {
          return new MedPlan.Fallback(r.jobId(), e.getMessage());
        }
      }
    }
    return null;
  }

  /** Per class, no more devices than the rounds have shards: each serving device takes one at least. */
  private static List<Learner> useful(List<Learner> held, List<Round> rounds) {
    long shards = rounds.stream().mapToLong(r -> r.work().totalShards()).sum();
    Map<String, Integer> perClass = new HashMap<>();
    List<Learner> out = new ArrayList<>();
    for (Learner l : held) {
      if (perClass.merge(l.deviceClass(), 1, Integer::sum) <= shards) {
        out.add(l);
      }
    }
    return out;
  }

  private MedProblem problem(List<Learner> learners, List<Round> rounds) {
    List<MedProblem.Task> tasks = new ArrayList<>();
    for (Round r : rounds) {
      DataWork w = r.work();
      tasks.add(new MedProblem.Task("job " + r.jobId(), w.totalShards(), w.modelBytes(), w.shardBytes(),
          w.deadlineMs() / 1000.0));
    }
    Map<String, MedProblem.Learner> byClass = new LinkedHashMap<>();
    List<MedProblem.Learner> out = new ArrayList<>();
    for (Learner l : learners) {
      MedProblem.Learner template = byClass.computeIfAbsent(l.deviceClass(), c -> learner(c, tasks.size()));
      out.add(template); // one object per class: the solver sees identical learners and breaks their symmetry
    }
    return new MedProblem(tasks, out, Double.MAX_VALUE, 0);
  }

  private MedProblem.Learner learner(String deviceClass, int tasks) {
    ClassDurations.States s = durations.states(deviceClass);
    int k = s.probability().length;
    double[] bandwidth = new double[k];
    double[][] rate = new double[tasks][k];
    for (int state = 0; state < k; state++) {
      bandwidth[state] = bytesPerSecond;
      for (int i = 0; i < tasks; i++) {
        rate[i][state] = 1 / s.secondsPerShard()[state];
      }
    }
    return new MedProblem.Learner(deviceClass, 0, s.probability(), bandwidth, rate);
  }

  private static Map<String, MedPlan.Assignment> assignments(MedAllocation a, List<Learner> learners,
                                                            List<Round> rounds) {
    Map<String, MedPlan.Assignment> out = new LinkedHashMap<>();
    for (int i = 0; i < rounds.size(); i++) {
      for (int j = 0; j < learners.size(); j++) {
        if (a.shards()[i][j] > 0) {
          out.put(learners.get(j).deviceId(), new MedPlan.Assignment(rounds.get(i).jobId(), a.shards()[i][j]));
        }
      }
    }
    return out;
  }

  private static double elapsedMs(long started) {
    return (System.nanoTime() - started) / 1e6;
  }
}
