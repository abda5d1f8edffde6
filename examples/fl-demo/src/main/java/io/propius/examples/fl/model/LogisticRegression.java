package io.propius.examples.fl.model;

import io.propius.examples.fl.data.Dataset;
import java.util.SplittableRandom;

/** Multinomial logistic regression: {@code W (classes × dims)} then {@code b (classes)}. */
public final class LogisticRegression implements Model {
  private final int dims;
  private final int classes;

  public LogisticRegression(int dims, int classes) {
    this.dims = dims;
    this.classes = classes;
  }

  @Override
  public String name() {
    return "logreg";
  }

  @Override
  public int parameterCount() {
    return classes * dims + classes;
  }

  @Override
  public double[] initialParameters(long seed) {
    return new double[parameterCount()];
  }

  @Override
  public double train(double[] w, Dataset data, int[] order, int samples, int epochs, double lr, int batch,
                      SplittableRandom rnd) {
    double[] p = new double[classes];
    int bias = classes * dims;
    return MinibatchSgd.train(w, order, samples, epochs, lr, batch, rnd, (i, grad) -> {
      int off = data.offset(i);
      logits(w, data.features(), off, p);
      double loss = Softmax.crossEntropy(p, data.labels()[i]);
      p[data.labels()[i]] -= 1;
      for (int c = 0; c < classes; c++) {
        double g = p[c];
        int row = c * dims;
        for (int j = 0; j < dims; j++) {
          grad[row + j] += g * data.features()[off + j];
        }
        grad[bias + c] += g;
      }
      return loss;
    });
  }

  private void logits(double[] w, float[] x, int off, double[] out) {
    int bias = classes * dims;
    for (int c = 0; c < classes; c++) {
      double z = w[bias + c];
      int row = c * dims;
      for (int j = 0; j < dims; j++) {
        z += w[row + j] * x[off + j];
      }
      out[c] = z;
    }
  }

  @Override
  public Evaluation evaluate(double[] w, Dataset data) {
    double[] p = new double[classes];
    double loss = 0;
    int right = 0;
    for (int i = 0; i < data.size(); i++) {
      logits(w, data.features(), data.offset(i), p);
      int predicted = Softmax.argmax(p);
      loss += Softmax.crossEntropy(p, data.labels()[i]);
      right += predicted == data.labels()[i] ? 1 : 0;
    }
    return new Evaluation(loss / data.size(), (double) right / data.size());
  }
}
