package io.propius.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.policy.portal.JobRow;
import io.propius.policy.portal.SampledClientPortal;
import io.propius.policy.portal.TableJobPortal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** Each built-in policy on hand-computed cases: the order it must produce, highest score first. */
class BuiltinPoliciesTest {
  private static JobRow job(long id, Map<String, Double> fields) {
    return new JobRow(id, name -> fields.getOrDefault(name, Double.NaN), null);
  }

  private static Map<String, Double> row(Object... keyValues) {
    Map<String, Double> m = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], ((Number) keyValues[i + 1]).doubleValue());
    }
    return m;
  }

  /** Job ids, highest score first (ties: lower id first). */
  private static List<Long> order(String policyName, List<JobRow> jobs) {
    SchedulingPolicy policy = Policies.load(policyName);
    policy.init(new PolicyContext(() -> 0, 1, Map.of()));
    TableJobPortal portal = new TableJobPortal(jobs);
    policy.schedule(ScheduleTrigger.TICK, portal, SampledClientPortal.exact(List.of()));
    List<Long> ids = new ArrayList<>(portal.scores().keySet());
    assertThat(ids).as("every job gets a score").hasSize(jobs.size());
    ids.sort(Comparator.<Long>comparingDouble(id -> -portal.scores().get(id)).thenComparing(id -> id));
    return ids;
  }

  @Test
  void fifoOrdersByRegistrationTime() {
    assertThat(order("fifo", List.of(job(1, row("time_stamp", 300)), job(2, row("time_stamp", 100)),
        job(3, row("time_stamp", 200))))).containsExactly(2L, 3L, 1L);
  }

  @Test
  void srsfOrdersBySmallestRemainingService() {
    // remaining = total_demand - attained: 1 → 100-90=10, 2 → 50-0=50, 3 → 30-25=5, 4 → over-served, 0
    assertThat(order("srsf", List.of(
        job(1, row("total_demand", 100, "attained_service", 90)),
        job(2, row("total_demand", 50, "attained_service", 0)),
        job(3, row("total_demand", 30, "attained_service", 25)),
        job(4, row("total_demand", 10, "attained_service", 12))))).containsExactly(4L, 3L, 1L, 2L);
  }

  @Test
  void srtfOrdersByRemainingRoundsTimesObservedRoundTime() {
    // 1: 10 rounds left × 2000 ms = 20000; 2: 2 left × 30000 = 60000; 3: no rounds done yet, 5 left ×
    // mean of all observed ((20000 + 90000) / (10 + 3) ≈ 8461.5) ≈ 42308
    assertThat(order("srtf", List.of(
        job(1, row("total_round", 20, "rounds_completed", 10, "round_time_total", 20_000)),
        job(2, row("total_round", 5, "rounds_completed", 3, "round_time_total", 90_000)),
        job(3, row("total_round", 5, "rounds_completed", 0, "round_time_total", 0))))).containsExactly(1L, 3L, 2L);
  }

  @Test
  void srtfWithoutAnyObservationFallsBackToRemainingRounds() {
    assertThat(order("srtf", List.of(
        job(1, row("total_round", 9, "rounds_completed", 0, "round_time_total", 0)),
        job(2, row("total_round", 3, "rounds_completed", 0, "round_time_total", 0))))).containsExactly(2L, 1L);
  }

  @Test
  void lasOrdersByLeastAttainedService() {
    assertThat(order("las", List.of(job(1, row("attained_service", 40)), job(2, row("attained_service", 0)),
        job(3, row("attained_service", 15))))).containsExactly(2L, 3L, 1L);
  }

  @Test
  void randomIsRepeatableForASeedAndRedrawnEachRound() {
    List<JobRow> round1 = new ArrayList<>();
    List<JobRow> round2 = new ArrayList<>();
    for (long id = 1; id <= 20; id++) {
      round1.add(job(id, row("round", 1)));
      round2.add(job(id, row("round", 2)));
    }
    assertThat(order("random", round1)).isEqualTo(order("random", round1));
    assertThat(order("random", round1)).isNotEqualTo(order("random", round2));
    assertThat(order("random", round1)).containsExactlyInAnyOrderElementsOf(order("fifo", round1.stream()
        .map(r -> job(r.id(), row("time_stamp", r.id()))).toList()));
  }

  @Test
  void portalQueriesUseJobFields() {
    TableJobPortal portal = new TableJobPortal(List.of(job(1, row("state", 2, "amount", 3, "demand", 5)),
        job(2, row("state", 2, "amount", 5, "demand", 5)), job(3, row("state", 1, "amount", 0, "demand", 5))));
    assertThat(portal.query("state == 2 and amount < demand")).containsExactly(1L);
    assertThat(portal.ids()).containsExactly(1L, 2L, 3L);
    assertThat(portal.size()).isEqualTo(3);
    assertThat(portal.exists(2)).isTrue();
    assertThat(portal.field(1, "public_constraint.gpu")).isNaN();
    Assertions.assertThatThrownBy(() -> portal.field(1, "colour"))
        .hasMessageContaining("'colour' is not a job field");
    Assertions.assertThatThrownBy(() -> portal.setScore(9, 1))
        .hasMessageContaining("no live job 9");
  }

  @Test
  void unknownPolicyNamesListTheAvailableOnes() {
    Assertions.assertThatThrownBy(() -> Policies.load("nope"))
        .hasMessageContaining("no scheduling policy named 'nope'").hasMessageContaining("fair-share, fifo, irs, las, random, srsf, srtf");
  }

  @Test
  void anOnlinePolicyInSmallBatchModeGivesOneGroupOfTheOpenJobsByScore() {
    SchedulingPolicy fifo = Policies.load("fifo");
    TableJobPortal portal = new TableJobPortal(List.of(
        job(1, row("time_stamp", 300, "state", 2, "demand", 5, "amount", 0)),
        job(2, row("time_stamp", 100, "state", 2, "demand", 5, "amount", 1)),
        job(3, row("time_stamp", 200, "state", 2, "demand", 5, "amount", 5)),
        job(4, row("time_stamp", 50, "state", 1, "demand", 0, "amount", 0))));
    assertThat(fifo.groups(portal, SampledClientPortal.exact(List.of())))
        .containsExactly(JobGroup.ordered("true", List.of(2L, 1L)));
  }
}
