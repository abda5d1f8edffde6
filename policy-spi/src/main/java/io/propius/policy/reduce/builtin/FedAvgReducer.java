package io.propius.policy.reduce.builtin;

import io.propius.policy.reduce.Accumulator;

/**
 * {@code fedavg}: the sample-weighted mean of the uploads (McMahan et al.). A partial carries the
 * weighted sums {@code Σ w·x} and the total weight {@code Σ w}; the result divides them.
 */
public final class FedAvgReducer extends ElementwiseReducer {
  @Override
  public String name() {
    return "fedavg";
  }

  @Override
  Accumulator accumulator(int length, double[] state, long contributors, double weight, Float32Fold.Impl vector) {
    return vector == null ? new WeightedSums(length, state, contributors, weight)
        : new VectorWeightedSums(length, state, contributors, weight, vector);
  }

  // A subclass rather than a branch in the folds: with the branch in WeightedSums, its scalar fold
  // measured up to 1.8x slower (UploadWorkCost), so the class the scalar path runs stays as it was.
  private static final class VectorWeightedSums extends WeightedSums {
    private final Float32Fold.Impl vector;

    VectorWeightedSums(int length, double[] state, long contributors, double weight, Float32Fold.Impl vector) {
      super(length, state, contributors, weight);
      this.vector = vector;
    }

    @Override
    protected Class<WeightedSums> mergeKind() {
      return WeightedSums.class;
    }

    @Override
    protected void fold(float[] values, double weight) {
      vector.weighted(state, values, weight, length);
    }

    @Override
    protected void foldFirst(float[] values, double weight) {
      vector.weightedFirst(state, values, weight, length);
    }
  }

  private static class WeightedSums extends Sums {
    WeightedSums(int length, double[] state, long contributors, double weight) {
      super(length, state, contributors, weight);
    }

    @Override
    protected void fold(double[] values, double weight) {
      for (int i = 0; i < length; i++) {
        state[i] += weight * values[i];
      }
    }

    @Override
    protected void foldFirst(double[] values, double weight) {
      for (int i = 0; i < length; i++) {
        state[i] = weight * values[i];
      }
    }

    @Override
    protected void fold(float[] values, double weight) {
      for (int i = 0; i < length; i++) {
        state[i] += weight * values[i];
      }
    }

    @Override
    protected void foldFirst(float[] values, double weight) {
      for (int i = 0; i < length; i++) {
        state[i] = weight * values[i];
      }
    }

    @Override
    protected double[] aggregate() {
      double w = weight();
      double[] mean = new double[length];
      if (w > 0) {
        for (int i = 0; i < length; i++) {
          mean[i] = state[i] / w;
        }
      }
      return mean;
    }
  }
}
