package io.propius.policy.med.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.policy.med.learn.ClassDurations;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One tick's MED plan from held devices of learned classes and rounds with data work. */
class MedPlannerTest {
  private static ClassDurations learned() {
    ClassDurations d = new ClassDurations(200, 2, 20, 1);
    for (int t = 0; t < 100; t++) {
      d.record("fast", 4, t % 4 == 0 ? 2.0 : 1.0); // 0.25 s/shard, sometimes 0.5
      d.record("slow", 4, t % 2 == 0 ? 4.0 : 8.0); // 1 or 2 s/shard
    }
    return d;
  }

  private static List<MedPlanner.Learner> held(int fast, int slow) {
    List<MedPlanner.Learner> out = new ArrayList<>();
    for (int i = 0; i < fast; i++) {
      out.add(new MedPlanner.Learner("f" + i, "fast"));
    }
    for (int i = 0; i < slow; i++) {
      out.add(new MedPlanner.Learner("s" + i, "slow"));
    }
    return out;
  }

  @Test
  void everyRoundGetsExactlyItsShardsAndNoDeviceServesTwice() {
    MedPlanner planner = new MedPlanner(learned(), 10e6, 2_000);
    List<MedPlanner.Round> rounds = List.of(new MedPlanner.Round(1, new DataWork(40, 50_000, 1_000_000, 30_000)),
        new MedPlanner.Round(2, new DataWork(25, 0, 4_000_000, 20_000)));
    MedPlan plan = planner.plan(held(6, 8), rounds);
    assertThat(plan.overran()).isFalse();
    assertThat(plan.fallbacks()).isEmpty();
    assertThat(plan.gap()).isLessThanOrEqualTo(1e-6);
    Map<Long, Integer> perJob = new HashMap<>();
    plan.assignments().values().forEach(a -> perJob.merge(a.jobId(), a.shards(), Integer::sum));
    assertThat(perJob).containsEntry(1L, 40).containsEntry(2L, 25);
    assertThat(new HashSet<>(plan.assignments().keySet())).hasSize(plan.assignments().size());
    assertThat(plan.assignments().values()).allMatch(a -> a.shards() >= 1);
    // Fast devices carry more shards than slow ones within a round.
    int fastMax = plan.assignments().entrySet().stream().filter(e -> e.getKey().startsWith("f"))
        .mapToInt(e -> e.getValue().shards()).max().orElse(0);
    int slowMax = plan.assignments().entrySet().stream().filter(e -> e.getKey().startsWith("s"))
        .mapToInt(e -> e.getValue().shards()).max().orElse(0);
    assertThat(fastMax).isGreaterThan(slowMax);
  }

  @Test
  void aRoundWhoseDeadlineNoClassCanMeetFallsBackWithTheReasonAndTheOthersArePlanned() {
    MedPlanner planner = new MedPlanner(learned(), 10e6, 2_000);
    // 1 ms cannot even fetch a 4 MB model: infeasible for every class.
    List<MedPlanner.Round> rounds = List.of(new MedPlanner.Round(1, new DataWork(10, 0, 1_000_000, 30_000)),
        new MedPlanner.Round(7, new DataWork(10, 0, 4_000_000, 1)));
    MedPlan plan = planner.plan(held(3, 3), rounds);
    assertThat(plan.fallbacks()).singleElement().satisfies(f -> {
      assertThat(f.jobId()).isEqualTo(7);
      assertThat(f.reason()).contains("deadline");
    });
    assertThat(plan.assignments().values()).allMatch(a -> a.jobId() == 1);
    assertThat(plan.assignments().values().stream().mapToInt(MedPlan.Assignment::shards).sum()).isEqualTo(10);
  }

  @Test
  void badDataWorkIsRefusedWithTheField() {
    assertThat(DataWork.problem(-3, 0, 0, 1000)).contains("total_shards");
    assertThat(DataWork.problem(5, -1, 0, 1000)).contains("shard_bytes");
    assertThat(DataWork.problem(5, 0, 1L << 40, 1000)).contains("model_bytes");
    assertThat(DataWork.problem(5, 0, 0, 0)).contains("deadline_ms");
    assertThat(DataWork.problem(5, 0, 0, 1000)).isNull();
  }
}
