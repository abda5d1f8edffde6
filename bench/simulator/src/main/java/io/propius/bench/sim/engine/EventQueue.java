package io.propius.bench.sim.engine;

import java.util.Arrays;

/**
 * The simulation's event queue: a calendar queue. Events due in the current bucket (of
 * {@code bucketS} seconds) sit in a small {@link EventHeap}; later ones are appended, unsorted, to
 * the bucket of their time in a ring of {@code buckets} buckets, and those beyond the ring to an
 * overflow list that is spread again each time the ring turns. A million devices each with an event
 * hours ahead thus cost an O(1) append each, and the heap stays small enough for the cache. Events
 * with equal times leave in an order fixed by the sequence of operations, so a run is repeatable.
 */
public final class EventQueue {
  private final double bucketS;
  private final int buckets;
  private final EventHeap near = new EventHeap();
  private final double[][] times;
  private final long[][] payloads;
  private final int[] sizes;
  private double[] overflowTimes = new double[64];
  private long[] overflowPayloads = new long[64];
  private int overflowSize;
  /** Index of the bucket the heap holds (events with time < (current + 1) × bucketS). */
  private long current;
  private long size;

  public EventQueue() {
    this(60, 4096);
  }

  public EventQueue(double bucketS, int buckets) {
    this.bucketS = bucketS;
    this.buckets = buckets;
    times = new double[buckets][];
    payloads = new long[buckets][];
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
      append((int) (k % buckets), time, payload);
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
    return current - current % buckets;
  }

  /** Moves buckets into the heap until it has an event. */
  private void fill() {
    while (near.isEmpty()) {
      if (size == 0) {
        throw new IllegalStateException("event queue is empty");
      }
      current++;
      if (current % buckets == 0) {
        spreadOverflow();
      }
      int b = (int) (current % buckets);
      for (int i = 0; i < sizes[b]; i++) {
        near.push(times[b][i], payloads[b][i]);
      }
      sizes[b] = 0;
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
    if (times[b] == null) {
      times[b] = new double[64];
      payloads[b] = new long[64];
    } else if (sizes[b] == times[b].length) {
      times[b] = Arrays.copyOf(times[b], sizes[b] * 2);
      payloads[b] = Arrays.copyOf(payloads[b], sizes[b] * 2);
    }
    times[b][sizes[b]] = time;
    payloads[b][sizes[b]++] = payload;
  }
}
