package io.propius.policy.med;

import java.math.BigDecimal;
import org.ojalgo.optimisation.Expression;
import org.ojalgo.optimisation.ExpressionsBasedModel;
import org.ojalgo.optimisation.Optimisation;
import org.ojalgo.optimisation.Variable;

/**
 * Solves MED (thesis Eq. 4.4) as a mixed-integer linear program with ojalgo's MIP solver.
 *
 * <p>The linearisation: integer {@code d(i,j)} (shards of task i on learner j), binary
 * {@code x(i,j)} (learner j serves task i), continuous {@code H_i} (task i's largest expected
 * delay). Minimise {@code Σ_i H_i} subject to
 * <ul>
 *   <li>{@code H_i >= F(i,j) x(i,j) + S(i,j) d(i,j)} for every learner (the max in 4.4a), where
 *       {@code F} is the fixed and {@code S} the per-shard expected delay of Eq. 4.3;</li>
 *   <li>{@code F(i,j) x(i,j) + S(i,j) d(i,j) <= T_i} (4.4b);</li>
 *   <li>{@code Σ_j d(i,j) = D_i} (4.4c); {@code Σ_ij p_j d(i,j) <= B} (4.4d);
 *       {@code Σ_i d(i,j) >= D_l} (4.4e);</li>
 *   <li>{@code Σ_i x(i,j) <= 1} and {@code x(i,j) <= d(i,j) <= U(i,j) x(i,j)} (4.4f: shards of one task
 *       only, and a learner serves a task exactly when it has shards of it).</li>
 * </ul>
 * The upper link is {@code d(i,j) <= U(i,j) x(i,j)} with
 * {@code U(i,j) = min(D_i, floor((T_i - F(i,j)) / S(i,j)))}: 4.4b restated as a bound, which
 * tightens the relaxation.
 *
 * <p>When no allocation exists the exception says why: too few learners or shards for the
 * per-learner minimum, a budget below the cheapest allocation, or deadlines that cannot all be met
 * (found by solving again without them).
 *
 * <p>The relaxation of this program is weak (a learner may serve every task a little), so proving
 * optimality takes ojalgo's branch and bound seconds on tiny instances and far longer on the
 * thesis's 10 learners × 3 tasks. A time limit makes the solver return the best allocation found
 * by then, marked not {@link MedAllocation#optimal()}.
 */
public final class MedSolver {
  private final long timeLimitMs;

  /** A solver that runs until it proves optimality or infeasibility. */
  public MedSolver() {
    this(0);
  }

  /** @param timeLimitMs stop after about this long with the best allocation found; 0 for no limit */
  public MedSolver(long timeLimitMs) {
    if (timeLimitMs < 0) {
      throw new IllegalArgumentException("time limit must be >= 0 (0: none), got " + timeLimitMs);
    }
    this.timeLimitMs = timeLimitMs;
  }

  /**
   * The allocation with the smallest sum of per-task maximum expected delays.
   *
   * @throws MedInfeasibleException when no allocation meets the constraints
   */
  public MedAllocation solve(MedProblem problem) {
    precheck(problem);
    Solved s = solve(problem, true);
    if (s.result.getState().isFeasible()) {
      return s.allocation(problem);
    }
    if (s.result.getState() != Optimisation.State.INFEASIBLE && timeLimitMs > 0) {
      throw new MedInfeasibleException("no allocation found within the time limit of " + timeLimitMs
          + " ms (not proven infeasible; solver state " + s.result.getState() + ")", false);
    }
    String how = "; solver state " + s.result.getState();
    if (solve(problem, false).result.getState().isFeasible()) {
      throw new MedInfeasibleException("no allocation meets every task's deadline with the learners' expected delays"
          + " (Eq. 4.4b) within the budget and the other constraints" + how, true);
    }
    throw new MedInfeasibleException("no allocation meets the shards, budget, one-task-per-learner and minimum-shards"
        + " constraints together (Eq. 4.4c-f), even without deadlines" + how, true);
  }

