package io.propius.bench.sim.engine;

import java.util.Arrays;

/**
 * The events of the calendar queue's current bucket, taken in exactly the order an
 * {@link EventHeap} would take them, at a fraction of its cost.
 *
 * <p>A heap takes events of equal times in an order that depends on everything pushed and popped
 * since it was last empty, and that order is part of a run's results (simultaneous ticks, deadlines
 * and task ends). While no two pending events share a time, though, any priority queue takes them
 * in the same order: by time. So a bucket is sorted when it is loaded (binned by time, then an
 * insertion sort that has almost nothing left to do), and the few events pushed into the current
 * bucket afterwards wait in a small heap of their own. When the earliest pending event shares its
 * time with another, the heap is rebuilt by replaying what happened since the structure was last
 * empty, and takes over until it is empty again.
 */
final class NearEvents {
  /** Buckets smaller than this are insertion-sorted directly. */
  private static final int SMALL = 48;

  private final EventHeap heap = new EventHeap();
  private boolean heapMode;

  // The loaded bucket, sorted, and the next of it to take.
  private double[] times = new double[64];
  private long[] payloads = new long[64];
  private int head;
  private int count;
  /** Events pushed after the load. */
  private final EventHeap late = new EventHeap();

  // What happened since the structure was last empty, to rebuild the heap: the bucket as pushed,
  // then each later push with the number of events taken before it.
  private long[] loaded;
  private int loadedLongs;
  private double[] logTimes = new double[16];
  private long[] logPayloads = new long[16];
  private int[] logPops = new int[16];
  private int logSize;
  private int pops;

  private int[] binOf = new int[64];
  private int[] binStart = new int[64];

  boolean isEmpty() {
    return heapMode ? heap.isEmpty() : head == count && late.isEmpty();
  }

  /** Time of the earliest event; only when not empty. */
  double peekTime() {
    if (heapMode) {
      return heap.peekTime();
    }
    return takesSorted() ? times[head] : late.peekTime();
  }

  /** Payload of the earliest event; only when not empty. */
  long peekPayload() {
    if (untiedSortedTop()) {
      return payloads[head];
    }
    if (!heapMode && tiedAtTop()) {
      toHeap();
    }
    if (heapMode) {
      return heap.peekPayload();
    }
    return takesSorted() ? payloads[head] : late.peekPayload();
  }

  void pop() {
    if (untiedSortedTop()) {
      if (++head == count) {
        reset();
      } else {
        pops++;
      }
      return;
    }
    if (!heapMode && tiedAtTop()) {
      toHeap();
    }
    if (heapMode) {
      heap.pop();
      if (heap.isEmpty()) {
        reset();
      }
      return;
    }
    if (takesSorted()) {
      head++;
    } else {
      late.pop();
    }
    pops++;
    if (head == count && late.isEmpty()) {
      reset();
    }
  }

  void push(double time, long payload) {
    if (heapMode) {
      heap.push(time, payload);
      return;
    }
    late.push(time, payload);
    if (logSize == logTimes.length) {
      logTimes = Arrays.copyOf(logTimes, logSize * 2);
      logPayloads = Arrays.copyOf(logPayloads, logSize * 2);
      logPops = Arrays.copyOf(logPops, logSize * 2);
    }
    logTimes[logSize] = time;
    logPayloads[logSize] = payload;
    logPops[logSize++] = pops;
  }

  /**
   * Pushes a bucket's events, {@code longs / 2} of them as (time bits, payload) pairs in the order
   * they were pushed into the bucket.
   *
   * @return whether the array is kept, unchanged, until the structure is empty (otherwise it is
   *     read only now)
   */
  boolean load(long[] events, int longs) {
    if (longs == 0) {
      return false;
    }
    if (!isEmpty()) {
      // Only after a turn of the ring put overflow events straight into the current bucket: rare.
      if (!heapMode) {
        toHeap();
      }
      for (int i = 0; i < longs; i += 2) {
        heap.push(Double.longBitsToDouble(events[i]), events[i + 1]);
      }
      return false;
    }
    loaded = events;
    loadedLongs = longs;
    sort(events, longs / 2);
    return true;
  }

