package io.propius.api.auth;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The deployment's job API keys (the server's {@code security.jobApiKeys}), mapping the
 * {@code Authorization: Bearer <key>} of a job call to its tenant: one rule for the control plane's
 * job API and the data plane's job calls. Keys are held as SHA-256 digests, so a lookup takes the
 * same time whatever the key.
 */
public final class TenantKeys {
  private final Map<String, String> tenantByDigest = new HashMap<>();

  /** @param keysByTenant tenant → API key; must not be empty (no keys means the API is open) */
  public TenantKeys(Map<String, String> keysByTenant) {
    if (keysByTenant.isEmpty()) {
      throw new IllegalArgumentException("no API keys: an open API needs no TenantKeys");
    }
    keysByTenant.forEach((tenant, key) -> tenantByDigest.put(digest(key), tenant));
  }

  /**
   * @param authorization the Authorization header, may be null
   * @return the tenant whose key this is
   * @throws PropiusException UNAUTHENTICATED without a bearer key or with an unknown one
   */
  public String tenantOf(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new PropiusException(ErrorCode.UNAUTHENTICATED,
          "this job call needs an API key: send 'Authorization: Bearer <key>'");
    }
    String tenant = tenantByDigest.get(digest(authorization.substring(7).trim()));
    if (tenant == null) {
      throw new PropiusException(ErrorCode.UNAUTHENTICATED, "unknown API key");
    }
    return tenant;
  }

  /** The hex SHA-256 of a key: what is kept and compared instead of the key. */
  public static String digest(String key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