  private static void precheck(MedProblem p) {
    int n = p.learners().size();
    long total = p.tasks().stream().mapToLong(MedProblem.Task::shards).sum();
    long nonEmpty = p.tasks().stream().filter(t -> t.shards() > 0).count();
    if (nonEmpty > n) {
      throw new MedInfeasibleException(nonEmpty + " tasks have shards but there are only " + n
          + " learners, and a learner serves at most one task (Eq. 4.4f)", true);
    }
    if (total < (long) n * p.minShardsPerLearner()) {
      throw new MedInfeasibleException("every one of the " + n + " learners needs at least " + p.minShardsPerLearner()
          + " shards (Eq. 4.4e) but the tasks have only " + total + " in total", true);
    }
    double cheapest = p.learners().stream().mapToDouble(MedProblem.Learner::pricePerShard).min().orElse(0);
    if (total * cheapest > p.budget() + 1e-9) {
      throw new MedInfeasibleException("the budget " + p.budget() + " is below the cheapest possible cost "
          + total * cheapest + " (" + total + " shards at the lowest price " + cheapest + ", Eq. 4.4d)", true);
    }
  }

  private record Solved(Optimisation.Result result, int[][] shards) {
    MedAllocation allocation(MedProblem problem) {
      int[][] d = new int[shards.length][shards[0].length];
      for (int i = 0; i < d.length; i++) {
        for (int j = 0; j < d[i].length; j++) {
          d[i][j] = (int) Math.round(result.doubleValue(shards[i][j]));
        }
      }
      return new MedAllocation(d, problem.objective(d), result.getState().isOptimal());
    }
  }

  private Solved solve(MedProblem p, boolean deadlines) {
    int m = p.tasks().size();
    int n = p.learners().size();
    ExpressionsBasedModel model = new ExpressionsBasedModel();
    if (timeLimitMs > 0) {
      model.options.time_abort = timeLimitMs;
      model.options.time_suffice = timeLimitMs;
    }
    Variable[][] d = new Variable[m][n];
    Variable[][] x = new Variable[m][n];
    Variable[] h = new Variable[m];
    for (int i = 0; i < m; i++) {
      int shards = p.tasks().get(i).shards();
      h[i] = model.addVariable("H" + i).lower(BigDecimal.ZERO).weight(BigDecimal.ONE);
      for (int j = 0; j < n; j++) {
        d[i][j] = model.addVariable("d" + i + "_" + j).integer(true).lower(BigDecimal.ZERO).upper(BigDecimal.valueOf(shards));
        x[i][j] = model.addVariable("x" + i + "_" + j).binary();
      }
    }
    Expression budget = model.addExpression("budget").upper(BigDecimal.valueOf(p.budget()));
    for (int i = 0; i < m; i++) {
      MedProblem.Task t = p.tasks().get(i);
      Expression sum = model.addExpression("shards" + i).level(BigDecimal.valueOf(t.shards()));
      for (int j = 0; j < n; j++) {
        double fixed = p.fixedDelay(i, j);
        double perShard = p.delayPerShard(i, j);
        sum.set(d[i][j], 1);
        budget.set(d[i][j], p.learners().get(j).pricePerShard());
        model.addExpression("max" + i + "_" + j).lower(BigDecimal.ZERO)
            .set(h[i], 1).set(x[i][j], -fixed).set(d[i][j], -perShard);
        if (deadlines) {
          model.addExpression("deadline" + i + "_" + j).upper(BigDecimal.valueOf(t.deadlineS()))
              .set(x[i][j], fixed).set(d[i][j], perShard);
        }
        double most = deadlines ? Math.max(0, Math.min(t.shards(), Math.floor((t.deadlineS() - fixed) / perShard)))
            : t.shards();
        model.addExpression("serves" + i + "_" + j).upper(BigDecimal.ZERO).set(d[i][j], 1).set(x[i][j], -most);
        model.addExpression("some" + i + "_" + j).lower(BigDecimal.ZERO).set(d[i][j], 1).set(x[i][j], -1);
      }
    }
    for (int j = 0; j < n; j++) {
      Expression oneTask = model.addExpression("oneTask" + j).upper(BigDecimal.ONE);
      Expression minimum = model.addExpression("minimum" + j).lower(BigDecimal.valueOf(p.minShardsPerLearner()));
      for (int i = 0; i < m; i++) {
        oneTask.set(x[i][j], 1);
        minimum.set(d[i][j], 1);
      }
    }
    int[][] index = new int[m][n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        index[i][j] = model.indexOf(d[i][j]);
      }
    }
    return new Solved(model.minimise(), index);
  }
}
