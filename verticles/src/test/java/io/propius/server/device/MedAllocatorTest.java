package io.propius.server.device;

import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.propius.api.device.Attributes;
import io.propius.api.query.Constraints;
import io.propius.policy.med.plan.DataWork;
import io.propius.policy.med.plan.MedPlan;
import io.propius.server.bus.GroupPlan;
import io.propius.server.bus.ScheduleSnapshot;
import io.propius.server.bus.ScheduleSnapshot.OfferableJob;
import io.propius.server.metrics.PropiusMetrics;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client manager's MED allocator with the real {@code med} policy: the instance that claimed a
 * round's plan plans it whichever instance a scheduler names, and a round found infeasible is solved
 * again, boundedly, once other devices are held.
 */
class MedAllocatorTest {
  /** 8 shards in 5 s at about 1.2 s per expected shard (the prior): one device cannot, eight can. */
  private static final OfferableJob ROUND = new OfferableJob(1, 1, 0, 0, 8, 0, Constraints.NONE, Map.of(), "",
      new DataWork(8, 0, 0, 5_000));
  private static final GroupPlan PLAN = new GroupPlan(new ScheduleSnapshot(1, 0, List.of(ROUND)), List.of(),
      new GroupPlan.Allocator("med", Map.of("solveMs", "2000"), Map.of(1L, "cm-1")));

  private final Vertx vertx = Vertx.vertx();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final MedAllocator allocator = new MedAllocator(vertx, System::currentTimeMillis,
      new PropiusMetrics(registry).med(), "cm-1", 1_000);

  @AfterEach
  void close() {
    await(vertx.close());
  }

  private static List<HeldDevices.Held> held(String prefix, int n) {
    List<HeldDevices.Held> held = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      held.add(new HeldDevices.Held(prefix + i, Attributes.of(Map.of("cpu_cores", 4.0)), Long.MAX_VALUE));
    }
    return held;
  }

  private MedPlan plan(List<HeldDevices.Held> held) {
    return plan(PLAN, held);
  }

  private MedPlan plan(GroupPlan plan, List<HeldDevices.Held> held) {
    return await(allocator.plan(plan, Set.of(1L), held));
  }

  private double counter(String name) {
    return registry.get(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Test
  void anInfeasibleRoundIsSolvedAgainAtMostOnceEveryTenPlansAndOnlyOverOtherDevices() {
    List<HeldDevices.Held> one = held("a", 1);
    assertThat(plan(one).fallbacks()).as("one device cannot do 8 shards in time").hasSize(1);
    assertThat(allocator.byCount(PLAN, ROUND)).as("left to device count meanwhile").isTrue();
    for (int i = 0; i < MedAllocator.RETRY_EVERY_PLANS; i++) {
      assertThat(plan(one).assignments()).as("the same devices: not tried again").isEmpty();
    }
    List<HeldDevices.Held> eight = held("b", 8);
    MedPlan retried = plan(eight);
    assertThat(retried.fallbacks()).isEmpty();
    assertThat(retried.assignments().values().stream().mapToInt(MedPlan.Assignment::shards).sum())
        .as("other devices held: solved again, every shard planned").isEqualTo(8);
    assertThat(counter("propius.med.retries")).isEqualTo(1);
    assertThat(counter("propius.med.fallbacks")).as("the fallback counted once").isEqualTo(1);
  }

  @Test
  void theInstanceThatClaimedARoundsPlanKeepsItWhenANewLeaderNamesAnother() {
    GroupPlan namesOther = new GroupPlan(PLAN.snapshot(), List.of(),
        new GroupPlan.Allocator("med", Map.of("solveMs", "2000"), Map.of(1L, "cm-2")));
    assertThat(plan(namesOther, held("a", 8)).assignments()).as("not named, not claimed").isEmpty();
    allocator.plansHere(ROUND);
    assertThat(plan(namesOther, held("a", 8)).assignments().values().stream().mapToInt(MedPlan.Assignment::shards)
        .sum()).as("claimed here: planned here whoever is named").isEqualTo(8);

    MedAllocator other = new MedAllocator(vertx, System::currentTimeMillis, new PropiusMetrics(registry).med(),
        "cm-2", 1_000);
    other.plannedElsewhere(ROUND);
    assertThat(await(other.plan(namesOther, Set.of(1L), held("b", 8))).assignments())
        .as("named, but the store said cm-1 plans it").isEmpty();
    assertThat(other.byCount(namesOther, ROUND)).as("nor offered by device count there").isFalse();
  }

  @Test
  void aRetryStillInfeasibleWaitsAnotherTenPlans() {
    assertThat(plan(held("a", 1)).fallbacks()).hasSize(1);
    for (int i = 0; i < MedAllocator.RETRY_EVERY_PLANS - 1; i++) {
      assertThat(plan(held("b", 8)).assignments()).as("within ten plans of giving up").isEmpty();
    }
    assertThat(plan(held("c", 1)).fallbacks()).as("tried again over another single device: still infeasible").hasSize(1);
    assertThat(plan(held("d", 8)).assignments()).as("just tried").isEmpty();
    assertThat(counter("propius.med.retries")).isEqualTo(1);
    assertThat(counter("propius.med.fallbacks")).isEqualTo(1);
  }
}
