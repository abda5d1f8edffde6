package io.propius.api.token;

import io.propius.api.PropiusException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An immutable set of HMAC-SHA256 keys by key id: the ones tokens may be verified with, the one new
 * tokens are signed with (none on an edge node, which only verifies), and the ids of retired keys,
 * so a token under one of them is refused with that reason. Rotation replaces the whole ring.
 *
 * <p>JSON form (a keys file): {@code {"signing":"k2","keys":{"k1":"<base64>","k2":"<base64>"},
 * "retired":["k0"]}}.
 */
public final class KeyRing {
  /** Shortest key accepted, in bytes. */
  public static final int MIN_KEY_BYTES = 32;
  private static final Pattern KID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final Map<String, byte[]> keys;
  private final String signingKid;
  private final Set<String> retired;
  private final ThreadLocal<Map<String, Mac>> macs = ThreadLocal.withInitial(HashMap::new);

  /**
   * @param signingKid the key new tokens are signed with, or null for a ring that only verifies
   * @throws IllegalArgumentException naming what is wrong with the keys
   */
  public KeyRing(Map<String, byte[]> keys, String signingKid, Set<String> retired) {
    keys.forEach((kid, key) -> {
      requireKid(kid);
      if (key == null || key.length < MIN_KEY_BYTES) {
        throw new IllegalArgumentException("key '" + kid + "' must have at least " + MIN_KEY_BYTES + " bytes");
      }
      if (retired.contains(kid)) {
        throw new IllegalArgumentException("key '" + kid + "' is both active and retired");
      }
    });
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("a key ring needs at least one active key");
    }
    if (signingKid != null && !keys.containsKey(signingKid)) {
      throw new IllegalArgumentException("signing key '" + signingKid + "' is not among the active keys " + keys.keySet());
    }
    retired.forEach(KeyRing::requireKid);
    Map<String, byte[]> copy = new LinkedHashMap<>();
    keys.forEach((kid, key) -> copy.put(kid, key.clone()));
    this.keys = Map.copyOf(copy);
    this.signingKid = signingKid;
    this.retired = Set.copyOf(retired);
  }

  /** One key, signing, nothing retired. */
  public static KeyRing single(String kid, byte[] key) {
    return new KeyRing(Map.of(kid, key), kid, Set.of());
  }

  /**
   * @throws IllegalArgumentException for a malformed ring, naming the field
   */
  public static KeyRing fromJson(JsonObject json) {
    Object keysField = json.getValue("keys");
    if (!(keysField instanceof JsonObject keyObject)) {
      throw new IllegalArgumentException("'keys' must be an object of key id to base64 key");
    }
    Map<String, byte[]> keys = new LinkedHashMap<>();
    for (String kid : keyObject.fieldNames()) {
      try {
        keys.put(kid, Base64.getDecoder().decode(keyObject.getString(kid)));
      } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
        throw new IllegalArgumentException("key '" + kid + "' is not base64 text");
      }
    }
    Set<String> retired = new LinkedHashSet<>();
    Object retiredField = json.getValue("retired", new JsonArray());
    if (!(retiredField instanceof JsonArray list)) {
      throw new IllegalArgumentException("'retired' must be an array of key ids");
    }
    list.forEach(kid -> retired.add(String.valueOf(kid)));
    Object signing = json.getValue("signing");
    if (signing != null && !(signing instanceof String)) {
      throw new IllegalArgumentException("'signing' must be a key id");
    }
    return new KeyRing(keys, (String) signing, retired);
  }

  /** With the keys themselves (base64): for a keys file only, never for a status page. */
  public JsonObject toJson() {
    JsonObject k = new JsonObject();
    keys.keySet().stream().sorted().forEach(kid -> k.put(kid, Base64.getEncoder().encodeToString(keys.get(kid))));
    JsonObject json = new JsonObject().put("keys", k).put("retired", new JsonArray(retired.stream().sorted().toList()));
    return signingKid == null ? json : json.put("signing", signingKid);
  }

  /** Key ids only, no key material. */
  public JsonObject describe() {
    return new JsonObject().put("signing", signingKid).put("active", new JsonArray(keys.keySet().stream().sorted()
        .toList())).put("retired", new JsonArray(retired.stream().sorted().toList()));
  }

  /** The same ids and signing key id, each key derived for {@code info}. */
  KeyRing derive(String info) {
    Map<String, byte[]> derived = new LinkedHashMap<>();
    keys.forEach((kid, key) -> derived.put(kid, Hkdf.derive(key, info)));
    return new KeyRing(derived, signingKid, retired);
  }

  /** The same ids and keys, signing with the first active key id (for tests of forged tokens). */
  KeyRing withSigning() {
    return new KeyRing(keys, keys.keySet().iterator().next(), retired);
  }

  /** The same ids and keys, signing with none. */
  KeyRing verifyOnly() {
    return new KeyRing(keys, null, retired);
  }

  public String signingKid() {
    return signingKid;
  }

  /** This thread's HMAC under the signing key. */
  Mac signingMac() {
    if (signingKid == null) {
      throw new IllegalStateException("this key ring only verifies");
    }
    return mac(signingKid);
  }

  /**
   * The MAC of {@code input[0, length)} under key {@code kid}.
   *
   * @throws PropiusException UNAUTHENTICATED naming the key when it is retired or unknown
   */
  byte[] macFor(String kid, byte[] input, int length, String what) {
    if (retired.contains(kid)) {
      throw new TokenRejectedException(TokenRejection.RETIRED_KEY, what + " was signed with key '" + kid
          + "', which is retired; get a new one");
    }
    if (!keys.containsKey(kid)) {
      throw new TokenRejectedException(TokenRejection.UNKNOWN_KEY, what + " was signed with key '" + kid
          + "', which this server does not know");
    }
    Mac mac = mac(kid);
    mac.update(input, 0, length);
    return mac.doFinal();
  }

  private Mac mac(String kid) {
    return macs.get().computeIfAbsent(kid, id -> {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(keys.get(id), "HmacSHA256"));
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 unavailable", e);
      }
    });
  }

  private static void requireKid(String kid) {
    if (kid == null || !KID.matcher(kid).matches()) {
      throw new IllegalArgumentException("key id '" + kid + "' must be 1-64 letters, digits, '.', '_' or '-'");
    }
  }
}
