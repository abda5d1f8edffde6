package io.propius.bench.security;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * CPU time of one operation: the measuring thread's CPU time (not wall time, which other
 * processes on a loaded machine would inflate) over a loop of {@code ops} calls, repeated.
 */
record CpuPerOperation(String name, int ops, List<Double> nanos) {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Runs {@code op} with 0..ops-1, {@code repeats} times after one unmeasured warm-up pass. */
  static CpuPerOperation measure(String name, int ops, int repeats, IntConsumer op) {
    loop(ops, op);
    List<Double> nanos = new ArrayList<>();
    for (int r = 0; r < repeats; r++) {
      long start = THREADS.getCurrentThreadCpuTime();
      loop(ops, op);
      nanos.add((double) (THREADS.getCurrentThreadCpuTime() - start) / ops);
    }
    return new CpuPerOperation(name, ops, nanos);
  }

  private static void loop(int ops, IntConsumer op) {
    for (int i = 0; i < ops; i++) {
      op.accept(i);
    }
  }

  double median() {
    List<Double> sorted = nanos.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  String row() {
    double min = nanos.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    double max = nanos.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    return String.format(Locale.ROOT, "| %s | %,.0f | %,.0f–%,.0f | %,d × %d |", name, median(), min, max, ops,
        nanos.size());
  }
}
