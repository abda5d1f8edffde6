package io.propius.policy.reduce;

/**
 * A partial aggregate: folds contributions one at a time without keeping them, and merges with
 * other partials of the same reducer and tensor length. Not thread-safe.
 */
public interface Accumulator {
  /**
   * Folds one contribution.
   *
   * @param values the device's tensor, exactly the round's length; not retained
   * @param weight its sample weight, positive
   */
  void add(double[] values, double weight);

  /**
   * Folds one contribution given as float32 values (an upload's body as sent), as
   * {@link #add(double[], double)} would fold them widened to doubles. This default widens them into
   * a new array; accumulators that can fold floats as they are override it.
   *
   * @param values the device's tensor, exactly the round's length; not retained
   * @param weight its sample weight, positive
   */
  default void add(float[] values, double weight) {
    add(widened(values), weight);
  }

  /** The values as doubles, in a new array. */
  static double[] widened(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  /**
   * Folds another partial into this one.
   *
   * @throws IllegalArgumentException when it comes from another reducer or tensor length
   */
  void merge(Accumulator other);

  /** Contributions folded in, directly or through merged partials. */
  long contributors();

  /** Sum of the contributions' sample weights. */
  double weight();

  /** A copy of the reducer-specific state vector (what travels up the tree). */
  double[] state();

  /**
   * The state vector itself when the accumulator can hand it out without a copy, else a copy: for a
   * caller that only reads it, and only until the accumulator next changes (a group commit encoding
   * it into a journal record), which spares copying a vector per commit.
   */
  default double[] sharedState() {
    return state();
  }

  /**
   * Empties the accumulator for reuse, as if freshly made by its reducer, so a busy node need not
   * allocate (and zero) a state vector per batch.
   *
   * @throws UnsupportedOperationException when this accumulator cannot be reused
   */
  default void clear() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot be cleared");
  }

  /** The aggregate tensor so far. */
  double[] result();
}
