package io.propius.server.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.server.bus.WindowStats;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One client manager instance solves MED for each data-work round, and keeps it while it reports. */
class MedInstancesTest {
  private static WindowStats held(String instance, long held) {
    return new WindowStats(instance, held, 0, List.of(), held, List.of());
  }

  @Test
  void aRoundStaysWithTheInstanceThatHeldTheMostWhenItWasFirstSeenUntilThatInstanceGoesQuiet() {
    ClientStatistics stats = new ClientStatistics(1_000);
    stats.update(held("cm-a", 5), 0);
    stats.update(held("cm-b", 9), 0);
    assertThat(stats.medInstances(Map.of(7L, 1), 100)).containsExactly(Map.entry(7L, "cm-b"));

    stats.update(held("cm-a", 20), 200);
    stats.update(held("cm-b", 1), 200);
    assertThat(stats.medInstances(Map.of(7L, 1, 8L, 1), 300)).as("round 7 stays; round 8 is new")
        .containsEntry(7L, "cm-b").containsEntry(8L, "cm-a");

    stats.update(held("cm-a", 20), 1_500); // cm-b stops reporting
    assertThat(stats.medInstances(Map.of(7L, 1), 1_600)).containsExactly(Map.entry(7L, "cm-a"));
    assertThat(stats.medInstances(Map.of(7L, 2), 1_700)).as("a new round is a new choice").containsKey(7L);
    assertThat(new ClientStatistics(1_000).medInstances(Map.of(7L, 1), 0)).as("no instance reports").isEmpty();
  }
}
