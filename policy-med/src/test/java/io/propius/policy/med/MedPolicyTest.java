package io.propius.policy.med;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propius.api.device.Attributes;
import io.propius.policy.Policies;
import io.propius.policy.PolicyContext;
import io.propius.policy.SchedulingPolicy;
import io.propius.policy.med.plan.DataWork;
import io.propius.policy.med.plan.MedPlan;
import io.propius.policy.med.plan.MedPlanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code med} policy as the server loads it: by name, with its options, planning held devices. */
class MedPolicyTest {
  private static MedPolicy load(Map<String, String> options) {
    SchedulingPolicy p = Policies.load("med");
    p.init(new PolicyContext(System::currentTimeMillis, 1, options));
    assertThat(p).isInstanceOf(MedPolicy.class);
    return (MedPolicy) p;
  }

  private static List<MedPolicy.HeldDevice> held(int n, double cores) {
    List<MedPolicy.HeldDevice> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new MedPolicy.HeldDevice("c" + cores + "-" + i, Attributes.of(Map.of("cpu_cores", cores))));
    }
    return out;
  }

  @Test
  void loadedByNameItPlansEveryShardOfADataWorkRound() {
    MedPolicy med = load(Map.of(MedPolicy.SOLVE_MS, "500"));
    MedPlan plan = med.allocate(held(6, 4), List.of(new MedPlanner.Round(7, new DataWork(20, 0, 1_000_000, 60_000))));
    assertThat(plan.fallbacks()).isEmpty();
    assertThat(plan.assignments().values().stream().mapToInt(MedPlan.Assignment::shards).sum()).isEqualTo(20);
    assertThat(plan.assignments().values()).allMatch(a -> a.jobId() == 7);
  }

  @Test
  void aRoundNoClassCanServeInTimeFallsBackWithAReason() {
    MedPolicy med = load(Map.of());
    // One second per shard by the prior: 10 shards on 2 devices cannot finish in 1 ms.
    MedPlan plan = med.allocate(held(2, 4), List.of(new MedPlanner.Round(3, new DataWork(10, 0, 1_000, 1))));
    assertThat(plan.assignments()).isEmpty();
    assertThat(plan.fallbacks()).singleElement().satisfies(f -> {
      assertThat(f.jobId()).isEqualTo(3);
      assertThat(f.reason()).isNotBlank();
    });
  }

  @Test
  void devicesAreClassedByAPublicAttributeRoundedDownToAPowerOfTwo() {
    MedPolicy med = load(Map.of());
    assertThat(med.deviceClass(Attributes.of(Map.of("cpu_cores", 5.0)))).isEqualTo("cpu_cores:4");
    assertThat(med.deviceClass(Attributes.of(Map.of("cpu_cores", 4.0)))).isEqualTo("cpu_cores:4");
    assertThat(med.deviceClass(Attributes.of(Map.of("cpu_cores", 8.0)))).isEqualTo("cpu_cores:8");
    assertThat(med.deviceClass(Attributes.of(Map.of()))).isEqualTo("cpu_cores:none");
    MedPolicy byMemory = load(Map.of(MedPolicy.CLASS_ATTRIBUTE, "memory_gb"));
    assertThat(byMemory.deviceClass(Attributes.of(Map.of("memory_gb", 3.0)))).isEqualTo("memory_gb:2");
  }

  @Test
  void observedTaskDurationsReplaceThePriorOfTheirClassLessTheTransfers() {
    MedPolicy med = load(Map.of(MedPolicy.BYTES_PER_SECOND, "1e6", MedPolicy.PRIOR_SECONDS_PER_SHARD, "1"));
    assertThat(med.states("cpu_cores:8").samples()).as("no history: the prior").isZero();
    // 4 shards, a 1 MB model down and up at 1 MB/s (2 s), 10 s from confirm to upload: 2 s per shard.
    assertThat(med.observe("cpu_cores:8", 4, 0, 1_000_000, 1.5)).as("shorter than the transfers").isFalse();
    for (int t = 0; t < MedPolicy.MIN_SAMPLES; t++) {
      assertThat(med.observe("cpu_cores:8", 4, 0, 1_000_000, 10)).isTrue();
    }
    var states = med.states("cpu_cores:8");
    assertThat(states.samples()).isEqualTo(MedPolicy.MIN_SAMPLES);
    assertThat(states.secondsPerShard()).containsOnly(2.0);
    assertThat(med.states("cpu_cores:2").samples()).as("other classes keep the prior").isZero();
  }

  @Test
  void badOptionsAreRefusedWithTheirName() {
    SchedulingPolicy p = Policies.load("med");
    assertThatThrownBy(() -> p.init(new PolicyContext(System::currentTimeMillis, 1, Map.of(MedPolicy.SOLVE_MS, "0"))))
        .hasMessageContaining(MedPolicy.SOLVE_MS);
    assertThatThrownBy(() -> p.init(new PolicyContext(System::currentTimeMillis, 1,
        Map.of(MedPolicy.PRIOR_SECONDS_PER_SHARD, "-1")))).hasMessageContaining(MedPolicy.PRIOR_SECONDS_PER_SHARD);
  }
}
