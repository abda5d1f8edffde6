package io.propius.bench.sim.job;

import io.propius.bench.sim.device.EligibilityMix;
import java.util.SplittableRandom;

/** The jobs of one run, drawn from a {@link Workload} and a seed; one array per field. */
public final class JobSpecs {
  public final int count;
  public final double[] arrivalS;
  /** Devices needed per round. */
  public final int[] demand;
  /** Devices asked for per round: demand times over-selection. */
  public final int[] requested;
  /** Results that complete a round. */
  public final int[] required;
  public final int[] rounds;
  public final int[] steps;
  public final double[] modelMb;
  /** Requirement class 1..4. */
  public final int[] jobClass;
  public final Workload workload;

  private JobSpecs(Workload w) {
    this.workload = w;
    count = w.jobs();
    arrivalS = new double[count];
    demand = new int[count];
    requested = new int[count];
    required = new int[count];
    rounds = new int[count];
    steps = new int[count];
    modelMb = new double[count];
    jobClass = new int[count];
  }

  public static JobSpecs generate(Workload w, long seed) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
    JobSpecs s = new JobSpecs(w);
    double t = w.firstArrivalS();
    for (int j = 0; j < s.count; j++) {
      s.arrivalS[j] = t;
      t += -Math.log(1 - random.nextDouble()) * w.meanInterArrivalS();
      s.demand[j] = (int) Math.round(logUniform(random, w.minDemand(), w.maxDemand()));
      s.requested[j] = (int) Math.ceil(s.demand[j] * w.overSelection());
      s.required[j] = Math.max(1, (int) Math.ceil(s.demand[j] * w.requiredFraction()));
      s.rounds[j] = (int) Math.round(logUniform(random, w.minRounds(), w.maxRounds()));
      s.steps[j] = (int) Math.round(logUniform(random, w.minSteps(), w.maxSteps()));
      s.modelMb[j] = logUniform(random, w.minModelMb(), w.maxModelMb());
      s.jobClass[j] = 1 + random.nextInt(EligibilityMix.CLASSES);
    }
    return s;
  }

  private static double logUniform(SplittableRandom random, double lo, double hi) {
    return lo == hi ? lo : Math.exp(Math.log(lo) + random.nextDouble() * (Math.log(hi) - Math.log(lo)));
  }
}
