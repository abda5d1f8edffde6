package io.propius.server.job;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;

/**
 * Maps the {@code Authorization: Bearer <key>} of a job call to its tenant. Keys are kept and
 * compared as SHA-256 digests, so a lookup takes the same time whatever the key.
 */
public final class JobAuthenticator {
  private final Map<String, String> tenantByDigest = new HashMap<>();

  /** @param keysByTenant tenant → API key; empty means the job API is open */
  public JobAuthenticator(Map<String, String> keysByTenant) {
    keysByTenant.forEach((tenant, key) -> tenantByDigest.put(digest(key), tenant));
  }

  public boolean isOpen() {
    return tenantByDigest.isEmpty();
  }

  /**
   * @param authorization the Authorization header, may be null
   * @throws PropiusException UNAUTHENTICATED when keys are configured and this is not one of them
   */
  public JobCaller authenticate(String authorization) {
    if (isOpen()) {
      return JobCaller.OPEN;
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new PropiusException(ErrorCode.UNAUTHENTICATED,
          "the job API needs an API key: send 'Authorization: Bearer <key>'");
    }
    String tenant = tenantByDigest.get(digest(authorization.substring(7).trim()));
    if (tenant == null) {
      throw new PropiusException(ErrorCode.UNAUTHENTICATED, "unknown API key");
    }
    return new JobCaller(tenant);
  }

  private static String digest(String key) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
