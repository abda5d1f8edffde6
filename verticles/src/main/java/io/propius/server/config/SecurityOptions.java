package io.propius.server.config;

import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Secrets: token keys, job API keys, operator keys (docs/SECURITY.md). */
public final class SecurityOptions {
  /** The audience of the data-plane root the server runs. */
  public static final String ROOT_AUDIENCE = "root";
  /** Key id of {@code tokenSecret}. */
  public static final String SECRET_KID = "secret";
  /**
   * A JSON key-ring file of master keys ({@code {"signing":"k2","keys":{"k1":"<base64>",...},
   * "retired":["k0"]}}), re-read by {@code POST /v1/admin/keys/reload}: how keys rotate. Every
   * control-plane process of a deployment reads the same keys; edge nodes never see them.
   */
  private String keysFile = "";
  /**
   * Base64 master key (at least 32 bytes), key id {@value #SECRET_KID}: a one-key shorthand for
   * {@code keysFile}, without rotation. Both empty: a random key per process.
   */
  private String tokenSecret = "";
  /**
   * The data-plane audience task tokens are for: the node (or group of nodes with one keys file)
   * behind {@code devices.dataPlaneUrl}. {@value #ROOT_AUDIENCE} is the server's own root.
   */
  private String taskAudience = ROOT_AUDIENCE;
  /**
   * The data-plane audiences a job may name in {@code data_plane.audience} (besides
   * {@code taskAudience}), comma-separated. Empty: any well-formed name. A deployment lists its edge
   * trees here so a job naming an audience no node serves is refused at registration instead of
   * having every upload refused.
   */
  private String audiences = "";
  /**
   * Operator keys of {@code /v1/admin/*}: name → key and whether it may write. Empty: the admin
   * API is open (the embedded default; a warning is logged).
   */
  private Map<String, AdminKey> adminKeys = new LinkedHashMap<>();
  /**
   * Tenant name → API key. Empty: the job API is open and a job names its own tenant (the
   * embedded default). Otherwise every job call must carry {@code Authorization: Bearer <key>},
   * the key decides the tenant, and a tenant can only touch its own jobs.
   */
  private Map<String, String> jobApiKeys = new LinkedHashMap<>();
  private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

  /** One operator key. */
  public static final class AdminKey {
    private String key = "";
    private boolean write;

    public AdminKey() {
    }

    public AdminKey(String key, boolean write) {
      this.key = key;
      this.write = write;
    }

    public String getKey() {
      return key;
    }

    public boolean isWrite() {
      return write;
    }
  }

  public String getKeysFile() {
    return keysFile;
  }

  public SecurityOptions setKeysFile(String keysFile) {
    this.keysFile = keysFile;
    return this;
  }

  public String getTaskAudience() {
    return taskAudience;
  }

  public SecurityOptions setTaskAudience(String taskAudience) {
    this.taskAudience = taskAudience;
    return this;
  }

  public String getAudiences() {
    return audiences;
  }

  public SecurityOptions setAudiences(String audiences) {
    this.audiences = audiences;
    return this;
  }

  /** {@link #audiences} as a list; empty when any audience is allowed. */
  public List<String> audienceList() {
    return audiences == null ? List.of()
        : Arrays.stream(audiences.split(",")).map(String::trim).filter(a -> !a.isEmpty()).toList();
  }

  /** Whether a job may name {@code audience} (well-formed is checked by the caller). */
  public boolean allowsAudience(String audience) {
    List<String> allowed = audienceList();
    return allowed.isEmpty() || allowed.contains(audience) || taskAudience.equals(audience);
  }

  /** Whether {@code audience} is a well-formed audience name. */
  public static boolean validAudience(String audience) {
    return TENANT.matcher(audience).matches();
  }

  public Map<String, AdminKey> getAdminKeys() {
    return adminKeys;
  }

  public SecurityOptions setAdminKeys(Map<String, AdminKey> adminKeys) {
    this.adminKeys = adminKeys;
    return this;
  }

  public String getTokenSecret() {
    return tokenSecret;
  }

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
    if (!keysFile.isEmpty() && !tokenSecret.isEmpty()) {
      throw new IllegalArgumentException("security.keysFile and security.tokenSecret are alternatives; set one");
    }
    if (!validAudience(taskAudience)) {
      throw new IllegalArgumentException("security.taskAudience '" + taskAudience + "' must be lower-case letters, "
          + "digits, '_' or '-'");
    }
    for (String audience : audienceList()) {
      if (!validAudience(audience)) {
        throw new IllegalArgumentException("security.audiences: '" + audience + "' must be lower-case letters, "
            + "digits, '_' or '-'");
      }
    }
    adminKeys.forEach((name, k) -> {
      if (k == null || k.key == null || k.key.length() < 16) {
        throw new IllegalArgumentException("security.adminKeys." + name + ".key must have at least 16 characters");
      }
    });
    if (adminKeys.values().stream().map(k -> k.key).distinct().count() < adminKeys.size()) {
      throw new IllegalArgumentException("security.adminKeys: two names share a key");
    }
  }
}
