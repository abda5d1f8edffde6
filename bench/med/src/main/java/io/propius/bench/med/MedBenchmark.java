package io.propius.bench.med;

import io.propius.policy.med.MedAllocation;
import io.propius.policy.med.MedInfeasibleException;
import io.propius.policy.med.MedProblem;
import io.propius.policy.med.MedSolver;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

/**
 * MED against the thesis's baselines on its Table 4.1 setting ({@link ThesisSetting}), simulated
 * ({@link CycleSimulator}). Per trial: a fresh instance; each learner runs its benchmark in a state
 * drawn from its distribution; then {@code gucs} cycles, each with freshly drawn actual states.
 * <ul>
 *   <li><b>MED</b> allocates once from the state probabilities (Eq. 4.4);</li>
 *   <li><b>MMTT-Uncertain</b> allocates once, minimising the same objective with the capabilities
 *       measured at benchmark time taken as certain;</li>
 *   <li><b>MMTT-Ideal</b> knows each cycle's actual states and allocates again every cycle (the
 *       unreachable reference).</li>
 * </ul>
 * A scheme whose program is infeasible in its own view of the learners falls back to the same
 * program without deadlines (so the cycle still runs) and is counted. Every solve gets the same
 * time limit ({@code --solve-ms}); the table says how many were proven optimal. MMTT-Ideal solves
 * once per cycle, so it is off unless {@code --ideal} is given.
 *
 * <p>Usage: {@code java -jar bench/med/target/med-bench.jar [--trials 40] [--gucs 5] [--seed 1]
 * [--solve-ms 1500] [--ideal] [--deadline-scale 1]}; {@code --solve-ms 0} solves without a time limit.
 */
public final class MedBenchmark {
  enum Scheme { MED, MMTT_UNCERTAIN, MMTT_IDEAL }

  /** Sums over (trial, cycle, task) of one scheme. */
  static final class Totals {
    long taskCycles;
    double time;
    double timeSquares;
    long satisfied;
    double drop;
    long solves;
    long fallbacks;
    long retries;
    long optimal;
    double solveMs;

    void add(CycleSimulator.TaskOutcome o) {
      taskCycles++;
      time += o.timeS();
      timeSquares += o.timeS() * o.timeS();
      satisfied += o.metDeadline() ? 1 : 0;
      drop += o.dropRate();
    }

    double meanTime() {
      return time / taskCycles;
    }

    double timeCi95() {
      double mean = meanTime();
      double var = Math.max(0, timeSquares / taskCycles - mean * mean);
      return 1.96 * Math.sqrt(var / taskCycles);
    }

    double satisfaction() {
      return (double) satisfied / taskCycles;
    }

    double dropRate() {
      return drop / taskCycles;
    }
  }

  private final MedSolver solver;
  private final MedSolver patientSolver;
  private final boolean ideal;
  private final double deadlineScale;

  MedBenchmark(long solveMs, boolean ideal) {
    this(solveMs, ideal, 1);
  }

  /** @param deadlineScale every task's deadline times this (1: the thesis's deadlines) */
  MedBenchmark(long solveMs, boolean ideal, double deadlineScale) {
    this.solver = new MedSolver(solveMs);
    this.patientSolver = new MedSolver(4 * solveMs);
    this.ideal = ideal;
    this.deadlineScale = deadlineScale;
  }

  /** The same problem with every task's deadline mapped. */
  private static MedProblem withDeadlines(MedProblem p, DoubleUnaryOperator deadline) {
    return new MedProblem(p.tasks().stream().map(t -> new MedProblem.Task(t.name(), t.shards(), t.modelBytes(),
        t.shardBytes(), deadline.applyAsDouble(t.deadlineS()))).toList(), p.learners(), p.budget(),
        p.minShardsPerLearner());
  }

  /** Runs the comparison; totals per scheme. */
  Map<Scheme, Totals> run(int trials, int gucs, long seed) {
    Map<Scheme, Totals> totals = new EnumMap<>(Scheme.class);
    for (Scheme s : Scheme.values()) {
      totals.put(s, new Totals());
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int t = 0; t < trials; t++) {
      MedProblem problem = withDeadlines(ThesisSetting.trial(random), d -> d * deadlineScale);
      int[] benchmarkState = drawStates(problem, random);
      int[][] med = allocate(problem, totals.get(Scheme.MED));
      int[][] mmttUncertain = allocate(problem.knowing(benchmarkState), totals.get(Scheme.MMTT_UNCERTAIN));
      for (int g = 0; g < gucs; g++) {
        int[] actual = drawStates(problem, random);
        record(totals.get(Scheme.MED), CycleSimulator.run(problem, med, actual));
        record(totals.get(Scheme.MMTT_UNCERTAIN), CycleSimulator.run(problem, mmttUncertain, actual));
        if (ideal) {
          int[][] known = allocate(problem.knowing(actual), totals.get(Scheme.MMTT_IDEAL));
          record(totals.get(Scheme.MMTT_IDEAL), CycleSimulator.run(problem, known, actual));
        }
      }
    }
    return totals;
  }

