package io.propius.policy.reduce;

import java.util.Arrays;

/**
 * Base of accumulators whose state is one double vector plus the contributor count and total
 * weight; subclasses say how a contribution folds in, how two states merge and what the result is.
 */
public abstract class VectorAccumulator implements Accumulator {
  /** Length of each contribution. */
  protected final int length;
  /** The reducer-specific state; subclasses update it in place. */
  protected final double[] state;
  private long contributors;
  private double weight;

  protected VectorAccumulator(int length, double[] state, long contributors, double weight) {
    if (length < 0) {
      throw new IllegalArgumentException("tensor length must be >= 0, got " + length);
    }
    this.length = length;
    this.state = state;
    this.contributors = contributors;
    this.weight = weight;
  }

  /** Adds one contribution's values to {@link #state}. */
  protected abstract void fold(double[] values, double weight);

  /** Merges another state of the same layout into {@link #state}. */
  protected abstract void combine(double[] other);

  @Override
  public final void add(double[] values, double w) {
    if (values.length != length) {
      throw new IllegalArgumentException("contribution has " + values.length + " values, expected " + length);
    }
    if (!(w > 0) || Double.isInfinite(w)) {
      throw new IllegalArgumentException("sample weight must be positive and finite, got " + w);
    }
    fold(values, w);
    contributors++;
    weight += w;
  }

  @Override
  public final void merge(Accumulator other) {
    if (other.getClass() != getClass() || ((VectorAccumulator) other).length != length) {
      throw new IllegalArgumentException("cannot merge a " + other.getClass().getSimpleName() + " into a "
          + getClass().getSimpleName() + " of length " + length);
    }
    VectorAccumulator o = (VectorAccumulator) other;
    combine(o.state);
    contributors += o.contributors;
    weight += o.weight;
  }

  @Override
  public final long contributors() {
    return contributors;
  }

  @Override
  public final double weight() {
    return weight;
  }

  @Override
  public final double[] state() {
    return state.clone();
  }

  /** Checks a received state's length; for {@link Reducer#fromState} implementations. */
  public static double[] checked(double[] state, int expected, String reducer) {
    if (state.length != expected) {
      throw new IllegalArgumentException(reducer + " state has " + state.length + " values, expected " + expected);
    }
    return state.clone();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[n=" + length + ", contributors=" + contributors + ", weight=" + weight
        + ", state=" + Arrays.toString(Arrays.copyOf(state, Math.min(4, state.length))) + "...]";
  }
}
