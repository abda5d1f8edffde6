package io.propius.edge.http;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Reused arrays for decoding uploads into: an upload's values live only from its first byte until
 * it is folded into an aggregate, and allocating (and zeroing) a fresh array of tens of KB for
 * each was a top cost of the upload path. Confined to one event loop; keeps a bounded number of
 * arrays per length, so a burst of concurrent uploads is not held on to for ever.
 */
final class ValueArrays {
  private static final int KEPT_PER_LENGTH = 64;
  private final Map<Integer, ArrayDeque<double[]>> free = new HashMap<>();

  /** An array of this length; its contents are whatever it last held. */
  double[] take(int length) {
    ArrayDeque<double[]> arrays = free.get(length);
    double[] a = arrays == null ? null : arrays.pollLast();
    return a != null ? a : new double[length];
  }

  /** Gives an array back once nothing refers to its values any more. */
  void giveBack(double[] array) {
    ArrayDeque<double[]> arrays = free.computeIfAbsent(array.length, n -> new ArrayDeque<>());
    if (arrays.size() < KEPT_PER_LENGTH) {
      arrays.addLast(array);
    }
  }
}
