package io.propius.api.device;

import io.propius.api.PropiusException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Typed reads of JSON request fields, each failing with a message that names the field. */
public final class JsonFields {
  private JsonFields() {
  }

  public static String requireString(JsonObject json, String field, int maxLength) {
    return requireString(json.getValue(field), field, maxLength);
  }

  /** The value {@code v} of {@code field} (as Vert.x decodes JSON: null when missing) as a string. */
  static String requireString(Object v, String field, int maxLength) {
    if (v == null) {
      throw PropiusException.invalid("field '" + field + "' is missing");
    }
    if (!(v instanceof String s)) {
      throw PropiusException.invalid("field '" + field + "' must be a string, got " + typeName(v));
    }
    if (s.isEmpty() || s.length() > maxLength) {
      throw PropiusException.invalid("field '" + field + "' must have 1 to " + maxLength + " characters, got " + s.length());
    }
    return s;
  }

  public static long requireLong(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (v == null) {
      throw PropiusException.invalid("field '" + field + "' is missing");
    }
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw PropiusException.invalid("field '" + field + "' must be an integer, got " + typeName(v));
    }
    return n.longValue();
  }

  public static JsonObject optionalObject(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (v == null) {
      return new JsonObject();
    }
    if (!(v instanceof JsonObject o)) {
      throw notAnObject(field, v);
    }
    return o;
  }

  static PropiusException notAnObject(String field, Object v) {
    return PropiusException.invalid("field '" + field + "' must be an object, got " + typeName(v));
  }

  static String typeName(Object v) {
    if (v instanceof String) {
      return "a string";
    }
    if (v instanceof Number) {
      return "a number";
    }
    if (v instanceof Boolean) {
      return "a boolean";
    }
    if (v instanceof JsonObject) {
      return "an object";
    }
    return v instanceof JsonArray ? "an array" : "null";
  }
}
