package io.propius.server.security;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.token.KeyRing;
import io.propius.api.token.TokenSigner;
import io.propius.server.config.SecurityOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The control plane's master token keys: where they come from ({@code security.keysFile}, else
 * {@code security.tokenSecret}, else a random key) and their rotation, a re-read of the keys file
 * that swaps the signer's keys while the server runs.
 */
public final class ServerKeys {
  private static final System.Logger LOG = System.getLogger(ServerKeys.class.getName());

  private final TokenSigner signer;
  private final String keysFile;

  private ServerKeys(TokenSigner signer, String keysFile) {
    this.signer = signer;
    this.keysFile = keysFile;
  }

  /**
   * @param sharedStore whether other processes may share this one's jobs (the Redis store): only then
   *     does a random key, valid in this process alone, deserve a warning
   * @throws IllegalArgumentException naming what is wrong with the configured keys
   */
  public static ServerKeys load(SecurityOptions options, boolean sharedStore) {
    if (!options.getKeysFile().isEmpty()) {
      return new ServerKeys(new TokenSigner(read(options.getKeysFile())), options.getKeysFile());
    }
    byte[] secret = options.secretBytes();
    if (secret == null) {
      if (sharedStore) {
        LOG.log(System.Logger.Level.WARNING, "security.keysFile is not set: using a random token key, so offers and "
            + "task tokens verify only in this process (see docs/SECURITY.md for a multi-process deployment)");
      }
      return new ServerKeys(TokenSigner.random(), "");
    }
    return new ServerKeys(new TokenSigner(KeyRing.single(SecurityOptions.SECRET_KID, secret)), "");
  }

  public TokenSigner signer() {
    return signer;
  }

  /** Key ids in use, no key material. */
  public JsonObject describe() {
    return signer.masterKeys().describe().put("keys_file", keysFile);
  }

  /**
   * Re-reads the keys file and applies it; on any error the keys in use stay.
   *
   * @return the new key ids; FAILED_PRECONDITION without a keys file, INVALID_ARGUMENT for a bad one
   */
  public Future<JsonObject> reload(Vertx vertx) {
    if (keysFile.isEmpty()) {
      return Future.failedFuture(new PropiusException(ErrorCode.FAILED_PRECONDITION, "keys can only be reloaded "
          + "from security.keysFile, and none is configured"));
    }
    return vertx.executeBlocking(() -> {
      try {
        KeyRing ring = read(keysFile);
        signer.rotate(ring);
      } catch (IllegalArgumentException e) {
        throw PropiusException.invalid("keys file not applied, the keys in use stay: " + e.getMessage());
      }
      LOG.log(System.Logger.Level.INFO, "token keys reloaded: " + signer.masterKeys().describe());
      return describe();
    });
  }

  private static KeyRing read(String path) {
    try {
      return KeyRing.fromJson(new JsonObject(Files.readString(Path.of(path))));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read security.keysFile " + path + ": " + e.getMessage());
    } catch (DecodeException e) {
      throw new IllegalArgumentException("security.keysFile " + path + " is not JSON");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("security.keysFile " + path + ": " + e.getMessage());
    }
  }
}
