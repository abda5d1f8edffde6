package io.propius.edge.http;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/**
 * Reused arrays for decoding uploads into: an upload's values live only from its first byte until
 * it is folded into an aggregate, and allocating (and zeroing) a fresh array of tens of KB for
 * each was a top cost of the upload path; a fresh one of many MB is also a humongous allocation the
 * GC must reclaim. Confined to one event loop; keeps a bounded number of arrays per length, so a
 * burst of concurrent uploads is not held on to for ever.
 *
 * @param <A> the array type
 */
final class ValueArrays<A> {
  private static final int KEPT_PER_LENGTH = 64;
  private final Map<Integer, ArrayDeque<A>> free = new HashMap<>();
  private final IntFunction<A> allocate;
  private final ToIntFunction<A> length;

  ValueArrays(IntFunction<A> allocate, ToIntFunction<A> length) {
    this.allocate = allocate;
    this.length = length;
  }

  /** An array of this length; its contents are whatever it last held. */
  A take(int n) {
    ArrayDeque<A> arrays = free.get(n);
    A a = arrays == null ? null : arrays.pollLast();
    return a != null ? a : allocate.apply(n);
  }

  /** Gives an array back once nothing refers to its values any more. */
  void giveBack(A array) {
    ArrayDeque<A> arrays = free.computeIfAbsent(length.applyAsInt(array), n -> new ArrayDeque<>());
    if (arrays.size() < KEPT_PER_LENGTH) {
      arrays.addLast(array);
    }
  }
}
