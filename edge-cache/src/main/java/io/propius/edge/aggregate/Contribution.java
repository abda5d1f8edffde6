package io.propius.edge.aggregate;

import io.propius.api.tensor.FloatSlices;
import io.propius.policy.reduce.Accumulator;

/**
 * One device's tensor and sample weight, in the form its upload brought them: a float32 body is
 * folded from its chunks as received, a float64 one from its decoded values.
 */
@FunctionalInterface
public interface Contribution {
  /** Folds the contribution into {@code sum}; it may be called once only, the values being given back after. */
  void foldInto(Accumulator sum);

  static Contribution of(double[] values, double weight) {
    return sum -> sum.add(values, weight);
  }

  static Contribution of(FloatSlices values, double weight) {
    return sum -> sum.add(values, weight);
  }
}
