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
  /** Cleared but not yet emptied: the state holds a previous batch until the first fold overwrites it. */
  private boolean stale;

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

  /** The aggregate tensor computed from {@link #state}; see {@link #result}. */
  protected abstract double[] aggregate();

  /** Writes the empty state (what the reducer's new accumulator starts from) into {@link #state}. */
  protected void empty() {
    Arrays.fill(state, 0);
  }

  /**
   * Folds the first contribution after {@link #clear}, over the previous contents of {@link #state}.
   * Subclasses whose fold of one contribution into the empty state is a plain write override this,
   * so that reuse costs no pass to empty the state first.
   */
  protected void foldFirst(double[] values, double weight) {
    empty();
    fold(values, weight);
  }

  /**
   * Adds one float32 contribution's values to {@link #state}, as {@link #fold(double[], double)}
   * would add them widened. This default widens them into a new array; reducers whose fold is a
   * loop over the values override it, widening each value where it is used.
   */
  protected void fold(float[] values, double weight) {
    fold(Accumulator.widened(values), weight);
  }

  /** {@link #foldFirst(double[], double)} for float32 values; see {@link #fold(float[], double)}. */
  protected void foldFirst(float[] values, double weight) {
    foldFirst(Accumulator.widened(values), weight);
  }

  @Override
  public final void add(float[] values, double w) {
    if (admit(values.length, w)) {
      foldFirst(values, w);
    } else {
      fold(values, w);
    }
    counted(w);
  }

  private void counted(double w) {
    contributors++;
    weight += w;
  }

  /**
   * Checks a contribution; the caller folds it next, as the first since {@link #clear} (over the
   * state's leftovers) when this returns true, and then {@link #counted counts} it.
   */
  private boolean admit(int values, double w) {
    check(values, w);
    boolean first = stale;
    stale = false;
    return first;
  }

  private void check(int values, double w) {
    if (values != length) {
      throw new IllegalArgumentException("contribution has " + values + " values, expected " + length);
    }
    if (!(w > 0) || Double.isInfinite(w)) {
      throw new IllegalArgumentException("sample weight must be positive and finite, got " + w);
    }
  }

  @Override
  public final void add(double[] values, double w) {
    if (admit(values.length, w)) {
      foldFirst(values, w);
    } else {
      fold(values, w);
    }
    counted(w);
  }

  /**
   * The kind of accumulator this one merges with: its own class, unless it is a subclass that
   * differs from its parent only in how it folds (the same state, the same merge), such as a
   * vectorized fold of the same reducer. Accumulators of the same kind merge, whichever fold made them.
   */
  protected Class<? extends VectorAccumulator> mergeKind() {
    return getClass();
  }

  @Override
  public final void merge(Accumulator other) {
    if (!(other instanceof VectorAccumulator o) || o.mergeKind() != mergeKind() || o.length != length) {
      throw new IllegalArgumentException("cannot merge a " + other.getClass().getSimpleName() + " into a "
          + getClass().getSimpleName() + " of length " + length);
    }
    settle();
    o.settle();
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
    settle();
    return state.clone();
  }

  @Override
  public final double[] result() {
    settle();
    return aggregate();
  }

  @Override
  public final double[] sharedState() {
    settle();
    return state;
  }

  /** Empties lazily: the next fold overwrites the state instead of adding to it. */
  @Override
  public final void clear() {
    contributors = 0;
    weight = 0;
    stale = true;
  }

  /** Empties the state now if {@link #clear} left it stale and something reads it before a fold. */
  private void settle() {
    if (stale) {
      stale = false;
      empty();
    }
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
    settle();
    return getClass().getSimpleName() + "[n=" + length + ", contributors=" + contributors + ", weight=" + weight
        + ", state=" + Arrays.toString(Arrays.copyOf(state, Math.min(4, state.length))) + "...]";
  }
}
