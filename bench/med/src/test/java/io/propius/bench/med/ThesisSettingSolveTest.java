package io.propius.bench.med;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.policy.med.MedAllocation;
import io.propius.policy.med.MedProblem;
import io.propius.policy.med.MedSolver;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * MED's solver on the thesis's own setting (10 learners, 3 tasks, 3 states, budget, minimum
 * shards) and scaled up: proven optimal within a second of CPU on one core. CPU time, not wall
 * time, so a loaded CI machine does not make the test flaky; the bound is generous (measured: tens
 * of ms at 10 learners, about 0.2 s at 12).
 */
class ThesisSettingSolveTest {
  /** The largest batch of the scaled thesis setting that the solver proves optimal within 1 s. */
  static final int LARGEST_PROVEN_IN_ONE_SECOND = 12;

  private final ThreadMXBean cpu = ManagementFactory.getThreadMXBean();

  private MedAllocation provenWithinOneSecond(MedProblem problem, String what) {
    long started = cpu.getCurrentThreadCpuTime();
    MedAllocation a = new MedSolver().solve(problem);
    double seconds = (cpu.getCurrentThreadCpuTime() - started) / 1e9;
    assertThat(problem.violation(a.shards())).as(what).isNull();
    assertThat(a.gap()).as(what + ": gap").isLessThanOrEqualTo(MedAllocation.OPTIMAL_GAP);
    assertThat(a.optimal()).as(what).isTrue();
    assertThat(seconds).as(what + ": CPU seconds").isLessThan(1.0);
    return a;
  }

  @Test
  void thesisSettingSolvesToProvenOptimalityWithinOneSecond() {
    SplittableRandom random = new SplittableRandom(11);
    for (int trial = 0; trial < 10; trial++) {
      MedProblem problem = ThesisSetting.trial(random);
      provenWithinOneSecond(problem, "MED, trial " + trial);
      int[] benchmarked = new int[problem.learners().size()];
      for (int j = 0; j < benchmarked.length; j++) {
        benchmarked[j] = ThesisSetting.sampleState(problem.learners().get(j).stateProbability(), random);
      }
      provenWithinOneSecond(problem.knowing(benchmarked), "MMTT's view, trial " + trial);
    }
  }

  @Test
  void largestProvenSizeStaysWithinOneSecond() {
    SplittableRandom random = new SplittableRandom(3);
    for (int trial = 0; trial < 3; trial++) {
      provenWithinOneSecond(ThesisSetting.trial(random, LARGEST_PROVEN_IN_ONE_SECOND),
          LARGEST_PROVEN_IN_ONE_SECOND + " learners, trial " + trial);
    }
  }

  @Test
  void aBatchTooLargeToProveReturnsItsBestWithAnHonestGap() {
    MedProblem problem = ThesisSetting.trial(new SplittableRandom(5), 40);
    MedAllocation a = new MedSolver(200).solve(problem);
    assertThat(problem.violation(a.shards())).isNull();
    assertThat(a.lowerBound()).isPositive().isLessThanOrEqualTo(a.objective());
    assertThat(a.gap()).isBetween(0.0, 1.0);
  }
}
