package io.propius.policy.builtin;

import static io.propius.policy.builtin.PolicyFixtures.apply;
import static io.propius.policy.builtin.PolicyFixtures.concat;
import static io.propius.policy.builtin.PolicyFixtures.devices;
import static io.propius.policy.builtin.PolicyFixtures.open;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

/**
 * IRS on hand-worked cases with overlapping eligibility. Classes: A = {gpu >= 1}, B =
 * {cpu_cores >= 4}, C = {} (any device). GPU devices are eligible for A, B and C; big-CPU devices for
 * B and C; small devices for C only.
 */
class IrsPolicyTest {
  private static final Map<String, Double> A = Map.of("gpu", 1.0);
  private static final Map<String, Double> B = Map.of("cpu_cores", 4.0);
  private static final Map<String, Double> C = Map.of();
  private static final Map<String, Double> GPU = Map.of("gpu", 1.0, "cpu_cores", 8.0);
  private static final Map<String, Double> BIG = Map.of("gpu", 0.0, "cpu_cores", 8.0);
  private static final Map<String, Double> SMALL = Map.of("gpu", 0.0, "cpu_cores", 2.0);

  private static SchedulingPolicy irs(double fairness, long now) {
    SchedulingPolicy p = Policies.load("irs");
    p.init(new PolicyContext(() -> now, 1, fairness == 0 ? Map.of() : Map.of("fairness", Double.toString(fairness))));
    return p;
  }

  private static List<JobGroup> groups(SchedulingPolicy p, List<JobRow> jobs, List<Attributes> window) {
    return p.groups(new TableJobPortal(jobs), SampledClientPortal.exact(window));
  }

  @Test
  void eachClassKeepsTheDevicesNoScarcerClassCanUseWhenAbsorbingDoesNotPay() {
    // Supply A=2, B=6, C=10; initial alloc A=2 (GPU), B=4 (BIG), C=4 (SMALL).
    // C (demands 1,5 over 4 devices each) vs B (3 over 4): delay(C)=1.5 > delay(B)=0.75; running sum
    // 0.25 < 0.75, then 1.5 >= 0.75, so 1 affected job; 1/4 > 1/4 is false: no absorption, stop.
    // B vs A: delay(B)=0.75 <= delay(A)=1, all 1 job affected; 1/4 > 1/2 is false.
    List<JobRow> jobs = List.of(open(1, 2, A), open(2, 3, B), open(3, 5, C), open(4, 1, C));
    List<Attributes> window = concat(devices(2, GPU), devices(4, BIG), devices(4, SMALL));
    List<JobGroup> g = groups(irs(0, 0), jobs, window);
    assertThat(g).containsExactly(
        JobGroup.ordered("gpu >= 1", List.of(1L)),
        JobGroup.ordered("cpu_cores >= 4", List.of(2L)),
        JobGroup.ordered("true", List.of(4L, 3L)));
    assertThat(apply(g, window, jobs)).isEqualTo(Map.of(1L, 2, 2L, 3, 4L, 1, 3L, 4));
  }

