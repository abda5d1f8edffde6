package io.propius.examples.fl.device;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * One simulated device's make-up. Public attributes go to Propius at check-in; the rest is
 * private and only the device itself reads it.
 *
 * @param cpuCores public
 * @param ramGb public
 * @param samples private: local samples per task
 * @param battery private: percent
 * @param msPerShard private: simulated time to train one shard for one epoch
 * @param bytesPerSecond private: simulated link speed
 */
public record DeviceProfile(String id, int cpuCores, int ramGb, int samples, int battery, double msPerShard,
                            double bytesPerSecond) {
  /** A heterogeneous population: a few fast phones, many mid-range ones, a tail of slow ones. */
  public static DeviceProfile random(String id, SplittableRandom rnd) {
    int[] cores = {1, 2, 4, 4, 8, 8};
    int[] ram = {1, 2, 3, 4, 6, 8, 12};
    int samples = (int) Math.round(Math.min(400, Math.max(20, Math.exp(4.6 + 0.6 * gaussian(rnd)))));
    double slow = Math.exp(1.2 * gaussian(rnd));
    return new DeviceProfile(id, cores[rnd.nextInt(cores.length)], ram[rnd.nextInt(ram.length)], samples,
        5 + rnd.nextInt(96), Math.min(400, 15 * slow), 50_000 + rnd.nextDouble() * 2_000_000);
  }

  public Map<String, Double> publicAttributes() {
    return Map.of("cpu_cores", (double) cpuCores, "ram_gb", (double) ramGb);
  }

  public Map<String, Double> privateAttributes() {
    return Map.of("dataset_size", (double) samples, "battery", (double) battery);
  }

  private static double gaussian(SplittableRandom rnd) {
    double u1 = 1 - rnd.nextDouble();
    double u2 = rnd.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
