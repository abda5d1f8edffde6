package io.propius.edge.auth;

import io.propius.api.token.AudienceKeys;
import io.propius.api.token.KeyRing;
import io.propius.api.token.NodeCredential;
import io.propius.api.token.TokenSigner;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A standalone edge node's keys file, as the control plane's {@code POST /v1/admin/keys/node}
 * writes it: {@code {"audience":"leaf-eu-1","node":"leaf-eu-1a","keys":{"k1":"<base64>"},
 * "retired":[],"credential":"<node credential at the parent>"}}, and optionally the operator keys
 * that may read the node's {@code /metrics}: {@code "admin_keys":{"grafana":{"key":"..."}}}
 * (none: open, as on the server). The file is checked every few
 * seconds and a changed one replaces the keys at once (rotation without a restart); a file that
 * does not parse is refused with a log line and the keys in use stay.
 */
public final class EdgeKeysFile {
  private static final System.Logger LOG = System.getLogger(EdgeKeysFile.class.getName());

  private final String path;
  private final String audience;
  private final String node;
  private final AtomicReference<Contents> current;
  private String lastText;

  /** @param adminKeys operator keys that may read {@code /metrics}; empty: open */
  private record Contents(KeyRing keys, String credential, Set<String> adminKeys) {
  }

  private EdgeKeysFile(String path, JsonObject json) {
    this.path = path;
    this.audience = json.getString("audience");
    this.node = json.getString("node", "");
    this.current = new AtomicReference<>(parse(json, audience));
  }

  /**
   * Reads the file once, before the node starts.
   *
   * @throws IllegalArgumentException naming what is wrong with the file
   */
  public static EdgeKeysFile load(String path) {
    JsonObject json;
    try {
      json = new JsonObject(Files.readString(Path.of(path)));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read keys file " + path + ": " + e.getMessage());
    } catch (DecodeException e) {
      throw new IllegalArgumentException("keys file " + path + " is not JSON");
    }
    if (!(json.getValue("audience") instanceof String)) {
      throw new IllegalArgumentException("keys file " + path + " names no 'audience'");
    }
    try {
      return new EdgeKeysFile(path, json);
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new IllegalArgumentException("keys file " + path + ": " + e.getMessage());
    }
  }

  /**
   * What the control plane writes for one node: the verification keys of {@code audience}, and
   * (unless {@code parentAudience} is null, for a root) a credential for {@code node} at its parent.
   */
  public static JsonObject contents(TokenSigner signer, String audience, String node, String parentAudience,
                                    long credentialExpiresAtMs) {
    JsonObject json = signer.nodeKeys(audience).toJson().put("audience", audience).put("node", node);
    return parentAudience == null ? json
        : json.put("credential", new NodeCredential(node, parentAudience, credentialExpiresAtMs).encode(signer));
  }

  private static Contents parse(JsonObject json, String audience) {
    if (!audience.equals(json.getValue("audience"))) {
      throw new IllegalArgumentException("audience changed from '" + audience + "' to '" + json.getValue("audience")
          + "'; that needs a restart");
    }
    Set<String> admin = new HashSet<>();
    Object field = json.getValue("admin_keys", new JsonObject());
    if (!(field instanceof JsonObject keys)) {
      throw new IllegalArgumentException("'admin_keys' must be an object of name to {\"key\": ...}");
    }
    keys.forEach(e -> {
      if (!(e.getValue() instanceof JsonObject k) || !(k.getValue("key") instanceof String key) || key.length() < 16) {
        throw new IllegalArgumentException("admin_keys." + e.getKey() + ".key must be text of at least 16 characters");
      }
      admin.add(key);
    });
    return new Contents(KeyRing.fromJson(json.copy().put("signing", null)), json.getString("credential", ""),
        Set.copyOf(admin));
  }

  /** The node id the credential was issued for, or empty. */
  public String node() {
    return node;
  }

  public EdgeCredentials credentials() {
    return new EdgeCredentials(new AudienceKeys(audience, () -> current.get().keys()),
        () -> current.get().credential(), this::mayReadMetrics);
  }

  /** The same rule as the server's admin port: with operator keys, {@code /metrics} needs one. */
  private boolean mayReadMetrics(String authorization) {
    Set<String> keys = current.get().adminKeys();
    if (keys.isEmpty()) {
      return true;
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    boolean found = false;
    for (String key : keys) {
      found |= MessageDigest.isEqual(given, key.getBytes(StandardCharsets.UTF_8));
    }
    return found;
  }

  /** Reads the file every {@code intervalMs} (it is small) and applies it when its text changed. */
  public void watch(Vertx vertx, long intervalMs) {
    vertx.setPeriodic(intervalMs, id -> vertx.fileSystem().readFile(path)
        .map(buf -> {
          String text = buf.toString();
          if (!text.equals(lastText)) {
            lastText = text;
            current.set(parse(new JsonObject(text), audience));
            LOG.log(System.Logger.Level.INFO, "keys file " + path + " reloaded: " + current.get().keys().describe());
          }
          return null;
        })
        .onFailure(err -> LOG.log(System.Logger.Level.WARNING, "keys file " + path + " not applied, the keys in use "
            + "stay: " + err.getMessage())));
  }
}
