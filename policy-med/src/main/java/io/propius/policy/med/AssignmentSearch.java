package io.propius.policy.med;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Depth-first branch and bound over which task each learner serves (see {@link MedSolver} for the
 * formulation). A node fixes the tasks of the first learners in a speed order; its bound is, per
 * task, the water-filling level ({@link TaskLevels}) of the learners fixed to it plus every
 * learner still free, and at least the delay of each fixed learner's minimum shards. At a leaf the
 * bound is the exact optimum of that assignment without the budget; when that split is too
 * expensive, {@link BudgetFrontier} trades delay for cost exactly. Children are tried best bound
 * first; learners with identical parameters take tasks in non-decreasing order (symmetry).
 */
final class AssignmentSearch {
  private static final int NONE = -1;

  private final MedProblem problem;
  private final int m;
  private final int n;
  private final int lowest;
  private final boolean mayIdle;
  private final double[][] f;
  private final double[][] s;
  private final int[][] u;
  private final int[] demand;
  private final int[] order;
  private final boolean[] sameAsPrevious;
  private final long stopAtNanos;

  private final int[] taskOf;
  private final int[] assignedCount;
  private final double[] forced;
  private final int[] members;

  private int[] bestTaskOf;
  private double[] bestLevels;
  private double best = Double.POSITIVE_INFINITY;
  private double openBound = Double.POSITIVE_INFINITY;
  private boolean timedOut;
  private long nodes;

