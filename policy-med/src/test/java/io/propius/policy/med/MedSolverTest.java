package io.propius.policy.med;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** MED's solver against exhaustive search on tiny instances, and its infeasibility reports. */
class MedSolverTest {
  private final MedSolver solver = new MedSolver();

  /** The optimum by enumerating every learner-to-task choice and every split of the shards; null if none. */
  private static Double bruteForce(MedProblem p) {
    int m = p.tasks().size();
    int n = p.learners().size();
    int[] taskOf = new int[n];
    double best = Double.POSITIVE_INFINITY;
    int combos = (int) Math.pow(m + 1, n);
    for (int code = 0; code < combos; code++) {
      int c = code;
      for (int j = 0; j < n; j++) {
        taskOf[j] = c % (m + 1) - 1; // -1: serves nothing
        c /= m + 1;
      }
      best = Math.min(best, bestSplit(p, taskOf, new int[m][n], 0, 0));
    }
    return Double.isInfinite(best) ? null : best;
  }

  /** Tries every split of task i's shards over the learners assigned to it, from learner j on. */
  private static double bestSplit(MedProblem p, int[] taskOf, int[][] d, int i, int j) {
    int m = p.tasks().size();
    int n = p.learners().size();
    if (i == m) {
      return p.violation(d) == null ? p.objective(d) : Double.POSITIVE_INFINITY;
    }
    if (j == n) {
      int total = 0;
      for (int x = 0; x < n; x++) {
        total += d[i][x];
      }
      return total == p.tasks().get(i).shards() ? bestSplit(p, taskOf, d, i + 1, 0) : Double.POSITIVE_INFINITY;
    }
    if (taskOf[j] != i) {
      return bestSplit(p, taskOf, d, i, j + 1);
    }
    double best = Double.POSITIVE_INFINITY;
    for (int s = 1; s <= p.tasks().get(i).shards(); s++) {
      d[i][j] = s;
      best = Math.min(best, bestSplit(p, taskOf, d, i, j + 1));
    }
    d[i][j] = 0;
    return best;
  }

