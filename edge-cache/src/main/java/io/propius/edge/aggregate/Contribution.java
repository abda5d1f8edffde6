package io.propius.edge.aggregate;

import io.propius.policy.reduce.Accumulator;

/**
 * One device's tensor and sample weight, in the form its upload brought them: float32 values are
 * widened only as they are folded, float64 ones folded as decoded.
 */
@FunctionalInterface
public interface Contribution {
  /** Folds the contribution into {@code sum}; it may be called once only, the values being given back after. */
  void foldInto(Accumulator sum);

  static Contribution of(double[] values, double weight) {
    return sum -> sum.add(values, weight);
  }

  static Contribution of(float[] values, double weight) {
    return sum -> sum.add(values, weight);
  }
}
