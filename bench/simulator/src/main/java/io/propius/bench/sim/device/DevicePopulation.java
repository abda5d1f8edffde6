package io.propius.bench.sim.device;

import java.util.SplittableRandom;

/**
 * The static traits of every simulated device, one primitive array per trait (a million devices
 * cost about 20 MB). Generated from a seed, so every method in an experiment sees the same
 * devices:
 * <ul>
 *   <li>compute: seconds per local training step, lognormal with median 0.12 s, clipped to
 *       [0.01, 1.5] s, which is the heavy-tailed 10 ms to 1.5 s spread of AI-Benchmark phone
 *       latencies;</li>
 *   <li>bandwidth: Mbit/s, lognormal with median 20, clipped to [2, 300];</li>
 *   <li>eligibility: a requirement-class mask from {@link EligibilityMix};</li>
 *   <li>time zone: an offset with a standard deviation of 3 hours around the population's, so the
 *       diurnal pattern of {@link Availability} shows in the aggregate.</li>
 * </ul>
 */
public final class DevicePopulation {
  public final int size;
  /** Seconds per training step. */
  public final float[] stepS;
  /** Mbit/s, up and down. */
  public final float[] mbps;
  /** Requirement-class mask. */
  public final byte[] mask;
  /** Time-zone offset, seconds. */
  public final float[] phaseS;

  private DevicePopulation(int size) {
    this.size = size;
    stepS = new float[size];
    mbps = new float[size];
    mask = new byte[size];
    phaseS = new float[size];
  }

  public static DevicePopulation generate(int size, long seed) {
    if (size <= 0) {
      throw new IllegalArgumentException("devices must be positive, got " + size);
    }
    SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
    DevicePopulation p = new DevicePopulation(size);
    for (int d = 0; d < size; d++) {
      p.stepS[d] = (float) clip(0.12 * Math.exp(0.9 * Availability.gaussian(random)), 0.01, 1.5);
      p.mbps[d] = (float) clip(20 * Math.exp(0.8 * Availability.gaussian(random)), 2, 300);
      p.mask[d] = (byte) EligibilityMix.draw(random);
      p.phaseS[d] = (float) (3 * 3600 * Availability.gaussian(random));
    }
    return p;
  }

  private static double clip(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
