package io.propius.examples.fl.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Splits a data set across devices the way federated benchmarks model real devices: each device
 * draws its class mix from a Dirichlet(α) (small α: a device sees few classes; large α: close to
 * the global mix) and its size from a log-normal (quantity skew). Every example goes to exactly
 * one device.
 */
public final class DirichletPartition {
  private DirichletPartition() {
  }

  /**
   * @param labels the class of every example
   * @param devices how many parts
   * @param alpha Dirichlet concentration, {@code > 0}
   * @param sizeSigma standard deviation of the log of a device's size (0: equal sizes)
   * @return for each device, the indices of its examples
   */
  public static int[][] split(int[] labels, int classes, int devices, double alpha, double sizeSigma, long seed) {
    if (devices < 1 || devices > labels.length) {
      throw new IllegalArgumentException("devices must be in 1.." + labels.length + ", got " + devices);
    }
    if (!(alpha > 0) || sizeSigma < 0) {
      throw new IllegalArgumentException("alpha must be > 0 and sizeSigma >= 0, got " + alpha + ", " + sizeSigma);
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    List<List<Integer>> pools = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      pools.add(new ArrayList<>());
    }
    for (int i = 0; i < labels.length; i++) {
      pools.get(labels[i]).add(i);
    }
    for (List<Integer> pool : pools) {
      shuffle(pool, rnd);
    }
    int[] sizes = sizes(labels.length, devices, sizeSigma, rnd);
    int[][] parts = new int[devices][];
    for (int d = 0; d < devices; d++) {
      double[] mix = dirichlet(classes, alpha, rnd);
      int[] part = new int[sizes[d]];
      for (int k = 0; k < part.length; k++) {
        int c = draw(mix, pools, rnd);
        List<Integer> pool = pools.get(c);
        part[k] = pool.remove(pool.size() - 1);
      }
      parts[d] = part;
    }
    return parts;
  }

  /**
   * How far the parts' class mixes are from the whole set's: the mean, over parts, of the total
   * variation distance between a part's class distribution and the global one (0: IID; near 1:
   * every part holds classes the others do not).
   */
  public static double labelSkew(int[] labels, int classes, int[][] parts) {
    double[] global = new double[classes];
    for (int y : labels) {
      global[y] += 1.0 / labels.length;
    }
    double sum = 0;
    for (int[] part : parts) {
      double[] local = new double[classes];
      for (int i : part) {
        local[labels[i]] += 1.0 / part.length;
      }
      double tv = 0;
      for (int c = 0; c < classes; c++) {
        tv += Math.abs(local[c] - global[c]) / 2;
      }
      sum += tv;
    }
    return sum / parts.length;
  }

  /** Log-normal sizes, at least one example each, summing to {@code n}. */
  private static int[] sizes(int n, int devices, double sigma, SplittableRandom rnd) {
    double[] w = new double[devices];
    double total = 0;
    for (int d = 0; d < devices; d++) {
      w[d] = Math.exp(sigma * Normal.draw(rnd));
      total += w[d];
    }
    int[] sizes = new int[devices];
    int left = n - devices;
    int given = 0;
    for (int d = 0; d < devices; d++) {
      sizes[d] = 1 + (int) Math.floor(left * w[d] / total);
      given += sizes[d];
    }
    // The rounding remainder, one example at a time, round-robin.
    for (int d = 0; given < n; d = (d + 1) % devices) {
      sizes[d]++;
      given++;
    }
    return sizes;
  }

  /** A class drawn from {@code mix}, restricted to classes with examples left. */
  private static int draw(double[] mix, List<List<Integer>> pools, SplittableRandom rnd) {
    double total = 0;
    for (int c = 0; c < mix.length; c++) {
      total += pools.get(c).isEmpty() ? 0 : mix[c];
    }
    if (total <= 0) {
      // Every class this device favours is used up: take from the largest pool left.
      int best = 0;
      for (int c = 1; c < pools.size(); c++) {
        if (pools.get(c).size() > pools.get(best).size()) {
          best = c;
        }
      }
      return best;
    }
    double u = rnd.nextDouble() * total;
    int last = 0;
    for (int c = 0; c < mix.length; c++) {
      if (pools.get(c).isEmpty()) {
        continue;
      }
      last = c;
      u -= mix[c];
      if (u <= 0) {
        return c;
      }
    }
    return last;
  }

  static double[] dirichlet(int k, double alpha, SplittableRandom rnd) {
    double[] x = new double[k];
    double sum = 0;
    for (int i = 0; i < k; i++) {
      x[i] = gamma(alpha, rnd);
      sum += x[i];
    }
    if (sum <= 0) {
      // Every draw underflowed (tiny α): all mass on one class, which is the limit anyway.
      Arrays.fill(x, 0);
      x[rnd.nextInt(k)] = 1;
      return x;
    }
    for (int i = 0; i < k; i++) {
      x[i] /= sum;
    }
    return x;
  }

  /** Marsaglia and Tsang's Gamma(shape, 1) sampler, boosted for shape below 1. */
  private static double gamma(double shape, SplittableRandom rnd) {
    if (shape < 1) {
      return gamma(shape + 1, rnd) * Math.pow(rnd.nextDouble(), 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double z = Normal.draw(rnd);
      double v = 1 + c * z;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = rnd.nextDouble();
      if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }

  private static void shuffle(List<Integer> list, SplittableRandom rnd) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      Integer t = list.get(i);
      list.set(i, list.get(j));
      list.set(j, t);
    }
  }

}
