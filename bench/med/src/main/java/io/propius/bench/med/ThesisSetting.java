package io.propius.bench.med;

import io.propius.policy.med.MedProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The thesis's MED setting (§4.3.1, Table 4.1), made concrete for simulation. From the thesis: 10
 * learners, 3 states (idle, training, downloading), 3 tasks (MNIST_FFN: 2 iterations, 55 s, 60
 * shards; MNIST_CNN: 1 iteration, 40 s, 60 shards; Fashion: 1 iteration, 40 s, 20 shards), budget
 * 300, at least 1 shard per learner, prices from N(1.0, variance 0.5) bounded to [0.1, 1.5], state
 * distributions from a one-hot vector through a softmax with heat 0.5.
 *
 * <p>Our assumptions, since the thesis reports no benchmark values: model sizes from the named
 * architectures (ThreeNN 574k, ConvNet 83k, FashionNet 856k float parameters), a shard of 100
 * 28×28 images (78.4 kB), a Jetson Nano's idle rates of 4, 2 and 1.2 shards/s per iteration
 * (FFN, CNN, Fashion) and 2.5 MB/s; the training state (a concurrent 900×900 matrix product)
 * leaves 35 % of the compute and 90 % of the network, the downloading state 90 % of the compute
 * and 20 % of the network. Each learner's base capability varies ±10 % around those.
 */
public final class ThesisSetting {
  static final int LEARNERS = 10;
  static final int STATES = 3;
  static final double BUDGET = 300;
  static final int MIN_SHARDS = 1;
  static final double HEAT = 0.5;

  private static final String[] NAMES = {"MNIST_FFN", "MNIST_CNN", "Fashion"};
  private static final int[] ITERATIONS = {2, 1, 1};
  private static final double[] DEADLINE_S = {55, 40, 40};
  private static final int[] SHARDS = {60, 60, 20};
  private static final double[] MODEL_BYTES = {573_910 * 4.0, 83_150 * 4.0, 856_370 * 4.0};
  private static final double SHARD_BYTES = 100 * 784;
  private static final double[] IDLE_RATE = {4, 2, 1.2};
  private static final double IDLE_BANDWIDTH = 2.5e6;
  /** Per state (idle, training, downloading): share of the idle compute and network left. */
  private static final double[] COMPUTE_LEFT = {1, 0.35, 0.9};
  private static final double[] NETWORK_LEFT = {1, 0.9, 0.2};

  private ThesisSetting() {
  }

  /** One trial's instance: fresh prices, state distributions and capability noise. */
  static MedProblem trial(SplittableRandom random) {
    return trial(random, LEARNERS);
  }

  /**
   * The same setting scaled to another batch size: the shards grow with the learners (so each
   * learner's share, and the deadlines, stay those of the thesis) and the budget with them.
   */
  static MedProblem trial(SplittableRandom random, int learnerCount) {
    List<MedProblem.Task> tasks = new ArrayList<>();
    for (int i = 0; i < NAMES.length; i++) {
      tasks.add(new MedProblem.Task(NAMES[i], SHARDS[i] * learnerCount / LEARNERS, MODEL_BYTES[i], SHARD_BYTES,
          DEADLINE_S[i]));
    }
    List<MedProblem.Learner> learners = new ArrayList<>();
    for (int j = 0; j < learnerCount; j++) {
      double price = Math.max(0.1, Math.min(1.5, 1.0 + Math.sqrt(0.5) * gaussian(random)));
      double speed = 0.9 + 0.2 * random.nextDouble();
      double net = 0.9 + 0.2 * random.nextDouble();
      double[] bandwidth = new double[STATES];
      double[][] rate = new double[NAMES.length][STATES];
      for (int k = 0; k < STATES; k++) {
        bandwidth[k] = IDLE_BANDWIDTH * net * NETWORK_LEFT[k];
        for (int i = 0; i < NAMES.length; i++) {
          rate[i][k] = IDLE_RATE[i] * speed * COMPUTE_LEFT[k] / ITERATIONS[i];
        }
      }
      learners.add(new MedProblem.Learner("jetson-" + j, price, heatedSoftmax(random.nextInt(STATES)), bandwidth, rate));
    }
    return new MedProblem(tasks, learners, BUDGET * learnerCount / LEARNERS, MIN_SHARDS);
  }

  /** softmax(onehot(hot) / heat): the hot state gets e^(1/heat) / (e^(1/heat) + states - 1). */
  static double[] heatedSoftmax(int hot) {
    double[] p = new double[STATES];
    double sum = 0;
    for (int k = 0; k < STATES; k++) {
      p[k] = Math.exp((k == hot ? 1 : 0) / HEAT);
      sum += p[k];
    }
    for (int k = 0; k < STATES; k++) {
      p[k] /= sum;
    }
    return p;
  }

  /** Draws a state from a learner's distribution. */
  public static int sampleState(double[] probability, SplittableRandom random) {
    double u = random.nextDouble();
    for (int k = 0; k < probability.length - 1; k++) {
      u -= probability[k];
      if (u < 0) {
        return k;
      }
    }
    return probability.length - 1;
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
