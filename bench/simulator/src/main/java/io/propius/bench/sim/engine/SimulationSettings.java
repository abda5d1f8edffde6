package io.propius.bench.sim.engine;

import io.propius.bench.sim.device.Availability;

/**
 * Settings of one run besides the devices and the jobs.
 *
 * @param horizonS          simulated time at which the run stops, seconds
 * @param checkinIntervalS  mean time between check-ins of an idle online device (pace steering's
 *                          retry window); a device also checks in as soon as it comes online
 * @param policyTickS       online Propius re-runs its policy at least this often while bindings
 *                          happen (besides every job event)
 * @param batchTickS        small-batch Propius assigns held devices this often
 * @param availability      the devices' online behaviour
 * @param seed              seed of every random choice of the run
 * @param runToHorizon      keep simulating the devices after every job has ended (to time a
 *                          whole horizon); otherwise the run stops when the last job ends
 */
public record SimulationSettings(double horizonS, double checkinIntervalS, double policyTickS, double batchTickS,
    Availability availability, long seed, boolean runToHorizon) {
  public SimulationSettings {
    if (!(horizonS > 0 && checkinIntervalS > 0 && policyTickS > 0 && batchTickS > 0)) {
      throw new IllegalArgumentException("horizon, check-in interval and ticks must be positive");
    }
  }

  public static final double WEEK_S = 7 * 86_400;

  public static SimulationSettings defaults(long seed) {
    return new SimulationSettings(WEEK_S, 60, 10, 5, Availability.defaults(), seed, false);
  }

  public SimulationSettings withSeed(long s) {
    return new SimulationSettings(horizonS, checkinIntervalS, policyTickS, batchTickS, availability, s, runToHorizon);
  }
}
