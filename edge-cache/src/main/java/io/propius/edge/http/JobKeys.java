package io.propius.edge.http;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * Checks the {@code Authorization: Bearer <api key>} of job calls at the root (publishing rounds
 * and plans, reading aggregates) against the deployment's job API keys; open when there are none.
 * Keys are held as SHA-256 digests, so a lookup takes the same time whatever the key.
 */
public final class JobKeys {
  private final Set<String> digests = new HashSet<>();

  public JobKeys(Collection<String> keys) {
    keys.forEach(k -> digests.add(digest(k)));
  }

  /** @throws PropiusException UNAUTHENTICATED when keys are configured and this is not one of them */
  public void check(String authorization) {
    if (digests.isEmpty()) {
      return;
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new PropiusException(ErrorCode.UNAUTHENTICATED,
          "this data-plane call is for jobs and needs an API key: send 'Authorization: Bearer <key>'");
    }
    if (!digests.contains(digest(authorization.substring(7).trim()))) {
      throw new PropiusException(ErrorCode.UNAUTHENTICATED, "unknown API key");
    }
  }

  private static String digest(String key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
