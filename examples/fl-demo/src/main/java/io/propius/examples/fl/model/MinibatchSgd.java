package io.propius.examples.fl.model;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Plain mini-batch SGD over a shuffled sample order, shared by both models; only the per-sample gradient differs. */
final class MinibatchSgd {
  /** One sample's step: adds its gradient to {@code grad} and returns its loss. */
  interface SampleGradient {
    double accumulate(int sample, double[] grad);
  }

  private MinibatchSgd() {
  }

  /** Trains {@code w} in place; returns the mean loss of the last epoch. */
  static double train(double[] w, int[] order, int samples, int epochs, double lr, int batch, SplittableRandom rnd,
                      SampleGradient gradient) {
    double[] grad = new double[w.length];
    double lastLoss = 0;
    for (int e = 0; e < epochs; e++) {
      Softmax.shuffle(order, samples, rnd);
      double loss = 0;
      for (int start = 0; start < samples; start += batch) {
        int end = Math.min(samples, start + batch);
        Arrays.fill(grad, 0);
        for (int s = start; s < end; s++) {
          loss += gradient.accumulate(order[s], grad);
        }
        double step = lr / (end - start);
        for (int k = 0; k < w.length; k++) {
          w[k] -= step * grad[k];
        }
      }
      lastLoss = loss / Math.max(1, samples);
    }
    return lastLoss;
  }
}
