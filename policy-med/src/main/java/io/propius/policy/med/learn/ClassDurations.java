package io.propius.policy.med.learn;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * What the control plane learns about each device class: the distribution of the time a device
 * of the class takes per shard (a task's confirm-to-upload duration, less the model's transfer,
 * divided by its shards), over a sliding window of the latest observations per class.
 *
 * <p>MED wants a few discrete states per class with their probabilities (thesis §4.2). The window
 * is summarised by one-dimensional k-means into {@code states} clusters: each cluster's mean is a
 * state's seconds per shard, its share of the window the state's probability. A class with fewer
 * than {@code minSamples} observations has no history yet and gets the prior: the documented
 * {@link #prior(double, int)}, a spread around a nominal speed, so MED treats it as uncertain.
 * Not thread-safe: one scheduler owns it.
 */
public final class ClassDurations {
  /** A class's states: seconds per shard in each, and the probability of each (summing to 1). */
  public record States(double[] secondsPerShard, double[] probability, int samples) {
    public States {
      secondsPerShard = secondsPerShard.clone();
      probability = probability.clone();
    }
  }

  private final int window;
  private final int states;
  private final int minSamples;
  private final States prior;
  private final Map<String, Deque<Double>> observed = new HashMap<>();

  /**
   * @param window     observations kept per class (the oldest leave first)
   * @param states     discrete states per class (MED's k)
   * @param minSamples observations a class needs before its own distribution replaces the prior
   * @param priorSecondsPerShard nominal seconds per shard of a class without history
   */
  public ClassDurations(int window, int states, int minSamples, double priorSecondsPerShard) {
    if (window < 1 || states < 1 || minSamples < states || minSamples > window || !(priorSecondsPerShard > 0)) {
      throw new IllegalArgumentException("need window >= minSamples >= states >= 1 and a prior > 0, got window "
          + window + ", states " + states + ", minSamples " + minSamples + ", prior " + priorSecondsPerShard);
    }
    this.window = window;
    this.states = states;
    this.minSamples = minSamples;
    this.prior = prior(priorSecondsPerShard, states);
  }

  /**
   * The prior of a class without history: {@code states} states at 0.5×, 1×, 2× … of the nominal
   * seconds per shard (geometric, centred on the nominal), equally likely.
   */
  public static States prior(double nominalSecondsPerShard, int states) {
    double[] seconds = new double[states];
    double[] p = new double[states];
    for (int k = 0; k < states; k++) {
      seconds[k] = nominalSecondsPerShard * Math.pow(2, k - (states - 1) / 2.0);
      p[k] = 1.0 / states;
    }
    return new States(seconds, p, 0);
  }

  /**
   * Records one finished task of a device of this class.
   *
   * @throws IllegalArgumentException for a non-positive shard count or duration (nothing recorded)
   */
  public void record(String deviceClass, int shards, double trainSeconds) {
    if (shards < 1 || !(trainSeconds > 0) || Double.isInfinite(trainSeconds)) {
      throw new IllegalArgumentException("a task duration needs shards >= 1 and a finite duration > 0, got "
          + shards + " shards, " + trainSeconds + " s");
    }
    Deque<Double> w = observed.computeIfAbsent(deviceClass, c -> new ArrayDeque<>());
    w.addLast(trainSeconds / shards);
    if (w.size() > window) {
      w.removeFirst();
    }
  }

  /** The class's learned states, or the prior when it has too little history. */
  public States states(String deviceClass) {
    Deque<Double> w = observed.get(deviceClass);
    if (w == null || w.size() < minSamples) {
      return prior;
    }
    double[] x = w.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return kMeans(x);
  }

  /**
   * Lloyd's algorithm in one dimension, seeded with the natural breaks (the data cut at its
   * {@code k − 1} widest gaps, so well-separated states are found whatever their weights); empty
   * clusters are dropped.
   */
  private States kMeans(double[] sorted) {
    int k = Math.min(states, (int) Arrays.stream(sorted).distinct().count());
    Integer[] gaps = new Integer[sorted.length - 1];
    for (int x = 0; x < gaps.length; x++) {
      gaps[x] = x;
    }
    Arrays.sort(gaps, (a, b) -> Double.compare(sorted[b + 1] - sorted[b], sorted[a + 1] - sorted[a]));
    int[] cuts = new int[k + 1];
    for (int c = 0; c < k - 1; c++) {
      cuts[c + 1] = gaps[c] + 1;
    }
    cuts[k] = sorted.length;
    Arrays.sort(cuts, 1, k);
    double[] centre = new double[k];
    for (int c = 0; c < k; c++) {
      centre[c] = Arrays.stream(sorted, cuts[c], cuts[c + 1]).average().orElse(sorted[cuts[c]]);
    }
    int[] count = new int[k];
    for (int iteration = 0; iteration < 50; iteration++) {
      double[] sum = new double[k];
      Arrays.fill(count, 0);
      for (double v : sorted) {
        int c = nearest(centre, v);
        sum[c] += v;
        count[c]++;
      }
      boolean moved = false;
      for (int c = 0; c < k; c++) {
        if (count[c] > 0 && sum[c] / count[c] != centre[c]) {
          centre[c] = sum[c] / count[c];
          moved = true;
        }
      }
      if (!moved) {
        break;
      }
    }
    int used = (int) Arrays.stream(count).filter(c -> c > 0).count();
    double[] seconds = new double[used];
    double[] p = new double[used];
    int at = 0;
    for (int c = 0; c < k; c++) {
      if (count[c] > 0) {
        seconds[at] = centre[c];
        p[at++] = (double) count[c] / sorted.length;
      }
    }
    return new States(seconds, p, sorted.length);
  }

  private static int nearest(double[] centre, double v) {
    int best = 0;
    for (int c = 1; c < centre.length; c++) {
      if (Math.abs(centre[c] - v) < Math.abs(centre[best] - v)) {
        best = c;
      }
    }
    return best;
  }
}
