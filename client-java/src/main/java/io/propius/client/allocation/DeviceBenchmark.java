package io.propius.client.allocation;

/**
 * A device's measured capabilities (thesis §3.2), kept on the device.
 *
 * @param bytesPerSecond download rate {@code b_k}
 * @param shardsPerSecond training rate {@code c_k}: data shards through one training iteration per second
 */
public record DeviceBenchmark(double bytesPerSecond, double shardsPerSecond) {
  public DeviceBenchmark {
    if (!(bytesPerSecond > 0) || !(shardsPerSecond > 0)) {
      throw new IllegalArgumentException("benchmark rates must be positive, got " + bytesPerSecond + " B/s and "
          + shardsPerSecond + " shards/s");
    }
  }
}
