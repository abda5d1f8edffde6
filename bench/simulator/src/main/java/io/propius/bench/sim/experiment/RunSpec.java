package io.propius.bench.sim.experiment;

import io.propius.bench.sim.device.DevicePopulation;
import io.propius.bench.sim.engine.Simulation;
import io.propius.bench.sim.engine.SimulationSettings;
import io.propius.bench.sim.job.JobSpecs;
import io.propius.bench.sim.job.Workload;
import io.propius.bench.sim.method.Methods;
import io.propius.bench.sim.report.RunResult;
import java.util.function.DoubleConsumer;

/**
 * One point of an experiment: a method on a population and a workload.
 *
 * @param active mean online devices; the population is {@code active / onlineFraction}
 */
public record RunSpec(String method, int active, Workload workload, SimulationSettings settings) {
  public int population() {
    return (int) Math.round(active / settings.availability().onlineFraction());
  }

  /** Runs it; devices and jobs come from the seed, so every method sees the same ones. */
  public RunResult run(DoubleConsumer progress) {
    DevicePopulation devices = DevicePopulation.generate(population(), settings.seed());
    JobSpecs jobs = JobSpecs.generate(workload, settings.seed());
    return new Simulation(devices, jobs, settings, Methods.create(method)).run(progress);
  }
}
