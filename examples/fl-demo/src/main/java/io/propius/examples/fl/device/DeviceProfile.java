package io.propius.examples.fl.device;

import io.propius.examples.fl.data.Normal;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One simulated device's make-up. Public attributes go to Propius at check-in; the rest is
 * private and only the device itself reads it.
 *
 * @param cpuCores public
 * @param ramGb public
 * @param samples private: local examples
 * @param battery private: percent
 * @param msPerShard private: simulated time to train one shard for one epoch
 * @param bytesPerSecond private: simulated link speed
 * @param dropout chance that the device goes offline in the middle of a task (the user walks
 *     away, the battery saver kills the app): the task is abandoned and the device is gone a while
 */
public record DeviceProfile(String id, int cpuCores, int ramGb, int samples, int battery, double msPerShard,
                            double bytesPerSecond, double dropout) {
  /**
   * A heterogeneous population: a few fast phones, many mid-range ones, a tail of slow ones; most
   * stay online through a task, one in eight is flaky.
   */
  public static DeviceProfile random(String id, SplittableRandom rnd) {
    int[] cores = {1, 2, 4, 4, 8, 8};
    int[] ram = {1, 2, 3, 4, 6, 8, 12};
    int samples = (int) Math.round(Math.min(400, Math.max(20, Math.exp(4.6 + 0.6 * Normal.draw(rnd)))));
    double slow = Math.exp(1.2 * Normal.draw(rnd));
    double dropout = rnd.nextInt(8) == 0 ? 0.3 : 0.02;
    return new DeviceProfile(id, cores[rnd.nextInt(cores.length)], ram[rnd.nextInt(ram.length)], samples,
        5 + rnd.nextInt(96), Math.min(400, 15 * slow), 50_000 + rnd.nextDouble() * 2_000_000, dropout);
  }

  /** The same device holding {@code n} examples. */
  public DeviceProfile withSamples(int n) {
    return new DeviceProfile(id, cpuCores, ramGb, n, battery, msPerShard, bytesPerSecond, dropout);
  }

  public Map<String, Double> publicAttributes() {
    return Map.of("cpu_cores", (double) cpuCores, "ram_gb", (double) ramGb);
  }

  public Map<String, Double> privateAttributes() {
    return Map.of("dataset_size", (double) samples, "battery", (double) battery);
  }
}
