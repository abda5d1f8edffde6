package io.propius.bench.med.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A tiny multi-job trace (CI smoke run): every method finishes every round, MED through the planner. */
class TraceBenchmarkSmokeTest {
  @Test
  void everyMethodRunsEveryRoundAndMedPlansThroughThePlanner() {
    Map<TraceSimulation.Method, List<TraceSimulation.Result>> results = TraceBenchmark.run(1, 12, 3, 20);
    for (TraceSimulation.Method m : TraceSimulation.Method.values()) {
      TraceSimulation.Result r = results.get(m).get(0);
      assertThat(r.rounds()).as(m.name()).isEqualTo(12);
      assertThat(r.satisfaction()).isBetween(0.0, 1.0);
      assertThat(r.dropRate()).isBetween(0.0, 1.0);
      assertThat(r.roundTime()).isPositive();
      assertThat(r.jct()).isGreaterThanOrEqualTo(r.roundTime());
    }
    assertThat(results.get(TraceSimulation.Method.MED).get(0).solves()).isPositive();
    assertThat(results.get(TraceSimulation.Method.FIFO).get(0).solves()).isZero();
    assertThat(TraceBenchmark.table(results)).contains("| MED |").contains("| IRS |");
  }
}
