package io.propius.policy.med;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One MED instance (thesis ch. 4): data shards of several learning tasks to allocate across a batch
 * of learners (devices) whose compute and network capability depend on a state they are in with
 * known probabilities.
 *
 * <p>The expected delay of learner j serving d shards of task i (Eq. 4.3) is
 * {@code δ(i,j,d) = Σ_k γ(j,k) · [(2 Ω_i + α_i d) / b(j,k) + d / c(i,j,k)]}: download the model and
 * the data, train, upload the model. It is counted only for learners that serve the task
 * ({@code d > 0}); a learner serving nothing of task i adds nothing to task i's delay.
 *
 * @param budget               the most the whole allocation may cost, Σ price × shards
 * @param minShardsPerLearner  every learner gets at least this many shards in total (D_l)
 */
public record MedProblem(List<Task> tasks, List<Learner> learners, double budget, int minShardsPerLearner) {
  /**
   * A learning task.
   *
   * @param shards     D_i, shards to train this cycle
   * @param modelBytes Ω_i, size of the model parameters
   * @param shardBytes α_i, size of one shard
   * @param deadlineS  T_i, the expected delay of every learner serving it must stay within this
   */
  public record Task(String name, int shards, double modelBytes, double shardBytes, double deadlineS) {
    public Task {
      if (shards < 0 || !(modelBytes >= 0) || !(shardBytes >= 0) || !(deadlineS > 0)) {
        throw new IllegalArgumentException("task '" + name + "': shards and sizes must be >= 0 and the deadline > 0");
      }
    }
  }

  /**
   * A learner (device).
   *
   * @param pricePerShard    p_j
   * @param stateProbability γ(j,k), summing to 1
   * @param bandwidth        b(j,k), bytes per second in state k
   * @param rate             c(i,j,k) as {@code rate[task][state]}, shards per second
   */
  public record Learner(String name, double pricePerShard, double[] stateProbability, double[] bandwidth,
                        double[][] rate) {
    public Learner {
      stateProbability = stateProbability.clone();
      bandwidth = bandwidth.clone();
      rate = Arrays.stream(rate).map(double[]::clone).toArray(double[][]::new);
      double sum = Arrays.stream(stateProbability).sum();
      if (Math.abs(sum - 1) > 1e-6 || Arrays.stream(stateProbability).anyMatch(p -> !(p >= 0))) {
        throw new IllegalArgumentException("learner '" + name + "': state probabilities must be >= 0 and sum to 1, got "
            + Arrays.toString(stateProbability));
      }
      if (bandwidth.length != stateProbability.length || Arrays.stream(bandwidth).anyMatch(b -> !(b > 0))) {
        throw new IllegalArgumentException("learner '" + name + "': one bandwidth > 0 per state");
      }
      for (double[] perState : rate) {
        if (perState.length != stateProbability.length || Arrays.stream(perState).anyMatch(c -> !(c > 0))) {
          throw new IllegalArgumentException("learner '" + name + "': one training rate > 0 per task and state");
        }
      }
      if (!(pricePerShard >= 0)) {
        throw new IllegalArgumentException("learner '" + name + "': price must be >= 0");
      }
    }

    /** The same learner known to be in this state (what an uncertainty-naive scheme assumes). */
    public Learner inState(int state) {
      double[] certain = new double[stateProbability.length];
      certain[state] = 1;
      return new Learner(name, pricePerShard, certain, bandwidth, rate);
    }
  }

  public MedProblem {
    tasks = List.copyOf(tasks);
    learners = List.copyOf(learners);
    for (Learner l : learners) {
      if (l.rate().length != tasks.size()) {
        throw new IllegalArgumentException("learner '" + l.name() + "': one rate row per task (" + tasks.size() + ")");
      }
    }
    if (!(budget >= 0) || minShardsPerLearner < 0) {
      throw new IllegalArgumentException("budget and minimum shards per learner must be >= 0");
    }
  }

  /** The expected delay part that does not depend on the shards: the model's download and upload. */
  public double fixedDelay(int task, int learner) {
    Learner l = learners.get(learner);
    double sum = 0;
    for (int k = 0; k < l.stateProbability().length; k++) {
      sum += l.stateProbability()[k] * 2 * tasks.get(task).modelBytes() / l.bandwidth()[k];
    }
    return sum;
  }

  /** The expected delay each shard adds: its download and its training. */
  public double delayPerShard(int task, int learner) {
    Learner l = learners.get(learner);
    double sum = 0;
    for (int k = 0; k < l.stateProbability().length; k++) {
      sum += l.stateProbability()[k] * (tasks.get(task).shardBytes() / l.bandwidth()[k] + 1 / l.rate()[task][k]);
    }
    return sum;
  }

  /** Eq. 4.3 for a learner serving {@code shards > 0} shards of the task; 0 when it serves none. */
  public double expectedDelay(int task, int learner, int shards) {
    return shards == 0 ? 0 : fixedDelay(task, learner) + delayPerShard(task, learner) * shards;
  }

  /** Eq. 4.4a: the sum over tasks of the largest expected delay of the learners serving it. */
  public double objective(int[][] shards) {
    double sum = 0;
    for (int i = 0; i < tasks.size(); i++) {
      double max = 0;
      for (int j = 0; j < learners.size(); j++) {
        max = Math.max(max, expectedDelay(i, j, shards[i][j]));
      }
      sum += max;
    }
    return sum;
  }

  /** Null when the allocation meets every constraint (Eq. 4.4b-f), otherwise the first one it breaks. */
  public String violation(int[][] shards) {
    double cost = 0;
    for (int i = 0; i < tasks.size(); i++) {
      int total = 0;
      for (int j = 0; j < learners.size(); j++) {
        if (shards[i][j] < 0) {
          return "negative shards";
        }
        if (expectedDelay(i, j, shards[i][j]) > tasks.get(i).deadlineS() + 1e-9) {
          return "deadline of task '" + tasks.get(i).name() + "' (4.4b)";
        }
        total += shards[i][j];
        cost += shards[i][j] * learners.get(j).pricePerShard();
      }
      if (total != tasks.get(i).shards()) {
        return "shards of task '" + tasks.get(i).name() + "' (4.4c)";
      }
    }
    if (cost > budget + 1e-9) {
      return "budget (4.4d)";
    }
    for (int j = 0; j < learners.size(); j++) {
      int total = 0;
      int served = 0;
      for (int i = 0; i < tasks.size(); i++) {
        total += shards[i][j];
        served += shards[i][j] > 0 ? 1 : 0;
      }
      if (total < minShardsPerLearner) {
        return "minimum shards of learner '" + learners.get(j).name() + "' (4.4e)";
      }
      if (served > 1) {
        return "one task per learner, '" + learners.get(j).name() + "' (4.4f)";
      }
    }
    return null;
  }

  /** The same problem with every learner known to be in the given state (MMTT's point of view). */
  public MedProblem knowing(int[] stateOfLearner) {
    List<Learner> certain = new ArrayList<>();
    for (int j = 0; j < learners.size(); j++) {
      certain.add(learners.get(j).inState(stateOfLearner[j]));
    }
    return new MedProblem(tasks, certain, budget, minShardsPerLearner);
  }
}
