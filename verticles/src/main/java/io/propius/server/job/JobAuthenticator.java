package io.propius.server.job;

import io.propius.api.PropiusException;
import io.propius.api.auth.TenantKeys;
import java.util.Map;

/** Maps the {@code Authorization: Bearer <key>} of a job call to its caller: a tenant, or anyone when the API is open. */
public final class JobAuthenticator {
  /** Null when no keys are configured. */
  private final TenantKeys keys;

  /** @param keysByTenant tenant → API key; empty means the job API is open */
  public JobAuthenticator(Map<String, String> keysByTenant) {
    this.keys = keysByTenant.isEmpty() ? null : new TenantKeys(keysByTenant);
  }

  public boolean isOpen() {
    return keys == null;
  }

  /**
   * @param authorization the Authorization header, may be null
   * @throws PropiusException UNAUTHENTICATED when keys are configured and this is not one of them
   */
  public JobCaller authenticate(String authorization) {
    return keys == null ? JobCaller.OPEN : new JobCaller(keys.tenantOf(authorization));
  }
}
