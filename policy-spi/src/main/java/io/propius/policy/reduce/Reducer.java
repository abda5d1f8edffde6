package io.propius.policy.reduce;

/**
 * A data-plane reducer plug-in: how the device results of one round combine into the aggregate a
 * job fetches. Found with {@link java.util.ServiceLoader} (list implementations in
 * {@code META-INF/services/io.propius.policy.reduce.Reducer}) and chosen per job by {@link #name()}.
 *
 * <p>Edge nodes fold uploads into an {@link Accumulator} as they arrive and ship its
 * {@link Accumulator#state() state} up the tree, where states merge. So the reduction must be
 * associative and commutative: any grouping and order of the same contributions gives the same
 * aggregate (up to floating-point rounding; accumulate in double).
 */
public interface Reducer {
  /** Stable lower-case name, e.g. {@code fedavg}. */
  String name();

  /** Length of the aggregate tensor for uploads of {@code tensorLength} values. */
  int resultLength(int tensorLength);

  /** Length of the partial state vector for uploads of {@code tensorLength} values. */
  int stateLength(int tensorLength);

  /** An empty accumulator for uploads of {@code tensorLength} values. */
  Accumulator newAccumulator(int tensorLength);

  /**
   * An accumulator holding a partial made elsewhere from {@link Accumulator#state()},
   * {@link Accumulator#contributors()} and {@link Accumulator#weight()} of this reducer.
   *
   * @throws IllegalArgumentException when {@code state} has not {@link #stateLength} values
   */
  Accumulator fromState(int tensorLength, long contributors, double weight, double[] state);
}
