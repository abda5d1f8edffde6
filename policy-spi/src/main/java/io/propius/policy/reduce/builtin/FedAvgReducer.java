package io.propius.policy.reduce.builtin;

import io.propius.policy.reduce.Accumulator;
import io.propius.policy.reduce.Reducer;
import io.propius.policy.reduce.VectorAccumulator;

/**
 * {@code fedavg}: the sample-weighted mean of the uploads (McMahan et al.). A partial carries the
 * weighted sums {@code Σ w·x} and the total weight {@code Σ w}; the result divides them.
 */
public final class FedAvgReducer implements Reducer {
  @Override
  public String name() {
    return "fedavg";
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
    return new Sums(tensorLength, new double[tensorLength], 0, 0);
  }

  @Override
  public Accumulator fromState(int tensorLength, long contributors, double weight, double[] state) {
    return new Sums(tensorLength, VectorAccumulator.checked(state, tensorLength, name()), contributors, weight);
  }

  private static final class Sums extends VectorAccumulator {
    Sums(int length, double[] state, long contributors, double weight) {
      super(length, state, contributors, weight);
    }

    @Override
    protected void fold(double[] values, double weight) {
      for (int i = 0; i < length; i++) {
        state[i] += weight * values[i];
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
