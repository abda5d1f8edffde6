package io.propius.policy.reduce.builtin;

import io.propius.policy.reduce.Accumulator;

/** {@code sum}: the element-wise sum of the uploads, ignoring sample weights (e.g. secure-sum style counts). */
public final class SumReducer extends ElementwiseReducer {
  @Override
  public String name() {
    return "sum";
  }

  @Override
  Accumulator accumulator(int length, double[] state, long contributors, double weight, Float32Fold.Impl vector) {
    return vector == null ? new PlainSums(length, state, contributors, weight)
        : new VectorPlainSums(length, state, contributors, weight, vector);
  }

  // See FedAvgReducer.VectorWeightedSums.
  private static final class VectorPlainSums extends PlainSums {
    private final Float32Fold.Impl vector;

    VectorPlainSums(int length, double[] state, long contributors, double weight, Float32Fold.Impl vector) {
      super(length, state, contributors, weight);
      this.vector = vector;
    }

    @Override
    protected Class<PlainSums> mergeKind() {
      return PlainSums.class;
    }

    @Override
    protected void fold(float[] values, double weight) {
      vector.plain(state, values, length);
    }

    @Override
    protected void foldFirst(float[] values, double weight) {
      vector.plainFirst(state, values, length);
    }
  }

  // Same shape as FedAvgReducer.WeightedSums on purpose: only the folds (no weight) and aggregate (no
  // division) differ, and those methods are the whole of each reducer.
  private static class PlainSums extends Sums {
    PlainSums(int length, double[] state, long contributors, double weight) {
      super(length, state, contributors, weight);
    }

    @Override
    protected void fold(double[] values, double weight) {
      for (int i = 0; i < length; i++) {
        state[i] += values[i];
      }
    }

    @Override
    protected void foldFirst(double[] values, double weight) {
      System.arraycopy(values, 0, state, 0, length);
    }

    @Override
    protected void fold(float[] values, double weight) {
      for (int i = 0; i < length; i++) {
        state[i] += values[i];
      }
    }

    @Override
    protected void foldFirst(float[] values, double weight) {
      for (int i = 0; i < length; i++) {
        state[i] = values[i];
      }
    }

    @Override
    protected double[] aggregate() {
      return state.clone();
    }
  }
}
