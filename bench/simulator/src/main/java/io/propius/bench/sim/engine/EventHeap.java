package io.propius.bench.sim.engine;

import java.util.Arrays;

/**
 * A min-priority queue of events on primitive arrays: a 4-ary heap of (time, payload) pairs, with
 * no object per event, so tens of millions of events cost no garbage. Events with equal times leave
 * in an order fixed by the sequence of operations, so a run is repeatable.
 */
final class EventHeap {
  private double[] times = new double[1024];
  private long[] payloads = new long[1024];
  private int size;

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** Time of the earliest event; only when not empty. */
  public double peekTime() {
    return times[0];
  }

  /** Payload of the earliest event; only when not empty. */
  public long peekPayload() {
    return payloads[0];
  }

  public void push(double time, long payload) {
    if (size == times.length) {
      times = Arrays.copyOf(times, size * 2);
      payloads = Arrays.copyOf(payloads, size * 2);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 2;
      if (times[parent] <= time) {
        break;
      }
      times[i] = times[parent];
      payloads[i] = payloads[parent];
      i = parent;
    }
    times[i] = time;
    payloads[i] = payload;
  }

  /** Time of the second earliest event (one of the root's children), or infinity. */
  double secondTime() {
    double t = Double.POSITIVE_INFINITY;
    for (int c = 1; c < Math.min(size, 5); c++) {
      t = Math.min(t, times[c]);
    }
    return t;
  }

  void clear() {
    size = 0;
  }

  /** Removes the earliest event (read it first with {@link #peekTime} / {@link #peekPayload}). */
  public void pop() {
    int last = --size;
    if (last == 0) {
      return;
    }
    double time = times[last];
    long payload = payloads[last];
    int i = 0;
    while (true) {
      int first = 4 * i + 1;
      if (first >= last) {
        break;
      }
      int best = first;
      int end = Math.min(first + 4, last);
      for (int c = first + 1; c < end; c++) {
        if (times[c] < times[best]) {
          best = c;
        }
      }
      if (times[best] >= time) {
        break;
      }
      times[i] = times[best];
      payloads[i] = payloads[best];
      i = best;
    }
    times[i] = time;
    payloads[i] = payload;
  }
}
