package io.propius.examples.fl.model;

import java.util.SplittableRandom;

/** Softmax cross-entropy on logits, shared by both models. */
final class Softmax {
  private Softmax() {
  }

  /** Turns logits into probabilities in place; returns {@code -log p[label]}. */
  static double crossEntropy(double[] logits, int label) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      logits[i] = Math.exp(logits[i] - max);
      sum += logits[i];
    }
    for (int i = 0; i < logits.length; i++) {
      logits[i] /= sum;
    }
    return -Math.log(Math.max(logits[label], 1e-12));
  }

  static int argmax(double[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  static void shuffle(int[] order, int n, SplittableRandom rnd) {
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  }
}
