package io.propius.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import io.propius.policy.builtin.FifoPolicy;
import io.propius.bench.sim.device.EligibilityMix;
import io.propius.bench.sim.engine.EventQueue;
import io.propius.bench.sim.engine.SimulationSettings;
import io.propius.bench.sim.experiment.Outcome;
import io.propius.bench.sim.experiment.RunSpec;
import io.propius.bench.sim.experiment.Sweep;
import io.propius.bench.sim.job.Workload;
import io.propius.bench.sim.method.Methods;
import io.propius.bench.sim.method.OnlinePropius;
import io.propius.bench.sim.report.RunResult;
import io.propius.bench.sim.report.SweepReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny setting of the simulator: a few seconds, run by CI. */
class SimulatorSmokeTest {
  private static final Workload SMALL = new Workload(6, 3600, 1800, 20, 200, 3, 8, 20, 100, 5, 20, 900, 0.8, 1.3, 10);

  private static RunSpec spec(String method, long seed) {
    return new RunSpec(method, 600, SMALL, SimulationSettings.defaults(seed));
  }

  @Test
  void sameSeedSameResult() {
    RunResult a = spec("propius-fifo", 7).run(t -> { });
    RunResult b = spec("propius-fifo", 7).run(t -> { });
    assertThat(a.counters()).isEqualTo(b.counters());
    assertThat(a.avgJctS()).isEqualTo(b.avgJctS());
    RunResult c = spec("propius-fifo", 8).run(t -> { });
    assertThat(c.counters()).isNotEqualTo(a.counters());
  }

  @Test
  void everyMethodCompletesTheJobsWithSensibleMetrics() {
    for (String method : Methods.all()) {
      RunResult r = spec(method, 3).run(t -> { });
      assertThat(r.completed()).as(method).isEqualTo(SMALL.jobs());
      assertThat(r.utilization()).as(method).isBetween(0.0, 1.0).isPositive();
      assertThat(r.bindingThroughput()).as(method).isPositive();
      assertThat(r.avgJctS()).as(method).isPositive().isLessThanOrEqualTo(r.p95JctS());
      assertThat(r.roundFailureRate()).as(method).isBetween(0.0, 1.0);
      // Every completed round needed at least its required results, so at least that many bindings.
      assertThat(r.counters().bindings()).as(method).isGreaterThanOrEqualTo(r.counters().roundAttempts());
    }
  }

  @Test
  void propiusRunsTheServersPolicyClassesLoadedByName() {
    assertThat(Methods.all()).contains("static", "random", "propius-fifo", "propius-las", "propius-srsf");
    assertThat(Methods.create("propius-fifo")).isInstanceOf(OnlinePropius.class);
    assertThat(Methods.create("propius-fifo").name()).isEqualTo("propius-" + new FifoPolicy().name());
    assertThatThrownBy(() -> Methods.create("nope")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("static");
  }

  @Test
  void staticPartitioningFailsWhereSharingDoesNot() {
    // Scarce devices: a fixed partition leaves big jobs short, sharing does not.
    Workload scarce = new Workload(8, 3600, 1800, 100, 400, 3, 6, 20, 100, 5, 20, 900, 0.8, 1.3, 3);
    SimulationSettings settings = SimulationSettings.defaults(5);
    RunResult fixed = new RunSpec("static", 500, scarce, settings).run(t -> { });
    RunResult shared = new RunSpec("propius-fifo", 500, scarce, settings).run(t -> { });
    assertThat(shared.completed()).isGreaterThan(fixed.completed());
  }

  @Test
  void sweepWritesCsvPlotsAndTables(@TempDir Path dir) throws Exception {
    List<Outcome> outcomes = Sweep.run(List.of(400), List.of(3), List.of("static", "random", "propius-random"), 1,
        SMALL, SimulationSettings.defaults(1), 2);
    SweepReport report = new SweepReport(outcomes);
    report.writeCsv(dir.resolve("sweep.csv"));
    List<Path> plots = report.writePlots(dir);
    assertThat(Files.readAllLines(dir.resolve("sweep.csv"))).hasSize(4);
    for (Path p : plots) {
      assertThat(Files.size(p)).isGreaterThan(1000);
    }
    assertThat(report.ratioTable()).contains("| 3 | 400 |").contains("paper");
  }

  @Test
  void eventQueueReturnsEventsInTimeOrder() {
    SplittableRandom random = new SplittableRandom(1);
    EventQueue q = new EventQueue(60, 16);
    double[] times = new double[20_000];
    for (int i = 0; i < times.length; i++) {
      // Near, within the ring and far beyond it (overflow).
      times[i] = random.nextDouble() * (i % 3 == 0 ? 100 : i % 3 == 1 ? 900 : 100_000);
      q.push(times[i], i);
    }
    double[] pushed = times.clone();
    Arrays.sort(times);
    int later = 0;
    for (double expected : times) {
      assertThat(q.peekTime()).isEqualTo(expected);
      assertThat(pushed[(int) q.peekPayload()]).as("the payload pushed with that time").isEqualTo(expected);
      q.pop();
      if (random.nextInt(4) == 0) {
        // Events pushed while running, after every original one.
        q.push(100_000 + random.nextDouble() * 50_000, -1);
        later++;
      }
    }
    double last = 0;
    for (int i = 0; i < later; i++) {
      assertThat(q.peekTime()).isGreaterThanOrEqualTo(last);
      assertThat(q.peekPayload()).isEqualTo(-1);
      last = q.peekTime();
      q.pop();
    }
    assertThat(q.isEmpty()).isTrue();
  }

  @Test
  void eventQueueRingIsAPowerOfTwo() {
    assertThatThrownBy(() -> new EventQueue(60, 100)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("power of two");
  }

  @Test
  void eligibilityMixFollowsThe959PhoneSample() {
    SplittableRandom random = new SplittableRandom(2);
    int[] counts = new int[EligibilityMix.MASKS];
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      counts[EligibilityMix.draw(random)]++;
    }
    assertThat(counts[0b1111] / (double) n).isCloseTo(417 / 959.0, offset(0.005));
    assertThat(counts[0b0001] / (double) n).isCloseTo(305 / 959.0, offset(0.005));
    assertThat(counts[0] / (double) n).isCloseTo(35 / 959.0, offset(0.003));
    assertThat(EligibilityMix.share(1)).isCloseTo(924 / 959.0, offset(1e-9));
  }
}
