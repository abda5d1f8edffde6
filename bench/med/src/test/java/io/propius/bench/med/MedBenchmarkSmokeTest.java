package io.propius.bench.med;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.policy.med.MedProblem;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * A tiny setting of the MED benchmark (CI smoke run: one trial, one cycle, a solve limit generous
 * enough to find an allocation on a loaded machine), and the simulator's halting rule by hand.
 */
class MedBenchmarkSmokeTest {
  @Test
  void oneTrialRunsAndReportsSaneFigures() {
    Map<MedBenchmark.Scheme, MedBenchmark.Totals> totals = new MedBenchmark(2_000, false).run(1, 1, 3);
    for (MedBenchmark.Scheme s : new MedBenchmark.Scheme[] {MedBenchmark.Scheme.MED, MedBenchmark.Scheme.MMTT_UNCERTAIN}) {
      MedBenchmark.Totals t = totals.get(s);
      assertThat(t.taskCycles).isEqualTo(3);
      assertThat(t.meanTime()).isPositive();
      assertThat(t.satisfaction()).isBetween(0.0, 1.0);
      assertThat(t.dropRate()).isBetween(0.0, 1.0);
    }
    assertThat(MedBenchmark.table(totals, 1, 1, 3, 2_000)).contains("| MED |").contains("| MMTT-UNCERTAIN |");
  }

  @Test
  void aLearnerStillTrainingAtTheDeadlineHaltsAndUploadsWhatItHas() {
    // One learner, 10 shards at 1 shard/s, deadline 6 s, model 100 B at 100 B/s (1 s each way), no
    // data bytes: download 1 s, trains 5 shards by the deadline, halts, uploads: done at 7 s.
    MedProblem p = new MedProblem(List.of(new MedProblem.Task("t", 10, 100, 0, 6)),
        List.of(new MedProblem.Learner("w", 1, new double[] {1}, new double[] {100}, new double[][] {{1}})),
        100, 1);
    CycleSimulator.TaskOutcome o = CycleSimulator.run(p, new int[][] {{10}}, new int[] {0})[0];
    assertThat(o.timeS()).isEqualTo(7);
    assertThat(o.metDeadline()).isFalse();
    assertThat(o.trainedShards()).isEqualTo(5);
    assertThat(o.dropRate()).isEqualTo(0.5);
    assertThat(ThesisSetting.heatedSoftmax(1)[1]).isCloseTo(Math.exp(2) / (Math.exp(2) + 2), Assertions.within(1e-12));
    assertThat(ThesisSetting.trial(new SplittableRandom(1)).learners()).hasSize(10);
  }
}
