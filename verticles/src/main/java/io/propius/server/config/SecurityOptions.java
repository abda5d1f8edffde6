package io.propius.server.config;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** Secrets. */
public final class SecurityOptions {
  /**
   * Base64 HMAC secret (at least 32 bytes) signing offers and task tokens; every client manager
   * and edge node of a deployment must share it. Empty: a random secret per process.
   */
  private String tokenSecret = "";
  /**
   * Tenant name → API key. Empty: the job API is open and a job names its own tenant (the
   * embedded default). Otherwise every job call must carry {@code Authorization: Bearer <key>},
   * the key decides the tenant, and a tenant can only touch its own jobs.
   */
  private Map<String, String> jobApiKeys = new LinkedHashMap<>();
  private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  public SecurityOptions setTokenSecret(String tokenSecret) {
    this.tokenSecret = tokenSecret;
    return this;
  }

  public Map<String, String> getJobApiKeys() {
    return jobApiKeys;
  }

  public SecurityOptions setJobApiKeys(Map<String, String> jobApiKeys) {
    this.jobApiKeys = jobApiKeys;
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
    jobApiKeys.forEach((tenant, key) -> {
      if (!TENANT.matcher(tenant).matches()) {
        throw new IllegalArgumentException("security.jobApiKeys: tenant name '" + tenant + "' is not valid");
      }
      if (key == null || key.length() < 16) {
        throw new IllegalArgumentException("security.jobApiKeys." + tenant + ": API key must have at least 16 characters");
      }
    });
    if (jobApiKeys.values().stream().distinct().count() < jobApiKeys.size()) {
      throw new IllegalArgumentException("security.jobApiKeys: two tenants share an API key");
    }
  }
}
