package io.propius.policy.med;

import io.propius.api.query.AttributeSource;

/**
 * Puts a device in a MED class from its public attributes: devices of one class are assumed to
 * share one distribution of task durations, which the control plane learns per class. The class is
 * the value of one public attribute (by default {@code cpu_cores}) rounded down to a power of two,
 * so 4 and 5 cores share class {@code cpu_cores:4}; a device without the attribute (or with a value
 * below 1) is in class {@code cpu_cores:none}. Powers of two keep the number of classes small (a
 * class needs history before its own distribution replaces the prior) while separating the tiers
 * that differ most in speed.
 *
 * @param attribute the public attribute that names the class
 */
public record DeviceClasses(String attribute) {
  public static final String DEFAULT_ATTRIBUTE = "cpu_cores";

  public DeviceClasses {
    if (attribute == null || attribute.isBlank()) {
      throw new IllegalArgumentException("the MED class attribute must be a public attribute name");
    }
  }

  /** The class of a device with these public attributes. */
  public String of(AttributeSource attributes) {
    double v = attributes.valueOf(attribute);
    if (!(v >= 1) || Double.isInfinite(v)) {
      return attribute + ":none";
    }
    return attribute + ":" + Long.highestOneBit((long) Math.min(v, 1L << 62));
  }
}
