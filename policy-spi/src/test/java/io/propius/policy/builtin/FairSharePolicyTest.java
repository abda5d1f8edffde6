package io.propius.policy.builtin;

import static io.propius.policy.builtin.PolicyFixtures.apply;
import static io.propius.policy.builtin.PolicyFixtures.concat;
import static io.propius.policy.builtin.PolicyFixtures.devices;
import static io.propius.policy.builtin.PolicyFixtures.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.propius.api.device.Attributes;
import io.propius.policy.JobGroup;
import io.propius.policy.Policies;
import io.propius.policy.PolicyContext;
import io.propius.policy.ScheduleTrigger;
import io.propius.policy.SchedulingPolicy;
import io.propius.policy.portal.JobRow;
import io.propius.policy.portal.SampledClientPortal;
import io.propius.policy.portal.TableJobPortal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Fair share on hand-worked cases: A = {gpu >= 1}, C = {} (any device). */
class FairSharePolicyTest {
  private static final Map<String, Double> A = Map.of("gpu", 1.0);
  private static final Map<String, Double> C = Map.of();
  private static final Map<String, Double> GPU = Map.of("gpu", 1.0);
  private static final Map<String, Double> PLAIN = Map.of("gpu", 0.0);

  private static SchedulingPolicy fairShare() {
    SchedulingPolicy p = Policies.load("fair-share");
    p.init(new PolicyContext(() -> 0, 1, Map.of()));
    return p;
  }

  @Test
  void scarceSupplyIsSharedInProportionToDemand() {
    // Demand 10 (A) + 10 + 5 (C) = 25 over 10 devices (6 GPU, 4 plain). One level t for everyone:
    // 25 t <= 10 → t = 0.4, and A's 4 fit in its 6 GPU devices. So 4, 4, 2. The 4 plain devices
    // can only go to C, so C also takes 2 GPU devices: GPU atom shares job 1: 4, job 3: 2·5/15,
    // job 2: 2·10/15; plain atom job 3: 4·5/15, job 2: 4·10/15.
    List<JobRow> jobs = List.of(open(1, 10, A), open(2, 10, C), open(3, 5, C));
    List<Attributes> window = concat(devices(6, GPU), devices(4, PLAIN));
    List<JobGroup> g = fairShare().groups(new TableJobPortal(jobs), SampledClientPortal.exact(window));
    assertThat(g).hasSize(3);
    assertThat(g.get(0).query()).isEqualTo("(gpu >= 1) and (true)");
    assertThat(g.get(0).jobIds()).containsExactly(1L, 3L, 2L);
    assertThat(g.get(0).shares().get(0)).isCloseTo(4, within(1e-6));
    assertThat(g.get(0).shares().get(1)).isCloseTo(2.0 * 5 / 15, within(1e-6));
    assertThat(g.get(0).shares().get(2)).isCloseTo(2.0 * 10 / 15, within(1e-6));
    assertThat(g.get(1).query()).isEqualTo("not (gpu >= 1) and (true)");
    assertThat(g.get(1).jobIds()).containsExactly(3L, 2L);
    assertThat(g.get(1).shares().get(0)).isCloseTo(4.0 * 5 / 15, within(1e-6));
    assertThat(g.get(2)).isEqualTo(JobGroup.ordered("(gpu >= 1) or (true)", List.of(1L, 3L, 2L)));
    assertThat(apply(g, window, jobs)).isEqualTo(Map.of(1L, 4, 2L, 4, 3L, 2));
  }

  @Test
  void aClassCappedByItsEligibleSupplyLeavesTheRestToTheOthers() {
    // A wants 10 but only 2 devices have a GPU; C wants 10. Common level: 10 t <= 2 → t = 0.2, A is
    // frozen at 2 devices; C keeps rising to the 8 that are left: max-min fair, 2 and 8.
    List<JobRow> jobs = List.of(open(1, 10, A), open(2, 10, C));
    List<Attributes> window = concat(devices(2, GPU), devices(8, PLAIN));
    EligibilityClasses ec = EligibilityClasses.of(List.of(1L, 2L), new TableJobPortal(jobs),
        SampledClientPortal.exact(window));
    FairSharePolicy.Allocation a = FairSharePolicy.allocate(ec);
    assertThat(a.level()[0]).isCloseTo(0.2, within(1e-6));
    assertThat(a.level()[1]).isCloseTo(0.8, within(1e-6));
    List<JobGroup> g = fairShare().groups(new TableJobPortal(jobs), SampledClientPortal.exact(window));
    assertThat(apply(g, window, jobs)).isEqualTo(Map.of(1L, 2, 2L, 8));
  }

  @Test
  void enoughDevicesServeEveryoneFully() {
    List<JobRow> jobs = List.of(open(1, 3, A), open(2, 4, C));
    List<Attributes> window = concat(devices(5, GPU), devices(5, PLAIN));
    EligibilityClasses ec = EligibilityClasses.of(List.of(1L, 2L), new TableJobPortal(jobs),
        SampledClientPortal.exact(window));
    assertThat(FairSharePolicy.allocate(ec).level()).containsExactly(1.0, 1.0);
    List<JobGroup> g = fairShare().groups(new TableJobPortal(jobs), SampledClientPortal.exact(window));
    assertThat(apply(g, window, jobs)).isEqualTo(Map.of(1L, 3, 2L, 4));
  }

  @Test
  void onlineScoresServeTheSmallestServedFractionFirst() {
    TableJobPortal portal = new TableJobPortal(List.of(open(1, 10, 5, 0, C), open(2, 4, 1, 0, C), open(3, 2, 2, 0, C)));
    fairShare().schedule(ScheduleTrigger.TICK, portal, SampledClientPortal.exact(List.of()));
    assertThat(portal.scores()).isEqualTo(Map.of(1L, -0.5, 2L, -0.25, 3L, -1.0));
  }
}
