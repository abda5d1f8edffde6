package io.propius.api.device;

import io.propius.api.AttributeNames;
import io.propius.api.PropiusException;
import io.propius.api.query.AttributeSource;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A device's public attributes: a few named numbers, kept as two sorted arrays because a device
 * has few attributes and they are read many times per check-in.
 */
public final class Attributes implements AttributeSource {
  /** Most attributes one device may report. */
  public static final int MAX_ATTRIBUTES = 64;

  public static final Attributes EMPTY = new Attributes(new String[0], new double[0]);

  private final String[] names;
  private final double[] values;

  private Attributes(String[] names, double[] values) {
    this.names = names;
    this.values = values;
  }

  public static Attributes of(Map<String, Double> map) {
    JsonObject json = new JsonObject();
    map.forEach(json::put);
    return fromJson(json, "attributes");
  }

  /** @throws PropiusException INVALID_ARGUMENT naming the bad entry */
  public static Attributes fromJson(JsonObject json, String field) {
    if (json.size() > MAX_ATTRIBUTES) {
      throw PropiusException.invalid(field + ": " + json.size() + " attributes, at most " + MAX_ATTRIBUTES);
    }
    String[] names = json.fieldNames().toArray(new String[0]);
    Arrays.sort(names);
    double[] values = new double[names.length];
    for (int i = 0; i < names.length; i++) {
      AttributeNames.check(names[i], field);
      Object v = json.getValue(names[i]);
      if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
        throw PropiusException.invalid(field + "." + names[i] + " must be a finite number, got "
            + (v instanceof Number ? v : JsonFields.typeName(v)));
      }
      values[i] = n.doubleValue();
    }
    return new Attributes(names, values);
  }

  @Override
  public double valueOf(String name) {
    int i = Arrays.binarySearch(names, name);
    return i >= 0 ? values[i] : Double.NaN;
  }

  public int size() {
    return names.length;
  }

  public String name(int i) {
    return names[i];
  }

  public double value(int i) {
    return values[i];
  }

  public Map<String, Double> toMap() {
    Map<String, Double> map = new LinkedHashMap<>();
    for (int i = 0; i < names.length; i++) {
      map.put(names[i], values[i]);
    }
    return map;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    for (int i = 0; i < names.length; i++) {
      json.put(names[i], values[i]);
    }
    return json;
  }

  @Override
  public String toString() {
    return toMap().toString();
  }
}
