package io.propius.policy.med;

/**
 * The delay level a task reaches with a given set of learners. A learner j serving k shards of
 * task i has the expected delay {@code F(i,j) + S(i,j)·k} (Eq. 4.3, linear in k once it serves);
 * the k-th shard it takes is therefore "available" from level {@code F + S·k} on. With a level h
 * the learner can take {@code cap(h) = min(U, floor((h − F) / S))} shards, U being its deadline
 * cap. The smallest level at which a set of learners can take D shards is the D-th smallest of
 * those per-shard values over all the learners: the task's largest expected delay when its shards
 * are split optimally among them (water filling).
 */
final class TaskLevels {
  /** Relative slack for comparing delays computed in floating point. */
  static final double EPS = 1e-9;

  private TaskLevels() {
  }

  /** Whether a value is smaller than the incumbent by more than the comparison slack (true for any finite value when there is none). */
  static boolean below(double value, double incumbent) {
    return Double.isInfinite(incumbent) ? value < incumbent : value < incumbent - EPS * Math.max(1, incumbent);
  }

  /** Shards a learner with fixed delay f, per-shard delay s and cap u can take within level h. */
  static int capacity(double f, double s, int u, double h) {
    if (h < f + s - EPS * Math.max(1, h)) {
      return 0;
    }
    double k = Math.floor((h - f) / s + EPS);
    return (int) Math.max(0, Math.min(u, k));
  }

  /**
   * The D-th smallest per-shard level over the learners {@code members[0..count)} (F, S, U given
   * per learner index), or +∞ when they cannot take D shards. Bisection on the level, then snapped
   * to the exact per-shard value, so equal inputs give equal results.
   */
  static double level(int shards, int[] members, int count, double[] f, double[] s, int[] u) {
    if (shards <= 0) {
      return 0;
    }
    long total = 0;
    double hi = 0;
    for (int x = 0; x < count; x++) {
      int j = members[x];
      total += u[j];
      if (u[j] > 0) {
        hi = Math.max(hi, f[j] + s[j] * u[j]);
      }
    }
    if (total < shards) {
      return Double.POSITIVE_INFINITY;
    }
    double lo = 0;
    for (int it = 0; it < 100 && hi - lo > EPS * Math.max(1, hi) * 1e-3; it++) {
      double mid = 0.5 * (lo + hi);
      if (count(mid, members, count, f, s, u) >= shards) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    // hi takes the shards; the largest per-shard value within it is the exact level.
    double exact = 0;
    for (int x = 0; x < count; x++) {
      int j = members[x];
      int k = capacity(f[j], s[j], u[j], hi);
      if (k > 0) {
        exact = Math.max(exact, f[j] + s[j] * k);
      }
    }
    return exact;
  }

  private static long count(double h, int[] members, int count, double[] f, double[] s, int[] u) {
    long total = 0;
    for (int x = 0; x < count; x++) {
      int j = members[x];
      total += capacity(f[j], s[j], u[j], h);
    }
    return total;
  }
}