  private static MedProblem random(SplittableRandom r, int learners, int tasks) {
    List<MedProblem.Task> ts = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      ts.add(new MedProblem.Task("t" + i, 2 + r.nextInt(4), 1 + r.nextInt(3), 0.5, 6 + r.nextInt(10)));
    }
    List<MedProblem.Learner> ls = new ArrayList<>();
    for (int j = 0; j < learners; j++) {
      double p0 = 0.2 + 0.6 * r.nextDouble();
      double[][] rate = new double[tasks][];
      for (int i = 0; i < tasks; i++) {
        rate[i] = new double[] {0.5 + 2 * r.nextDouble(), 0.2 + 0.5 * r.nextDouble()};
      }
      ls.add(new MedProblem.Learner("w" + j, 0.5 + r.nextDouble(), new double[] {p0, 1 - p0},
          new double[] {2 + 2 * r.nextDouble(), 0.5 + r.nextDouble()}, rate));
    }
    return new MedProblem(ts, ls, 4 + r.nextInt(10), 1);
  }

  @Test
  void matchesExhaustiveSearchOnTinyInstances() {
    SplittableRandom r = new SplittableRandom(7);
    int feasible = 0;
    int infeasible = 0;
    for (int k = 0; k < 40; k++) {
      MedProblem p = random(r, 3 + r.nextInt(2), 2);
      Double optimum = bruteForce(p);
      if (optimum == null) {
        assertThatThrownBy(() -> solver.solve(p)).as("instance %d has no solution", k)
            .isInstanceOf(MedInfeasibleException.class);
        infeasible++;
      } else {
        MedAllocation a = solver.solve(p);
        assertThat(p.violation(a.shards())).as("instance %d: the solver's allocation is feasible", k).isNull();
        assertThat(a.objective()).as("instance %d: optimal", k).isCloseTo(optimum, within(1e-6 * Math.max(1, optimum)));
        feasible++;
      }
    }
    // Both kinds occur, so the comparison covers the solutions and the infeasibility verdicts.
    assertThat(feasible).isGreaterThan(10);
    assertThat(infeasible).isGreaterThan(3);
  }

  @Test
  void identicalLearnersKeepTheOptimum() {
    // Symmetry breaking gives identical learners tasks in non-decreasing order; that must not cut
    // off the optimum (nor, with a binding budget, the cheapest split).
    SplittableRandom r = new SplittableRandom(11);
    for (int k = 0; k < 25; k++) {
      MedProblem base = random(r, 2, 2);
      List<MedProblem.Learner> twins = new ArrayList<>(base.learners());
      twins.add(base.learners().get(0));
      twins.add(base.learners().get(1));
      MedProblem p = new MedProblem(base.tasks(), twins, base.budget() + 2, 1);
      Double optimum = bruteForce(p);
      if (optimum != null) {
        MedAllocation a = solver.solve(p);
        assertThat(a.objective()).as("instance %d", k).isCloseTo(optimum, within(1e-6 * Math.max(1, optimum)));
        assertThat(a.optimal()).isTrue();
      }
    }
  }

  private static MedProblem.Learner learner(String name, double price, double pFast, double fastRate, double slowRate) {
    return new MedProblem.Learner(name, price, new double[] {pFast, 1 - pFast}, new double[] {100, 100},
        new double[][] {{fastRate, slowRate}});
  }

  @Test
  void handWorkedUncertaintyAwareSplit() {
    // One task, 10 shards, no transfer cost. "steady" trains 1 shard/s always (1 s per shard);
    // "flaky" 4 shards/s with p = 0.5, else 0.25 shards/s: expected 0.5·0.25 + 0.5·4 = 2.125 s per
    // shard. Expected delays: steady 1·d1, flaky 2.125·d2, d1 + d2 = 10, both >= 1. The max is
    // smallest at d2 = 3 (steady 7, flaky 6.375) vs d2 = 4 (steady 6, flaky 8.5): objective 7.
    MedProblem p = new MedProblem(List.of(new MedProblem.Task("t", 10, 0, 0, 100)),
        List.of(learner("steady", 1, 1, 1, 1), learner("flaky", 1, 0.5, 4, 0.25)), 100, 1);
    MedAllocation a = solver.solve(p);
    assertThat(a.shards()[0]).containsExactly(7, 3);
    assertThat(a.objective()).isCloseTo(7, within(1e-9));
    // Knowing flaky is fast (what an uncertainty-naive scheme assumes after a lucky benchmark):
    // 0.25 s per shard, so 2 and 8 (steady 2, flaky 2).
    assertThat(solver.solve(p.knowing(new int[] {0, 0})).shards()[0]).containsExactly(2, 8);
  }

  @Test
  void infeasibilityIsReportedWithTheReason() {
    MedProblem.Task t = new MedProblem.Task("t", 4, 0, 0, 3);
    List<MedProblem.Learner> two = List.of(learner("a", 1, 1, 1, 1), learner("b", 1, 1, 1, 1));
    assertThatThrownBy(() -> solver.solve(new MedProblem(List.of(t), two, 3, 1)))
        .isInstanceOf(MedInfeasibleException.class).hasMessageContaining("budget 3.0 is below the cheapest possible cost 4.0");
    List<MedProblem.Learner> twoForThree = two.stream().map(l -> new MedProblem.Learner(l.name(), 1, new double[] {1, 0},
        new double[] {1, 1}, new double[][] {{1, 1}, {1, 1}, {1, 1}})).toList();
    assertThatThrownBy(() -> solver.solve(new MedProblem(List.of(t, t, t), twoForThree, 100, 1)))
        .hasMessageContaining("3 tasks have shards but there are only 2 learners");
    assertThatThrownBy(() -> solver.solve(new MedProblem(List.of(t), two, 100, 3)))
        .hasMessageContaining("at least 3 shards (Eq. 4.4e) but the tasks have only 4");
    // 4 shards at 1 s each over two learners: at best 2 s each; a 1.5 s deadline cannot be met.
    MedProblem.Task tight = new MedProblem.Task("tight", 4, 0, 0, 1.5);
    assertThatThrownBy(() -> solver.solve(new MedProblem(List.of(tight), two, 100, 1)))
        .hasMessageContaining("no allocation meets every task's deadline");
  }

  @Test
  void badInstancesAreRejectedClearly() {
    assertThatThrownBy(() -> new MedProblem.Learner("w", 1, new double[] {0.5, 0.4}, new double[] {1, 1},
        new double[][] {{1, 1}})).hasMessageContaining("sum to 1");
    assertThatThrownBy(() -> new MedProblem(List.of(new MedProblem.Task("t", 1, 0, 0, 1)),
        List.of(learner("a", 1, 1, 1, 1)).stream().map(l -> new MedProblem.Learner("a", 1, new double[] {1, 0},
            new double[] {1, 1}, new double[][] {{1, 1}, {1, 1}})).toList(), 1, 1))
        .hasMessageContaining("one rate row per task");
  }
}
