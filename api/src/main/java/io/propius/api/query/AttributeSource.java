package io.propius.api.query;

/**
 * Numeric values by name: a device's public attributes, or a job's fields. A missing value is
 * {@link Double#NaN}, and every comparison with a missing value is false.
 */
@FunctionalInterface
public interface AttributeSource {
  double valueOf(String name);
}
