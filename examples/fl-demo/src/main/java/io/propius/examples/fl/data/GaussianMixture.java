package io.propius.examples.fl.data;

import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * A seeded synthetic classification task: each class is a mixture of a few Gaussian blobs in
 * {@code dims} dimensions. One blob per class is nearly linearly separable (logistic regression's
 * home ground); several blobs per class put classes in interleaved pockets that a hidden layer
 * separates better. Nothing is downloaded: the same seed gives the same task everywhere.
 */
public final class GaussianMixture {
  private final int dims;
  private final int classes;
  private final double[][][] means;
  private final double noise;

  /**
   * @param modesPerClass blobs per class
   * @param spread standard deviation of the blob centres (larger: easier)
   * @param noise standard deviation of samples around their centre
   */
  public GaussianMixture(long seed, int dims, int classes, int modesPerClass, double spread, double noise) {
    this.dims = dims;
    this.classes = classes;
    this.noise = noise;
    Random rnd = new Random(seed);
    means = new double[classes][modesPerClass][dims];
    for (double[][] c : means) {
      for (double[] m : c) {
        for (int j = 0; j < dims; j++) {
          m[j] = rnd.nextGaussian() * spread;
        }
      }
    }
  }

  public int dims() {
    return dims;
  }

  public int classes() {
    return classes;
  }

  /** {@code n} samples whose classes are drawn from {@code classWeights} (uniform when null). */
  public Dataset sample(int n, double[] classWeights, SplittableRandom rnd) {
    float[] x = new float[n * dims];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      int c = classWeights == null ? rnd.nextInt(classes) : draw(classWeights, rnd);
      double[] mean = means[c][rnd.nextInt(means[c].length)];
      for (int j = 0; j < dims; j++) {
        x[i * dims + j] = (float) (mean[j] + Normal.draw(rnd) * noise);
      }
      y[i] = c;
    }
    return new Dataset(x, y, dims, classes);
  }

  /**
   * A non-IID class mix for one device: most of its data from a couple of favourite classes
   * ({@code skew} of the mass), the rest spread over all classes.
   */
  public double[] skewedClassWeights(int favourites, double skew, SplittableRandom rnd) {
    double[] w = new double[classes];
    Arrays.fill(w, (1 - skew) / classes);
    for (int f = 0; f < favourites; f++) {
      w[rnd.nextInt(classes)] += skew / favourites;
    }
    return w;
  }

  private static int draw(double[] weights, SplittableRandom rnd) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double u = rnd.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      u -= weights[i];
      if (u <= 0) {
        return i;
      }
    }
    return weights.length - 1;
  }
}
