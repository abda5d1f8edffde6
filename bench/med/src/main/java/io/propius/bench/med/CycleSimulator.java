package io.propius.bench.med;

import io.propius.policy.med.MedProblem;

/**
 * Runs one global update cycle (GUC) of an allocation with the learners' actual states, as the
 * thesis's testbed does: each learner downloads the model and its shards, trains, uploads the
 * model. Learner halting (thesis §4.1): a learner still training at the deadline stops there and
 * uploads what it has, so it trains only the shards it finished.
 */
final class CycleSimulator {
  /** One task's result in one cycle. */
  record TaskOutcome(double timeS, boolean metDeadline, double trainedShards, int shards) {
    double dropRate() {
      return shards == 0 ? 0 : (shards - trainedShards) / shards;
    }
  }

  private CycleSimulator() {
  }

  static TaskOutcome[] run(MedProblem problem, int[][] shards, int[] actualState) {
    TaskOutcome[] out = new TaskOutcome[problem.tasks().size()];
    for (int i = 0; i < out.length; i++) {
      MedProblem.Task task = problem.tasks().get(i);
      double time = 0;
      double trained = 0;
      for (int j = 0; j < problem.learners().size(); j++) {
        int d = shards[i][j];
        if (d == 0) {
          continue;
        }
        MedProblem.Learner l = problem.learners().get(j);
        int k = actualState[j];
        double download = (task.modelBytes() + task.shardBytes() * d) / l.bandwidth()[k];
        double perShard = 1 / l.rate()[i][k];
        double upload = task.modelBytes() / l.bandwidth()[k];
        double done;
        double finish;
        if (download + d * perShard <= task.deadlineS()) {
          done = d;
          finish = download + d * perShard + upload;
        } else {
          done = Math.max(0, Math.min(d, Math.floor((task.deadlineS() - download) / perShard)));
          finish = Math.max(download, task.deadlineS()) + upload;
        }
        trained += done;
        time = Math.max(time, finish);
      }
      out[i] = new TaskOutcome(time, time <= task.deadlineS(), trained, task.shards());
    }
    return out;
  }
}
