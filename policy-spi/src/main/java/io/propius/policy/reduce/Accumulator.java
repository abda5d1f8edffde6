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

  /** The aggregate tensor so far. */
  double[] result();
}
