package io.propius.edge.upstream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.propius.api.PropiusException;
import io.propius.edge.upstream.PartialUpdate.Upload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The uploads trailer of a push body, a JSON array of {@code device}, {@code round}, {@code at_ms}
 * and {@code version} objects, written and read with Jackson's streaming generator and parser:
 * every upload below the root travels up in one, and a JSON tree per upload was most of building
 * a push and of reading one.
 */
final class UploadsTrailer {
  /**
   * Writes a character beyond the BMP as an escaped surrogate pair (Vert.x's encoder wrote its 4
   * UTF-8 bytes; a parent reads the same text), and so a lone surrogate too, which in UTF-8 it could
   * not write: a device id arrives from a child's push as JSON text, and one the parent cannot send
   * on must not stop its pushes.
   */
  private static final JsonFactory JSON = new JsonFactory();
  private static final String[] FIELDS = {"device", "round", "at_ms", "version"};
  /** An array element that is not an object. */
  private static final Object[] NOT_AN_OBJECT = new Object[0];

  /** A field's value that is an object or an array, named as such in a refusal. */
  private record Nested(String what) {
    @Override
    public String toString() {
      return what;
    }
  }

  private UploadsTrailer() {
  }

  static byte[] write(List<Upload> uploads) {
    // About what an entry with a short device id takes, so the buffer rarely grows.
    ByteArrayBuilder out = new ByteArrayBuilder(uploads.size() * 80);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartArray();
      for (Upload u : uploads) {
        json.writeStartObject();
        json.writeStringField("device", u.deviceId());
        json.writeNumberField("round", u.round());
        json.writeNumberField("at_ms", u.atMs());
        json.writeNumberField("version", u.version());
        json.writeEndObject();
      }
      json.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON into memory failed", e);
    }
    return out.toByteArray();
  }

  /**
   * The uploads in {@code body[from, from + length)}.
   *
   * @throws PropiusException INVALID_ARGUMENT naming what is wrong
   */
  static List<Upload> read(byte[] body, int from, int length, long version, long contributors, long nowMs) {
    List<Object[]> entries = entries(body, from, length);
    if (entries.size() > Math.min(contributors, PartialUpdate.MAX_UPLOADS)) {
      throw PropiusException.invalid("a push with " + contributors + " contributors carries " + entries.size()
          + " uploads; at most one per contributor and " + PartialUpdate.MAX_UPLOADS + " are allowed");
    }
    List<Upload> out = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i) == NOT_AN_OBJECT) {
        throw PropiusException.invalid("upload " + i + " must be an object");
      }
      out.add(upload(i, entries.get(i), version, nowMs));
    }
    return List.copyOf(out);
  }

  /** Each element: its four fields' values as read (a later duplicate field wins), or NOT_AN_OBJECT. */
  private static List<Object[]> entries(byte[] body, int from, int length) {
    List<Object[]> entries = new ArrayList<>();
    try (JsonParser p = JSON.createParser(body, from, length)) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw PropiusException.invalid("uploads must be a JSON array");
      }
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        if (t == null) { // Jackson reports an unclosed array itself; this keeps the loop finite regardless
          throw PropiusException.invalid("uploads must be a JSON array: it is not closed");
        }
        if (t != JsonToken.START_OBJECT) {
          p.skipChildren();
          entries.add(NOT_AN_OBJECT);
          continue;
        }
        Object[] fields = new Object[FIELDS.length];
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          int slot = slot(p.currentName());
          Object value = value(p, p.nextToken());
          if (slot >= 0) {
            fields[slot] = value;
          }
        }
        entries.add(fields);
      }
      if (p.nextToken() != null) {
        throw PropiusException.invalid("uploads must be a JSON array: something follows it");
      }
    } catch (IOException e) {
      throw PropiusException.invalid("uploads must be a JSON array: " + PartialUpdate.shorten(e.getMessage()));
    }
    return entries;
  }

  /** A scalar as a JSON tree holds it (String, Integer, Long, BigInteger, Double, Boolean, null). */
  private static Object value(JsonParser p, JsonToken t) throws IOException {
    return switch (t) {
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> {
        p.skipChildren();
        yield new Nested(t == JsonToken.START_ARRAY ? "an array" : "an object");
      }
    };
  }

  private static int slot(String name) {
    for (int i = 0; i < FIELDS.length; i++) {
      if (FIELDS[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static Upload upload(int i, Object[] fields, long version, long nowMs) {
    if (!(fields[0] instanceof String id) || id.isBlank() || id.length() > PartialUpdate.MAX_NODE_ID) {
      throw PropiusException.invalid("upload " + i + " must name its device: 'device' of 1 to "
          + PartialUpdate.MAX_NODE_ID + " characters");
    }
    long round = whole(i, fields, 1, 0, Integer.MAX_VALUE);
    long at = whole(i, fields, 2, 1, Long.MAX_VALUE);
    if (at > nowMs + PartialUpdate.MAX_CLOCK_SKEW_MS) {
      throw PropiusException.invalid("upload " + i + " of device '" + PartialUpdate.shorten(id) + "' is at " + at
          + ", in the future (now " + nowMs + ")");
    }
    long counted = whole(i, fields, 3, 1, version);
    return new Upload(id, (int) round, at, counted);
  }

  private static long whole(int i, Object[] fields, int slot, long min, long max) {
    Object value = fields[slot];
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < min
        || ((Number) value).longValue() > max) {
      throw PropiusException.invalid("upload " + i + " needs '" + FIELDS[slot] + "', a whole number from " + min
          + " to " + max + ", got " + PartialUpdate.shorten(String.valueOf(value)));
    }
    return ((Number) value).longValue();
  }
}
