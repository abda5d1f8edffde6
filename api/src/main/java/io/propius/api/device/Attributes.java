package io.propius.api.device;

import io.propius.api.AttributeNames;
import io.propius.api.PropiusException;
import io.propius.api.query.AttributeSource;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.HashMap;
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
    return validated(Entries.of(json), field);
  }

  /**
   * The one check of attributes however they were read: at most {@link #MAX_ATTRIBUTES}, then by
   * name in sorted order each name valid and each value a finite number.
   *
   * @throws PropiusException INVALID_ARGUMENT naming the bad entry
   */
  static Attributes validated(Entries entries, String field) {
    int n = entries.size;
    if (n > MAX_ATTRIBUTES) {
      throw PropiusException.invalid(field + ": " + n + " attributes, at most " + MAX_ATTRIBUTES);
    }
    String[] names = Arrays.copyOf(entries.names, n);
    Object[] raw = Arrays.copyOf(entries.values, n);
    for (int i = 1; i < n; i++) { // insertion sort of the pairs: a device has a handful
      String name = names[i];
      Object value = raw[i];
      int j = i - 1;
      for (; j >= 0 && names[j].compareTo(name) > 0; j--) {
        names[j + 1] = names[j];
        raw[j + 1] = raw[j];
      }
      names[j + 1] = name;
      raw[j + 1] = value;
    }
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      AttributeNames.check(names[i], field);
      Object v = raw[i];
      if (!(v instanceof Number number) || !Double.isFinite(number.doubleValue())) {
        throw PropiusException.invalid(field + "." + names[i] + " must be a finite number, got "
            + (v instanceof Number ? v : JsonFields.typeName(v)));
      }
      values[i] = number.doubleValue();
    }
    return new Attributes(names, values);
  }

  /**
   * Attributes as read from JSON, not yet checked: values as Vert.x decodes them, a name given
   * twice keeps its last value (as in a JSON object).
   */
  static final class Entries {
    private static final int LINEAR_SEARCH_LIMIT = 16;
    private String[] names = new String[8];
    private Object[] values = new Object[8];
    private int size;
    private Map<String, Integer> index; // only past LINEAR_SEARCH_LIMIT names: a body may carry thousands

    static Entries of(JsonObject json) {
      Entries entries = new Entries();
      for (String name : json.fieldNames()) {
        entries.put(name, json.getValue(name));
      }
      return entries;
    }

    void put(String name, Object value) {
      int at = indexOf(name);
      if (at >= 0) {
        values[at] = value;
        return;
      }
      if (size == names.length) {
        names = Arrays.copyOf(names, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      names[size] = name;
      values[size] = value;
      if (index != null) {
        index.put(name, size);
      } else if (size + 1 > LINEAR_SEARCH_LIMIT) {
        index = new HashMap<>();
        for (int i = 0; i <= size; i++) {
          index.put(names[i], i);
        }
      }
      size++;
    }

    private int indexOf(String name) {
      if (index != null) {
        return index.getOrDefault(name, -1);
      }
      for (int i = 0; i < size; i++) {
        if (names[i].equals(name)) {
          return i;
        }
      }
      return -1;
    }
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