  /**
   * @param deadlines false to drop the deadline constraints (used to explain an infeasibility)
   * @param timeLimitMs 0 for none
   */
  AssignmentSearch(MedProblem problem, boolean deadlines, long timeLimitMs) {
    this.problem = problem;
    this.m = problem.tasks().size();
    this.n = problem.learners().size();
    this.lowest = Math.max(1, problem.minShardsPerLearner());
    this.mayIdle = problem.minShardsPerLearner() == 0;
    this.f = new double[m][n];
    this.s = new double[m][n];
    this.u = new int[m][n];
    this.demand = new int[m];
    for (int i = 0; i < m; i++) {
      MedProblem.Task t = problem.tasks().get(i);
      demand[i] = t.shards();
      for (int j = 0; j < n; j++) {
        f[i][j] = problem.fixedDelay(i, j);
        s[i][j] = problem.delayPerShard(i, j);
        int cap = t.shards();
        if (deadlines) {
          cap = (int) Math.min(cap, Math.max(0, Math.floor((t.deadlineS() - f[i][j]) / s[i][j] + TaskLevels.EPS)));
          while (cap > 0 && f[i][j] + s[i][j] * cap > t.deadlineS() + TaskLevels.EPS) {
            cap--;
          }
        }
        u[i][j] = cap >= lowest ? cap : 0;
      }
    }
    double[] speed = new double[n];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < m; i++) {
        speed[j] += s[i][j];
      }
    }
    this.order = IntStream.range(0, n).boxed()
        .sorted(Comparator.<Integer>comparingDouble(j -> speed[j]).thenComparingInt(j -> j))
        .mapToInt(Integer::intValue).toArray();
    this.sameAsPrevious = new boolean[n];
    for (int x = 1; x < n; x++) {
      sameAsPrevious[x] = identical(order[x - 1], order[x]);
    }
    this.stopAtNanos = timeLimitMs > 0 ? System.nanoTime() + timeLimitMs * 1_000_000 : Long.MAX_VALUE;
    this.taskOf = new int[n];
    Arrays.fill(taskOf, NONE);
    this.assignedCount = new int[m];
    this.forced = new double[m];
    this.members = new int[n];
  }

  private boolean identical(int a, int b) {
    if (problem.learners().get(a).pricePerShard() != problem.learners().get(b).pricePerShard()) {
      return false;
    }
    for (int i = 0; i < m; i++) {
      if (f[i][a] != f[i][b] || s[i][a] != s[i][b] || u[i][a] != u[i][b]) {
        return false;
      }
    }
    return true;
  }

  /** The result of a search: the best allocation (null if none found) and a proven lower bound. */
  record Outcome(int[][] shards, double objective, double lowerBound, boolean complete, long nodes) {
  }

  Outcome run() {
    if (!capacityLeft(0)) {
      return new Outcome(null, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, true, 0);
    }
    double[] levels = new double[m];
    double root = 0;
    for (int i = 0; i < m; i++) {
      levels[i] = level(i, 0);
      root += levels[i];
    }
    if (Double.isFinite(root)) {
      search(0, levels, root);
    }
    double bound = timedOut ? Math.min(best, openBound) : best;
    return new Outcome(bestTaskOf == null ? null : split(bestTaskOf, bestLevels), best, bound, !timedOut, nodes);
  }

  private void search(int depth, double[] levels, double bound) {
    if (++nodes % 256 == 0 && System.nanoTime() > stopAtNanos) {
      timedOut = true;
    }
    if (timedOut) {
      openBound = Math.min(openBound, bound);
      return;
    }
    if (depth == n) {
      leaf(levels, bound);
      return;
    }
    int j = order[depth];
    int first = sameAsPrevious[depth] ? taskOf[order[depth - 1]] : NONE;
    // Without learner j among the free ones, every task's level rises (or stays).
    double[] without = new double[m];
    for (int i = 0; i < m; i++) {
      without[i] = u[i][j] > 0 ? level(i, depth + 1) : levels[i];
    }
    List<double[]> children = new ArrayList<>(m + 1); // {task, bound}
    double others = sum(without);
    if (mayIdle && first == NONE && others < best) {
      children.add(new double[] {NONE, others});
    }
    for (int i = Math.max(0, first); i < m; i++) {
      if (u[i][j] == 0 || (long) (assignedCount[i] + 1) * lowest > demand[i]) {
        continue;
      }
      double childBound = Math.max(levels[i], f[i][j] + s[i][j] * lowest);
      for (int k = 0; k < m; k++) {
        childBound += k == i ? 0 : without[k];
      }
      if (childBound < best) { // also drops +∞: some task could no longer take its shards
        children.add(new double[] {i, childBound});
      }
    }
    children.sort(Comparator.comparingDouble(c -> c[1]));
    for (double[] child : children) {
      int i = (int) child[0];
      if (timedOut) {
        openBound = Math.min(openBound, child[1]);
        continue;
      }
      if (!TaskLevels.below(child[1], best)) {
        break;
      }
      double[] next = without.clone();
      double savedForced = i == NONE ? 0 : forced[i];
      taskOf[j] = i;
      if (i != NONE) {
        assignedCount[i]++;
        forced[i] = Math.max(forced[i], f[i][j] + s[i][j] * lowest);
        next[i] = Math.max(levels[i], forced[i]);
      }
      if (capacityLeft(depth + 1)) {
        search(depth + 1, next, child[1]);
      }
      if (i != NONE) {
        assignedCount[i]--;
        forced[i] = savedForced;
      }
      taskOf[j] = NONE;
    }
  }

  /** The free learners (from this depth on) must all fit: each needs the minimum shards of some task. */
  private boolean capacityLeft(int depth) {
    if (mayIdle) {
      return true;
    }
    long room = 0;
    for (int i = 0; i < m; i++) {
      room += Math.max(0, demand[i] - (long) assignedCount[i] * lowest);
    }
    return room >= (long) (n - depth) * lowest;
  }

  /**
   * Task i's water-filling level over the learners fixed to it and the free ones (from this depth
   * on), at least its forced level; +∞ when they cannot take its shards.
   */
  private double level(int task, int depth) {
    int count = 0;
    for (int x = 0; x < n; x++) {
      int j = order[x];
      if (u[task][j] > 0 && (x >= depth || taskOf[j] == task)) {
        members[count++] = j;
      }
    }
    double level = TaskLevels.level(demand[task], members, count, f[task], s[task], u[task]);
    return Math.max(level, forced[task]);
  }

  private void leaf(double[] levels, double bound) {
    for (int i = 0; i < m; i++) {
      if (demand[i] > 0 && assignedCount[i] == 0) {
        return;
      }
    }
    if (cost(taskOf, levels) <= problem.budget() + TaskLevels.EPS) {
      best = bound;
      bestTaskOf = taskOf.clone();
      bestLevels = levels.clone();
      return;
    }
    BudgetFrontier frontier = new BudgetFrontier(this, taskOf, levels, best);
    double[] chosen = frontier.cheapestWithin(problem.budget());
    if (chosen != null) {
      best = sum(chosen);
      bestTaskOf = taskOf.clone();
      bestLevels = chosen;
    }
  }

  /** The least cost of splitting every task at its level among the learners serving it. */
  double cost(int[] assignment, double[] levels) {
    double total = 0;
    for (int i = 0; i < m; i++) {
      total += taskCost(i, assignment, levels[i]);
    }
    return total;
  }

  /** Each learner its minimum, the rest to the cheapest learners up to what the level lets them take. */
  double taskCost(int task, int[] assignment, double level) {
    int[] d = taskSplit(task, assignment, level);
    if (d == null) {
      return Double.POSITIVE_INFINITY;
    }
    double cost = 0;
    for (int j = 0; j < n; j++) {
      cost += d[j] * problem.learners().get(j).pricePerShard();
    }
    return cost;
  }

  private int[] taskSplit(int task, int[] assignment, double level) {
    int[] d = new int[n];
    int left = demand[task];
    List<Integer> serving = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      if (assignment[j] == task) {
        d[j] = lowest;
        left -= lowest;
        serving.add(j);
      }
    }
    serving.sort(Comparator.comparingDouble(j -> problem.learners().get(j).pricePerShard()));
    for (int j : serving) {
      int more = Math.min(left, TaskLevels.capacity(f[task][j], s[task][j], u[task][j], level) - lowest);
      if (more > 0) {
        d[j] += more;
        left -= more;
      }
    }
    return left == 0 ? d : null;
  }

  /** Every per-shard level of task i's serving learners at or above {@code from}, ascending. */
  double[] levelsFrom(int task, int[] assignment, double from) {
    List<Double> values = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      if (assignment[j] == task) {
        for (int k = lowest; k <= u[task][j]; k++) {
          double v = f[task][j] + s[task][j] * k;
          if (v >= from - TaskLevels.EPS * Math.max(1, from)) {
            values.add(v);
          }
        }
      }
    }
    return values.stream().mapToDouble(Double::doubleValue).sorted().distinct().toArray();
  }

  int tasks() {
    return m;
  }

  private int[][] split(int[] assignment, double[] levels) {
    int[][] d = new int[m][];
    for (int i = 0; i < m; i++) {
      d[i] = demand[i] == 0 ? new int[n] : taskSplit(i, assignment, levels[i]);
    }
    return d;
  }

  private static double sum(double[] values) {
    double total = 0;
    for (double v : values) {
      total += v;
    }
    return total;
  }
}
