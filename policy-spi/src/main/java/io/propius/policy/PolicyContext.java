package io.propius.policy;

import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What a policy gets once, before its first run.
 *
 * @param clock current time in ms; simulated time in the simulator, wall time in the server
 * @param seed  seed for any randomness, so that a run can be repeated
 * @param options the policy's own settings from configuration ({@code scheduler.policyOptions})
 */
public record PolicyContext(LongSupplier clock, long seed, Map<String, String> options) {
  public PolicyContext {
    options = Map.copyOf(options);
  }

  public static PolicyContext system() {
    return new PolicyContext(System::currentTimeMillis, System.nanoTime(), Map.of());
  }

  public long nowMs() {
    return clock.getAsLong();
  }

  /** A numeric option, or the default when it is not set. */
  public double option(String name, double defaultValue) {
    String v = options.get(name);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("policy option '" + name + "' must be a number, got '" + v + "'");
    }
  }
}