  private static int[] drawStates(MedProblem problem, SplittableRandom random) {
    int[] states = new int[problem.learners().size()];
    for (int j = 0; j < states.length; j++) {
      states[j] = ThesisSetting.sampleState(problem.learners().get(j).stateProbability(), random);
    }
    return states;
  }

  private static void record(Totals totals, CycleSimulator.TaskOutcome[] outcomes) {
    for (CycleSimulator.TaskOutcome o : outcomes) {
      totals.add(o);
    }
  }

  /**
   * The scheme's allocation. Nothing found within the limit: once more with four times the limit
   * (counted). Infeasible in the scheme's own view: the same program without deadlines (counted).
   */
  private int[][] allocate(MedProblem problem, Totals totals) {
    long started = System.nanoTime();
    try {
      MedAllocation a;
      try {
        try {
          a = solver.solve(problem);
        } catch (MedInfeasibleException e) {
          if (e.proven()) {
            throw e;
          }
          totals.retries++;
          a = patientSolver.solve(problem);
        }
      } catch (MedInfeasibleException e) {
        System.err.println("falling back to no deadlines: " + e.getMessage());
        totals.fallbacks++;
        a = patientSolver.solve(withDeadlines(problem, d -> 1e9));
      }
      totals.optimal += a.optimal() ? 1 : 0;
      return a.shards();
    } finally {
      totals.solves++;
      totals.solveMs += (System.nanoTime() - started) / 1e6;
    }
  }

  static String table(Map<Scheme, Totals> totals, int trials, int gucs, long seed, long solveMs) {
    StringBuilder sb = new StringBuilder();
    Totals base = totals.get(Scheme.MMTT_UNCERTAIN);
    sb.append(String.format(Locale.ROOT, "MED vs MMTT on the thesis Table 4.1 setting: %d learners, %d states, 3 tasks,"
        + " budget %.0f, %d trials x %d cycles, seed %d, solve limit %d ms%n%n", ThesisSetting.LEARNERS,
        ThesisSetting.STATES, ThesisSetting.BUDGET, trials, gucs, seed, solveMs));
    sb.append("| scheme | training time (s, mean ± 95% CI) | vs MMTT-Uncertain | satisfaction ratio | data drop rate"
        + " | solves proven optimal | retried with 4× limit | no-deadline fallbacks | mean solve (ms) |\n"
        + "|---|---|---|---|---|---|---|---|---|\n");
    for (Scheme s : List.of(Scheme.MED, Scheme.MMTT_UNCERTAIN, Scheme.MMTT_IDEAL)) {
      Totals t = totals.get(s);
      if (t.taskCycles == 0) {
        continue;
      }
      sb.append(String.format(Locale.ROOT, "| %s | %.2f ± %.2f | %.3f× | %.3f | %.4f | %d of %d | %d | %d | %.0f |%n",
          s.name().replace('_', '-'), t.meanTime(), t.timeCi95(), t.meanTime() / base.meanTime(), t.satisfaction(),
          t.dropRate(), t.optimal, t.solves, t.retries, t.fallbacks, t.solveMs / Math.max(1, t.solves)));
    }
    return sb.toString();
  }

  public static void main(String[] args) {
    int trials = 40;
    int gucs = 5;
    long seed = 1;
    long solveMs = 1_500;
    boolean ideal = false;
    double deadlineScale = 1;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--trials" -> trials = Integer.parseInt(args[++i]);
        case "--gucs" -> gucs = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--solve-ms" -> solveMs = Long.parseLong(args[++i]);
        case "--ideal" -> ideal = true;
        case "--deadline-scale" -> deadlineScale = Double.parseDouble(args[++i]);
        default -> {
          System.err.println("usage: med-bench [--trials N] [--gucs N] [--seed N] [--solve-ms N] [--ideal]"
              + " [--deadline-scale X]; unknown argument " + args[i]);
          System.exit(2);
        }
      }
    }
    long started = System.nanoTime();
    Map<Scheme, Totals> totals = new MedBenchmark(solveMs, ideal, deadlineScale).run(trials, gucs, seed);
    System.out.print(table(totals, trials, gucs, seed, solveMs));
    if (deadlineScale != 1) {
      System.out.printf(Locale.ROOT, "%ndeadlines scaled by %.2f%n", deadlineScale);
    }
    System.out.printf(Locale.ROOT, "%nwall time %.1f s%n", (System.nanoTime() - started) / 1e9);
  }
}
