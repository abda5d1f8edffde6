package io.propius.api.query;

import io.propius.api.AttributeNames;
import io.propius.api.PropiusException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job's constraints in the paper's form (Table 2): a lower bound per attribute. A device
 * satisfies them when it has every attribute and each value is at least its bound.
 */
public final class Constraints {
  /** Most constraints one job may set, public and private each. */
  public static final int MAX_CONSTRAINTS = 32;

  public static final Constraints NONE = new Constraints(new TreeMap<>());

  private final Map<String, Double> bounds;
  private final String[] names;
  private final double[] minimums;

  private Constraints(TreeMap<String, Double> bounds) {
    this.bounds = Collections.unmodifiableMap(bounds);
    this.names = bounds.keySet().toArray(new String[0]);
    this.minimums = bounds.values().stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * Validates and copies; {@code kind} ("public_constraints") names the field in error messages.
   *
   * @throws PropiusException INVALID_ARGUMENT for a bad name, a non-finite bound or too many entries
   */
  public static Constraints of(Map<String, Double> bounds, String kind) {
    if (bounds == null || bounds.isEmpty()) {
      return NONE;
    }
    if (bounds.size() > MAX_CONSTRAINTS) {
      throw PropiusException.invalid(kind + ": " + bounds.size() + " constraints, at most " + MAX_CONSTRAINTS);
    }
    TreeMap<String, Double> copy = new TreeMap<>();
    bounds.forEach((name, min) -> {
      AttributeNames.check(name, kind);
      if (min == null || !Double.isFinite(min)) {
        throw PropiusException.invalid(kind + "." + name + ": lower bound must be a finite number, got " + min);
      }
      copy.put(name, min);
    });
    return new Constraints(copy);
  }

  public boolean satisfiedBy(AttributeSource attributes) {
    for (int i = 0; i < names.length; i++) {
      // NaN (missing) fails the comparison, as it should.
      if (!(attributes.valueOf(names[i]) >= minimums[i])) {
        return false;
      }
    }
    return true;
  }

  /** Attribute → lower bound, sorted by name, unmodifiable. */
  public Map<String, Double> bounds() {
    return bounds;
  }

  public boolean isEmpty() {
    return names.length == 0;
  }

  /** The same predicate in the query language, e.g. {@code cpu >= 2 and ram_gb >= 4}. */
  public Query toQuery() {
    if (names.length == 0) {
      return Query.TRUE;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < names.length; i++) {
      sb.append(i == 0 ? "" : " and ").append(names[i]).append(" >= ").append(Query.formatNumber(minimums[i]));
    }
    return Query.parse(sb.toString());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Constraints c && Arrays.equals(names, c.names) && Arrays.equals(minimums, c.minimums);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(names) + Arrays.hashCode(minimums);
  }

  @Override
  public String toString() {
    return bounds.toString();
  }
}
