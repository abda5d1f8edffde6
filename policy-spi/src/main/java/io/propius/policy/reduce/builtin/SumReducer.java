package io.propius.policy.reduce.builtin;

import io.propius.policy.reduce.Accumulator;
import io.propius.policy.reduce.Reducer;
import io.propius.policy.reduce.VectorAccumulator;

/** {@code sum}: the element-wise sum of the uploads, ignoring sample weights (e.g. secure-sum style counts). */
public final class SumReducer implements Reducer {
  @Override
  public String name() {
    return "sum";
  }

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
    return new Sum(tensorLength, new double[tensorLength], 0, 0);
  }

  @Override
  public Accumulator fromState(int tensorLength, long contributors, double weight, double[] state) {
    return new Sum(tensorLength, VectorAccumulator.checked(state, tensorLength, name()), contributors, weight);
  }

  private static final class Sum extends VectorAccumulator {
    Sum(int length, double[] state, long contributors, double weight) {
      super(length, state, contributors, weight);
    }

    @Override
    protected void fold(double[] values, double weight) {
      for (int i = 0; i < length; i++) {
        state[i] += values[i];
      }
    }

    @Override
    protected void combine(double[] other) {
      for (int i = 0; i < length; i++) {
        state[i] += other[i];
      }
    }

    @Override
    public double[] result() {
      return state.clone();
    }
  }
}
