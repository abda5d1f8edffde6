package io.propius.api.token;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The claims of a token, read with Jackson's streaming parser straight from the decoded payload:
 * every accept and confirm verifies a token, and a JSON tree of its few claims was a good part of
 * that. Only the claims Propius's tokens carry are kept; a value of another JSON type than a
 * string or number stands as an object no cast accepts, so the token is refused as malformed.
 */
final class TokenClaims {
  private static final JsonFactory JSON = new JsonFactory();
  private static final String[] NAMES = {"sub", "aud", "job", "round", "exp_ms", "shards"};
  private static final Object NOT_A_SCALAR = new Object();
  private final Object[] values = new Object[NAMES.length];

  private TokenClaims() {
  }

  /** @throws IllegalArgumentException when the payload is not one JSON object */
  static TokenClaims parse(byte[] json) {
    TokenClaims claims = new TokenClaims();
    try (JsonParser p = JSON.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("claims are not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        int slot = slot(p.currentName());
        JsonToken token = p.nextToken();
        Object value = switch (token) {
          case VALUE_STRING -> p.getText();
          case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
          case VALUE_NULL -> null;
          default -> {
            p.skipChildren();
            yield NOT_A_SCALAR;
          }
        };
        if (slot >= 0) {
          claims.values[slot] = value;
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new IllegalArgumentException("claims are not one JSON object");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("claims are not JSON", e);
    }
    return claims;
  }

  private static int slot(String name) {
    for (int i = 0; i < NAMES.length; i++) {
      if (NAMES[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** The claim as read (a String or a Number), or null when absent. */
  Object get(String name) {
    int slot = slot(name);
    if (slot < 0) {
      throw new IllegalArgumentException("no claim '" + name + "' is read");
    }
    return values[slot];
  }

  /** @throws ClassCastException when the claim is not a string */
  String string(String name) {
    return (String) get(name);
  }

  /** @throws NullPointerException when absent; ClassCastException when not a number */
  long number(String name) {
    return ((Number) get(name)).longValue();
  }

  /** @throws NullPointerException when absent; ClassCastException when not a number */
  int integer(String name) {
    return ((Number) get(name)).intValue();
  }

  /** @throws ClassCastException when present and not a number */
  int integer(String name, int absent) {
    Object v = get(name);
    return v == null ? absent : ((Number) v).intValue();
  }
}
