package io.propius.bench.sim.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * The calendar queue's bucket arrays, recycled. Every simulated minute fills a bucket and empties
 * one; with ten million devices a bucket grows to megabytes, and allocating it afresh each time
 * cost gigabytes a second of zeroed memory, copies and collections. Arrays come in lengths of
 * {@code 128 × 2^k}; one that is given back waits for the next bucket of its size. Once the run is
 * under way, about one array of each size is given back and taken again per simulated minute, so
 * a few spares of each size suffice; more are left to the collector (at the start, when every
 * bucket grows at once, each gives back one array of every smaller size).
 */
final class BucketArrays {
  private static final int SMALLEST = 128;
  private static final int SPARES = 32;

  private final List<List<long[]>> spare = new ArrayList<>();

  /** An array of at least {@code length} longs (contents undefined). */
  long[] take(int length) {
    int size = sizeClass(length);
    if (size < spare.size()) {
      List<long[]> free = spare.get(size);
      if (!free.isEmpty()) {
        return free.remove(free.size() - 1);
      }
    }
    return new long[SMALLEST << size];
  }

  /** Takes back an array from {@link #take}, which its caller no longer reads. */
  void give(long[] array) {
    int size = sizeClass(array.length);
    while (spare.size() <= size) {
      spare.add(new ArrayList<>());
    }
    List<long[]> free = spare.get(size);
    if (free.size() < SPARES) {
      free.add(array);
    }
  }

  private static int sizeClass(int length) {
    return length <= SMALLEST ? 0 : 32 - Integer.numberOfLeadingZeros((length - 1) / SMALLEST);
  }
}
