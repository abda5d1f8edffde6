package io.propius.bench.sim.experiment;

import io.propius.bench.sim.report.RunResult;

/** A run and what it measured. */
public record Outcome(RunSpec spec, RunResult result) {
  public String method() {
    return spec.method();
  }

  public int active() {
    return spec.active();
  }

  public int jobs() {
    return spec.workload().jobs();
  }

  public long seed() {
    return spec.settings().seed();
  }
}
