package io.propius.client.device;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A device's private attributes (dataset size, battery, measured speed...). The SDK only ever
 * reads them locally, in the {@link OfferDecision}; they are never part of any request.
 */
public final class PrivateAttributes {
  private final Map<String, Double> values;

  private PrivateAttributes(Map<String, Double> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  public static PrivateAttributes of(Map<String, Double> values) {
    return new PrivateAttributes(new LinkedHashMap<>(values));
  }

  public static PrivateAttributes empty() {
    return new PrivateAttributes(new LinkedHashMap<>());
  }

  /** The value, or NaN when the device does not have the attribute. */
  public double get(String name) {
    Double v = values.get(name);
    return v == null ? Double.NaN : v;
  }

  /** A copy with one attribute set. */
  public PrivateAttributes with(String name, double value) {
    Map<String, Double> copy = new LinkedHashMap<>(values);
    copy.put(name, value);
    return new PrivateAttributes(copy);
  }

  public Map<String, Double> asMap() {
    return values;
  }

  /** Only the names: the values stay private even in logs. */
  @Override
  public String toString() {
    return "PrivateAttributes" + values.keySet();
  }
}
