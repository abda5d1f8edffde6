package io.propius.examples.fl.model;

import io.propius.examples.fl.data.Dataset;
import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * A one-hidden-layer perceptron with ReLU: {@code W1 (hidden × dims), b1, W2 (classes × hidden), b2},
 * flattened in that order.
 */
public final class Mlp implements Model {
  private final int dims;
  private final int hidden;
  private final int classes;
  private final int b1;
  private final int w2;
  private final int b2;

  public Mlp(int dims, int hidden, int classes) {
    this.dims = dims;
    this.hidden = hidden;
    this.classes = classes;
    this.b1 = hidden * dims;
    this.w2 = b1 + hidden;
    this.b2 = w2 + classes * hidden;
  }

  @Override
  public String name() {
    return "mlp";
  }

  @Override
  public int parameterCount() {
    return b2 + classes;
  }

  @Override
  public double[] initialParameters(long seed) {
    Random rnd = new Random(seed);
    double[] w = new double[parameterCount()];
    double s1 = Math.sqrt(2.0 / dims);
    for (int k = 0; k < b1; k++) {
      w[k] = rnd.nextGaussian() * s1;
    }
    double s2 = Math.sqrt(1.0 / hidden);
    for (int k = w2; k < b2; k++) {
      w[k] = rnd.nextGaussian() * s2;
    }
    return w;
  }

  private void forward(double[] w, float[] x, int off, double[] h, double[] out) {
    for (int u = 0; u < hidden; u++) {
      double z = w[b1 + u];
      int row = u * dims;
      for (int j = 0; j < dims; j++) {
        z += w[row + j] * x[off + j];
      }
      h[u] = Math.max(0, z);
    }
    for (int c = 0; c < classes; c++) {
      double z = w[b2 + c];
      int row = w2 + c * hidden;
      for (int u = 0; u < hidden; u++) {
        z += w[row + u] * h[u];
      }
      out[c] = z;
    }
  }

  @Override
  public double train(double[] w, Dataset data, int[] order, int samples, int epochs, double lr, int batch,
                      SplittableRandom rnd) {
    double[] h = new double[hidden];
    double[] dh = new double[hidden];
    double[] p = new double[classes];
    float[] x = data.features();
    return MinibatchSgd.train(w, order, samples, epochs, lr, batch, rnd, (i, grad) -> {
      int off = data.offset(i);
      forward(w, x, off, h, p);
      double loss = Softmax.crossEntropy(p, data.labels()[i]);
      p[data.labels()[i]] -= 1;
      Arrays.fill(dh, 0);
      for (int c = 0; c < classes; c++) {
        int row = w2 + c * hidden;
        for (int u = 0; u < hidden; u++) {
          grad[row + u] += p[c] * h[u];
          dh[u] += p[c] * w[row + u];
        }
        grad[b2 + c] += p[c];
      }
      for (int u = 0; u < hidden; u++) {
        if (h[u] <= 0) {
          continue;
        }
        int row = u * dims;
        for (int j = 0; j < dims; j++) {
          grad[row + j] += dh[u] * x[off + j];
        }
        grad[b1 + u] += dh[u];
      }
      return loss;
    });
  }

  @Override
  public Evaluation evaluate(double[] w, Dataset data) {
    double[] h = new double[hidden];
    double[] p = new double[classes];
    double loss = 0;
    int right = 0;
    for (int i = 0; i < data.size(); i++) {
      forward(w, data.features(), data.offset(i), h, p);
      int predicted = Softmax.argmax(p);
      loss += Softmax.crossEntropy(p, data.labels()[i]);
      right += predicted == data.labels()[i] ? 1 : 0;
    }
    return new Evaluation(loss / data.size(), (double) right / data.size());
  }
}