  @Test
  void aCrowdedCommonClassAbsorbsAScarcerClassWhoseJobsAreFewerPerDevice() {
    // Supply A=2, B=10, C=14; alloc A=2, B=8, C=4. C's demands 1,2,5,8 (jobs 4,5,3,6) over 4 each:
    // delay 4; B: 3/8 = 0.375. Running sum 0.25, then 0.75 >= 0.375: 1 affected; 1/4 > 1/8: C
    // absorbs B (alloc 12, C's supplies become 12, B's job keeps 8). Then vs A: delay(C) = 16/12 +
    // 3/8 ≈ 1.71 > delay(A) = 1; running sum 1/12, 3/12, 8/12, 16/12 >= 1 at index 3: 3 affected;
    // 3/12 > 1/2 is false: stop.
    List<JobRow> jobs = List.of(open(1, 2, A), open(2, 3, B), open(3, 5, C), open(4, 1, C), open(5, 2, C),
        open(6, 8, C));
    List<Attributes> window = concat(devices(2, GPU), devices(8, BIG), devices(4, SMALL));
    SchedulingPolicy p = irs(0, 0);
    List<JobGroup> g = groups(p, jobs, window);
    assertThat(g).containsExactly(
        JobGroup.ordered("gpu >= 1", List.of(1L)),
        JobGroup.ordered("(cpu_cores >= 4) or (true)", List.of(4L, 5L, 2L, 3L, 6L)));
    // GPU devices to job 1; big ones to 4, 5, 5, 2, 2, 2, 3, 3; small ones to 3, 3, 3, then 6.
    assertThat(apply(g, window, jobs)).isEqualTo(Map.of(1L, 2, 4L, 1, 5L, 2, 2L, 3, 3L, 5, 6L, 1));

    TableJobPortal portal = new TableJobPortal(jobs);
    p.schedule(ScheduleTrigger.TICK, portal, SampledClientPortal.exact(window));
    assertThat(portal.scores()).isEqualTo(Map.of(1L, 6.0, 4L, 5.0, 5L, 4.0, 2L, 3.0, 3L, 2.0, 6L, 1.0));
  }

  @Test
  void withoutAnyScarcerDeviceTheScarceClassFallsBackToLeftovers() {
    // Nobody has a GPU: A's supply is 0, it comes first but gets nothing; B and C as usual.
    List<JobRow> jobs = List.of(open(1, 2, A), open(2, 1, C));
    List<Attributes> window = devices(3, SMALL);
    List<JobGroup> g = groups(irs(0, 0), jobs, window);
    assertThat(g.get(0)).isEqualTo(JobGroup.ordered("gpu >= 1", List.of(1L)));
    assertThat(apply(g, window, jobs)).isEqualTo(Map.of(2L, 1));
  }

  @Test
  void theFairnessKnobMovesJobsWaitingBeyondTheirFairShareToTheFront() {
    // now = 10 000; waits: job 1 9000, job 2 1000, job 3 2000; mean 4000.
    List<JobRow> jobs = List.of(open(1, 5, 0, 1_000, C), open(2, 1, 0, 9_000, A), open(3, 2, 0, 8_000, C));
    List<Attributes> window = concat(devices(1, GPU), devices(4, SMALL));
    // f = 1: threshold 4000, job 1 is boosted ahead of the scarce class.
    assertThat(groups(irs(1, 10_000), jobs, window)).containsExactly(
        JobGroup.ordered("true", List.of(1L)),
        JobGroup.ordered("gpu >= 1", List.of(2L)),
        JobGroup.ordered("true", List.of(3L)));
    // f = 0.25: threshold 16000, nobody is boosted; knob off: the same.
    List<JobGroup> plain = List.of(JobGroup.ordered("gpu >= 1", List.of(2L)), JobGroup.ordered("true", List.of(3L, 1L)));
    assertThat(groups(irs(0.25, 10_000), jobs, window)).isEqualTo(plain);
    assertThat(groups(irs(0, 10_000), jobs, window)).isEqualTo(plain);
  }

  @Test
  void onlyOpenUnfilledRoundsAreScheduledAndABadKnobIsRejected() {
    JobRow filled = open(7, 3, 3, 0, C);
    assertThat(groups(irs(0, 0), List.of(filled), devices(2, SMALL))).isEmpty();
    SchedulingPolicy p = Policies.load("irs");
    assertThatThrownBy(() -> p.init(new PolicyContext(() -> 0, 1, Map.of("fairness", "-1"))))
        .hasMessageContaining("'fairness' must be a number >= 0");
    assertThatThrownBy(() -> p.init(new PolicyContext(() -> 0, 1, Map.of("fairness", "lots"))))
        .hasMessageContaining("'fairness' must be a number");
  }
}