  /**
   * The common case, checked first: the earliest event is the next of the sorted bucket, nothing
   * was pushed since, and the one after it comes later (the slot after the last holds infinity).
   */
  private boolean untiedSortedTop() {
    return !heapMode && late.isEmpty() && head < count && times[head] != times[head + 1];
  }

  private boolean takesSorted() {
    return head < count && (late.isEmpty() || times[head] < late.peekTime());
  }

  /**
   * Whether another pending event has the earliest time: only then may the heap's order differ
   * from time order, and only from this pop on.
   */
  private boolean tiedAtTop() {
    double first;
    double second;
    if (takesSorted()) {
      first = times[head];
      second = head + 1 < count ? times[head + 1] : Double.POSITIVE_INFINITY;
      if (!late.isEmpty()) {
        second = Math.min(second, late.peekTime());
      }
    } else {
      first = late.peekTime();
      second = Math.min(head < count ? times[head] : Double.POSITIVE_INFINITY, late.secondTime());
    }
    return first == second;
  }

  /** Sorts the bucket into {@link #times} and {@link #payloads}. */
  private void sort(long[] events, int n) {
    if (times.length < n + 1) {
      int capacity = Math.max(n + 1, times.length * 2);
      times = new double[capacity];
      payloads = new long[capacity];
      binOf = new int[capacity];
    }
    head = 0;
    count = n;
    if (n < SMALL) {
      for (int i = 0; i < n; i++) {
        times[i] = Double.longBitsToDouble(events[2 * i]);
        payloads[i] = events[2 * i + 1];
      }
    } else {
      binByTime(events, n);
    }
    // Every event is in its bin, and bins are in time order: few inversions are left.
    for (int i = 1; i < n; i++) {
      double t = times[i];
      if (times[i - 1] > t) {
        long p = payloads[i];
        int j = i;
        do {
          times[j] = times[j - 1];
          payloads[j] = payloads[j - 1];
          j--;
        } while (j > 0 && times[j - 1] > t);
        times[j] = t;
        payloads[j] = p;
      }
    }
    times[n] = Double.POSITIVE_INFINITY;
  }

  /** A counting sort by bin; the bin is monotone in time (a rounded difference times a positive scale). */
  private void binByTime(long[] events, int n) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      double t = Double.longBitsToDouble(events[2 * i]);
      min = Math.min(min, t);
      max = Math.max(max, t);
    }
    int bins = Integer.highestOneBit(n);
    if (binStart.length < bins + 1) {
      binStart = new int[bins + 1];
    } else {
      Arrays.fill(binStart, 0, bins + 1, 0);
    }
    double scale = max > min ? (bins - 1) / (max - min) : 0;
    for (int i = 0; i < n; i++) {
      int b = Math.min(bins - 1, (int) ((Double.longBitsToDouble(events[2 * i]) - min) * scale));
      binOf[i] = b;
      binStart[b + 1]++;
    }
    for (int b = 0; b < bins; b++) {
      binStart[b + 1] += binStart[b];
    }
    for (int i = 0; i < n; i++) {
      int at = binStart[binOf[i]]++;
      times[at] = Double.longBitsToDouble(events[2 * i]);
      payloads[at] = events[2 * i + 1];
    }
  }

  /** Rebuilds the heap the old queue would hold now, by replaying its history, and hands over to it. */
  private void toHeap() {
    heap.clear();
    for (int i = 0; i < loadedLongs; i += 2) {
      heap.push(Double.longBitsToDouble(loaded[i]), loaded[i + 1]);
    }
    int done = 0;
    for (int k = 0; k < logSize; k++) {
      for (; done < logPops[k]; done++) {
        heap.pop();
      }
      heap.push(logTimes[k], logPayloads[k]);
    }
    for (; done < pops; done++) {
      heap.pop();
    }
    heapMode = true;
  }

  private void reset() {
    heapMode = false;
    heap.clear();
    late.clear();
    head = 0;
    count = 0;
    loaded = null;
    loadedLongs = 0;
    logSize = 0;
    pops = 0;
  }
}
