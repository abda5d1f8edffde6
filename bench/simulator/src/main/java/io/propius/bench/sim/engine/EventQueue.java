package io.propius.bench.sim.engine;

import java.util.Arrays;

/**
 * The simulation's event queue: a calendar queue. Events due in the current bucket (of
 * {@code bucketS} seconds) are taken from {@link NearEvents} (sorted, in a heap's order); later
 * ones are appended, unsorted, to the bucket of their time in a ring of {@code buckets} buckets,
 * and those beyond the ring to an overflow list that is spread again each time the ring turns. A
 * million devices each with an event hours ahead thus cost an O(1) append each, and the current
 * bucket stays small enough for the cache. Events with equal times leave in an order fixed by the
 * sequence of operations, so a run is repeatable. A bucket keeps each event's time bits and
 * payload side by side in one array, so an append touches one cache line of a bucket that is not
 * in the cache, not two.
 */
public final class EventQueue {
  private final double bucketS;
  private final int buckets;
  private final NearEvents near = new NearEvents();
  private final BucketArrays arrays = new BucketArrays();
  /** The bucket array the near events still read, to give back once they are empty. */
  private long[] inNear;
  /** Per bucket: time bits and payload of each event, in the order they were pushed. */
  private final long[][] events;
  /** Per bucket: number of longs used (twice its events). */
  private final int[] sizes;
  private double[] overflowTimes = new double[64];
  private long[] overflowPayloads = new long[64];
  private int overflowSize;
  /** Index of the bucket being taken (events with time < (current + 1) × bucketS). */
  private long current;
  private long size;

  public EventQueue() {
    this(60, 4096);
  }

  /** A queue with a ring of {@code buckets} (a power of two) buckets of {@code bucketS} seconds. */
  public EventQueue(double bucketS, int buckets) {
    if (Integer.bitCount(buckets) != 1) {
      throw new IllegalArgumentException("buckets must be a power of two, got " + buckets);
    }
    this.bucketS = bucketS;
    this.buckets = buckets;
    events = new long[buckets][];
    sizes = new int[buckets];
  }

  public long size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public void push(double time, long payload) {
    size++;
    long k = (long) Math.floor(time / bucketS);
    if (k <= current) {
      near.push(time, payload);
    } else if (k < ringStart() + buckets) {
      append((int) k & (buckets - 1), time, payload);
    } else {
      if (overflowSize == overflowTimes.length) {
        overflowTimes = Arrays.copyOf(overflowTimes, overflowSize * 2);
        overflowPayloads = Arrays.copyOf(overflowPayloads, overflowSize * 2);
      }
      overflowTimes[overflowSize] = time;
      overflowPayloads[overflowSize++] = payload;
    }
  }

  /** Time of the earliest event; only when not empty. */
  public double peekTime() {
    fill();
    return near.peekTime();
  }

  /** Payload of the earliest event; only when not empty. */
  public long peekPayload() {
    fill();
    return near.peekPayload();
  }

  /** Removes the earliest event (read it first with {@link #peekTime} / {@link #peekPayload}). */
  public void pop() {
    fill();
    near.pop();
    size--;
  }

  /** First bucket index of the ring's current turn. */
  private long ringStart() {
    return current & -buckets;
  }

  /** Moves buckets into the near events until there is one. */
  private void fill() {
    while (near.isEmpty()) {
      if (inNear != null) {
        arrays.give(inNear);
        inNear = null;
      }
      if (size == 0) {
        throw new IllegalStateException("event queue is empty");
      }
      current++;
      int b = (int) current & (buckets - 1);
      if (b == 0) {
        spreadOverflow();
      }
      long[] e = events[b];
      if (e != null) {
        if (near.load(e, sizes[b])) {
          inNear = e;
        } else {
          arrays.give(e);
        }
      }
      sizes[b] = 0;
      // A bucket fills most while it is near; kept at that size for the whole ring, the arrays of
      // ten million devices' toggles would hold gigabytes of empty slots. Given back, it serves
      // the next bucket that grows as large.
      events[b] = null;
    }
  }

  /** A new turn of the ring: overflow events that now fall inside it go to their buckets. */
  private void spreadOverflow() {
    double[] t = overflowTimes;
    long[] p = overflowPayloads;
    int n = overflowSize;
    overflowTimes = new double[Math.max(64, n)];
    overflowPayloads = new long[Math.max(64, n)];
    overflowSize = 0;
    size -= n;
    for (int i = 0; i < n; i++) {
      push(t[i], p[i]);
    }
  }

  private void append(int b, double time, long payload) {
    long[] e = events[b];
    int n = sizes[b];
    if (e == null) {
      e = events[b] = arrays.take(2);
    } else if (n == e.length) {
      long[] larger = arrays.take(n * 2);
      System.arraycopy(e, 0, larger, 0, n);
      arrays.give(e);
      e = events[b] = larger;
    }
    e[n] = Double.doubleToRawLongBits(time);
    e[n + 1] = payload;
    sizes[b] = n + 2;
  }
}
