package io.propius.server.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.device.Attributes;
import io.propius.api.query.Constraints;
import io.propius.policy.JobGroup;
import io.propius.policy.med.plan.DataWork;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What crosses the event bus between nodes in small-batch mode survives its JSON form. */
class GroupPlanTest {
  @Test
  void planAndHeldStatisticsRoundTrip() {
    ScheduleSnapshot snapshot = new ScheduleSnapshot(7, 1234, List.of(new ScheduleSnapshot.OfferableJob(3, 2, 1.5, 99, 10,
        4, Constraints.of(Map.of("gpu", 1.0), "c"), Map.of("dataset_size", 100.0), "http://edge", new DataWork(40, 1_000, 2_000, 60_000)),
        new ScheduleSnapshot.OfferableJob(5, 1, 1.0, 100, 3, 0, Constraints.of(Map.of(), "c"), Map.of(), "")));
    GroupPlan plan = new GroupPlan(snapshot, List.of(JobGroup.ordered("gpu >= 1", List.of(3L)),
        new JobGroup("true", List.of(3L, 5L), List.of(2.0, 1.0))),
        new GroupPlan.Allocator("med", Map.of("solveMs", "100"), Map.of(3L, "cm-1")));
    GroupPlan back = GroupPlan.fromJson(plan.toJson());
    assertThat(back.groups()).isEqualTo(plan.groups());
    assertThat(back.snapshot()).isEqualTo(snapshot);
    assertThat(back.version()).isEqualTo(7);
    assertThat(back.allocator()).isEqualTo(plan.allocator());
    assertThat(GroupPlan.fromJson(new GroupPlan(snapshot, plan.groups()).toJson()).allocator()).isNull();

    WindowStats stats = new WindowStats("cm-1", 10, 2.5, List.of(Attributes.of(Map.of("cpu", 2.0))), 3,
        List.of(Attributes.of(Map.of("cpu", 8.0))));
    WindowStats statsBack = WindowStats.fromJson(stats.toJson());
    assertThat(statsBack.held()).isEqualTo(3);
    assertThat(statsBack.heldSample().get(0).valueOf("cpu")).isEqualTo(8.0);
    // A report from a node without small-batch fields reads as nothing held.
    JsonObject old = stats.toJson();
    old.remove("held");
    old.remove("held_sample");
    assertThat(WindowStats.fromJson(old).heldSample()).isEmpty();
    assertThat(WindowStats.fromJson(old).held()).isZero();
  }
}
