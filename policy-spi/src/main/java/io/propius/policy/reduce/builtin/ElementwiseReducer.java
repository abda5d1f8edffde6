package io.propius.policy.reduce.builtin;

import io.propius.policy.reduce.Accumulator;
import io.propius.policy.reduce.Reducer;
import io.propius.policy.reduce.VectorAccumulator;

/**
 * Reducers whose state is one double per tensor value and whose partials merge by element-wise
 * sum ({@code fedavg}, {@code sum}); they differ only in how a contribution folds in and what the
 * result is.
 */
abstract class ElementwiseReducer implements Reducer {
  @Override
  public int resultLength(int tensorLength) {
    return tensorLength;
  }

  @Override
  public int stateLength(int tensorLength) {
    return tensorLength;
  }

  @Override
  public Accumulator newAccumulator(int tensorLength) {
    return newAccumulator(tensorLength, Float32Fold.vector());
  }

  /** An empty accumulator folding float32 with {@code vector}, or the scalar loops when null. */
  Accumulator newAccumulator(int tensorLength, Float32Fold.Impl vector) {
    return accumulator(tensorLength, new double[tensorLength], 0, 0, vector);
  }

  @Override
  public Accumulator fromState(int tensorLength, long contributors, double weight, double[] state) {
    return accumulator(tensorLength, VectorAccumulator.checked(state, tensorLength, name()), contributors, weight,
        Float32Fold.vector());
  }

  /** @param vector the vector float32 fold, or null for the reducer's scalar loops */
  abstract Accumulator accumulator(int length, double[] state, long contributors, double weight,
                                   Float32Fold.Impl vector);

  /** A state merged with another by adding them element-wise. */
  abstract static class Sums extends VectorAccumulator {
    Sums(int length, double[] state, long contributors, double weight) {
      super(length, state, contributors, weight);
    }

    @Override
    protected final void combine(double[] other) {
      for (int i = 0; i < length; i++) {
        state[i] += other[i];
      }
    }
  }
}
