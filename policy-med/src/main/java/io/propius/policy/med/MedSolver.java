package io.propius.policy.med;

/**
 * Solves MED (thesis Eq. 4.4) exactly: which task each learner serves and how many shards.
 *
 * <p><b>Formulation.</b> Variables: {@code a(j) ∈ {tasks}} (∪ {none} when {@code D_l = 0}), the
 * task learner j serves, and integers {@code d(i,j) ≥ 0}, its shards, non-zero only for
 * {@code i = a(j)}. With {@code F(i,j)} the fixed and {@code S(i,j)} the per-shard expected delay
 * of Eq. 4.3, learner j's expected delay is linear in its shards once assigned:
 * {@code δ(i,j) = F(i,j) + S(i,j)·d(i,j)}. Minimise {@code Σ_i H_i} with
 * {@code H_i = max_{j: a(j)=i} δ(i,j)} (4.4a) subject to
 * <ul>
 *   <li>{@code L ≤ d(a(j),j) ≤ U(a(j),j)} where {@code L = max(1, D_l)} (4.4e, and a learner
 *       serving a task has a shard of it) and {@code U(i,j) = min(D_i, floor((T_i − F(i,j)) / S(i,j)))}
 *       (4.4b restated as a bound on the shards);</li>
 *   <li>{@code Σ_j d(i,j) = D_i} (4.4c); {@code Σ_ij p_j d(i,j) ≤ B} (4.4d); one task per learner
 *       by construction (4.4f).</li>
 * </ul>
 *
 * <p><b>Why it finishes.</b> For a fixed assignment, task i's best {@code H_i} is a water-filling
 * level: the D_i-th smallest of the per-shard values {@code F(i,j) + S(i,j)·k} ({@code k ≤ U}) of
 * its learners, at least {@code F + S·L} of each ({@link TaskLevels}). The search
 * ({@link AssignmentSearch}) branches on the assignment only, learner by learner (fastest first,
 * identical learners in non-decreasing task order to break symmetry), and bounds a node by giving
 * every still-free learner to every task at once: a relaxation whose per-task levels are exact at
 * the leaves, so the bound is tight where a MIP's linear relaxation (which spreads a fractional
 * learner over every task and discounts its fixed delay) is weak. The budget is handled exactly
 * at a leaf whose fastest split is too expensive ({@link BudgetFrontier}). A MIP (ojalgo, and
 * SCIP through OR-tools) on the linearised program did not prove the thesis's 10 × 3 instances
 * within seconds; this search proves them in milliseconds.
 *
 * <p>With a time limit the search stops with the best allocation found and a proven lower bound
 * (the smallest bound of the nodes it left open), reported as {@link MedAllocation#gap()}.
 *
 * <p>When no allocation exists the exception says why: too few learners or shards for the
 * per-learner minimum, a budget below the cheapest allocation, or deadlines that cannot all be
 * met (found by searching again without them).
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
   * The allocation with the smallest sum of per-task maximum expected delays (or the best within
   * the time limit, with its gap).
   *
   * @throws MedInfeasibleException when no allocation meets the constraints
   */
  public MedAllocation solve(MedProblem problem) {
    precheck(problem);
    AssignmentSearch.Outcome s = new AssignmentSearch(problem, true, timeLimitMs).run();
    if (s.shards() != null) {
      return new MedAllocation(s.shards(), problem.objective(s.shards()), Math.min(s.lowerBound(),
          problem.objective(s.shards())), s.nodes());
    }
    if (!s.complete()) {
      throw new MedInfeasibleException("no allocation found within the time limit of " + timeLimitMs
          + " ms (not proven infeasible)", false);
    }
    if (new AssignmentSearch(problem, false, timeLimitMs).run().shards() != null) {
      throw new MedInfeasibleException("no allocation meets every task's deadline with the learners' expected delays"
          + " (Eq. 4.4b) within the budget and the other constraints", true);
    }
    throw new MedInfeasibleException("no allocation meets the shards, budget, one-task-per-learner and minimum-shards"
        + " constraints together (Eq. 4.4c-f), even without deadlines", true);
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
}
