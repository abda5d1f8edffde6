package io.propius.server.config;

import java.util.Base64;

/** Secrets. */
public final class SecurityOptions {
  /**
   * Base64 HMAC secret (at least 32 bytes) signing offers and task tokens; every client manager
   * and edge node of a deployment must share it. Empty: a random secret per process.
   */
  private String tokenSecret = "";

  public String getTokenSecret() {
    return tokenSecret;
  }

  public SecurityOptions setTokenSecret(String tokenSecret) {
    this.tokenSecret = tokenSecret;
    return this;
  }

  /** The decoded secret, or null when none is configured. */
  public byte[] secretBytes() {
    if (tokenSecret == null || tokenSecret.isEmpty()) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(tokenSecret);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("security.tokenSecret is not valid base64");
    }
  }

  void validate() {
    byte[] secret = secretBytes();
    if (secret != null && secret.length < 32) {
      throw new IllegalArgumentException("security.tokenSecret must decode to at least 32 bytes, got " + secret.length);
    }
  }
}
