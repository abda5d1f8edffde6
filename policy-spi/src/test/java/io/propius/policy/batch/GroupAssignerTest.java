package io.propius.policy.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propius.api.device.Attributes;
import io.propius.api.query.Constraints;
import io.propius.policy.JobGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The small-batch assignment rules, on hand-worked batches. */
class GroupAssignerTest {
  private static GroupAssigner.Device device(String id, double cpu) {
    return new GroupAssigner.Device(id, Attributes.of(Map.of("cpu", cpu)));
  }

  private static GroupAssigner.OpenJob job(long id, int wanted, double minCpu) {
    return new GroupAssigner.OpenJob(id, wanted, minCpu == 0 ? Constraints.NONE
        : Constraints.of(Map.of("cpu", minCpu), "public_constraints"));
  }

  @Test
  void groupsTakeDevicesInOrderAndDevicesFallThroughWhenNoJobCanUseThem() {
    List<GroupAssigner.Device> devices = List.of(device("a", 8), device("b", 8), device("c", 2), device("d", 8));
    GroupAssigner assigner = new GroupAssigner(List.of(
        JobGroup.ordered("cpu >= 4", List.of(1L, 2L)),
        JobGroup.ordered("true", List.of(3L))));
    // Job 1 wants 1, job 2 wants 1: a → 1, b → 2; d matches group 0 but nobody there wants it, so it
    // falls through to group 1 with c; job 3 wants only 1, so d stays unassigned.
    List<GroupAssigner.Assignment> got = assigner.assign(devices,
        Map.of(1L, job(1, 1, 4), 2L, job(2, 1, 0), 3L, job(3, 1, 0)));
    assertThat(got).containsExactly(
        new GroupAssigner.Assignment("a", 1, 0),
        new GroupAssigner.Assignment("b", 2, 0),
        new GroupAssigner.Assignment("c", 3, 1));
  }

  @Test
  void aJobsOwnConstraintsApplyInsideAGroupAndUnknownJobsAreSkipped() {
    GroupAssigner assigner = new GroupAssigner(List.of(JobGroup.ordered("true", List.of(9L, 1L, 2L))));
    List<GroupAssigner.Assignment> got = assigner.assign(List.of(device("weak", 1), device("strong", 8)),
        Map.of(1L, job(1, 5, 4), 2L, job(2, 5, 0)));
    assertThat(got).containsExactly(new GroupAssigner.Assignment("weak", 2, 0),
        new GroupAssigner.Assignment("strong", 1, 0));
  }

  @Test
  void aProportionalGroupSplitsByShares() {
    List<GroupAssigner.Device> devices = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      devices.add(device("d" + i, 8));
    }
    GroupAssigner split = new GroupAssigner(List.of(new JobGroup("true", List.of(1L, 2L), List.of(2.0, 1.0))));
    List<GroupAssigner.Assignment> got = split.assign(devices, Map.of(1L, job(1, 100, 0), 2L, job(2, 100, 0)));
    assertThat(got.stream().filter(a -> a.jobId() == 1).count()).isEqualTo(6);
    assertThat(got.stream().filter(a -> a.jobId() == 2).count()).isEqualTo(3);
  }

  @Test
  void aBadGroupQueryIsRejectedNamingTheGroup() {
    assertThatThrownBy(() -> new GroupAssigner(List.of(JobGroup.ordered("true", List.of(1L)),
        JobGroup.ordered("cpu >= ", List.of(2L)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("job group 1: bad query at column 8");
    assertThatThrownBy(() -> new JobGroup("true", List.of(1L, 2L), List.of(1.0)))
        .hasMessageContaining("one share per job");
  }
}
