package io.propius.policy.reduce.builtin;

import io.propius.policy.reduce.Accumulator;
import io.propius.policy.reduce.Reducer;
import io.propius.policy.reduce.VectorAccumulator;
import java.util.Arrays;

/**
 * {@code metrics}: summary statistics of scalar metrics (loss, accuracy...), one per tensor
 * element. The result has four values per element {@code i}: at {@code 4i} the count, then the
 * mean (unweighted, over contributors), the minimum and the maximum. The state holds sums, minima
 * and maxima ({@code 3n} values); the count is the contributor count.
 */
public final class MetricsReducer implements Reducer {
  @Override
  public String name() {
    return "metrics";
  }

  @Override
  public int resultLength(int tensorLength) {
    return 4 * tensorLength;
  }

  @Override
  public int stateLength(int tensorLength) {
    return 3 * tensorLength;
  }

  @Override
  public Accumulator newAccumulator(int tensorLength) {
    Summary summary = new Summary(tensorLength, new double[3 * tensorLength], 0, 0);
    summary.empty();
    return summary;
  }

  @Override
  public Accumulator fromState(int tensorLength, long contributors, double weight, double[] state) {
    return new Summary(tensorLength, VectorAccumulator.checked(state, 3 * tensorLength, name()), contributors, weight);
  }

  private static final class Summary extends VectorAccumulator {
    Summary(int length, double[] state, long contributors, double weight) {
      super(length, state, contributors, weight);
    }

    @Override
    protected void fold(double[] values, double weight) {
      for (int i = 0; i < length; i++) {
        double v = values[i];
        state[i] += v;
        state[length + i] = Math.min(state[length + i], v);
        state[2 * length + i] = Math.max(state[2 * length + i], v);
      }
    }

    @Override
    protected void empty() {
      Arrays.fill(state, 0, length, 0);
      Arrays.fill(state, length, 2 * length, Double.POSITIVE_INFINITY);
      Arrays.fill(state, 2 * length, 3 * length, Double.NEGATIVE_INFINITY);
    }

    @Override
    protected void combine(double[] other) {
      for (int i = 0; i < length; i++) {
        state[i] += other[i];
        state[length + i] = Math.min(state[length + i], other[length + i]);
        state[2 * length + i] = Math.max(state[2 * length + i], other[2 * length + i]);
      }
    }

    @Override
    protected double[] aggregate() {
      long n = contributors();
      double[] out = new double[4 * length];
      for (int i = 0; i < length; i++) {
        out[4 * i] = n;
        out[4 * i + 1] = n == 0 ? Double.NaN : state[i] / n;
        out[4 * i + 2] = state[length + i];
        out[4 * i + 3] = state[2 * length + i];
      }
      return out;
    }
  }
}
