package io.propius.edge.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.auth.TenantKeys;
import io.vertx.core.Future;

/**
 * Job calls with API keys: the key names the tenant ({@link TenantKeys}), and the job must be that
 * tenant's ({@link JobOwners}), the same rule and messages as the control plane's job API. The
 * owners of recently used jobs are remembered (a job's owner never changes), at most a fixed
 * number of them (a Caffeine cache); unknown jobs are not remembered, since their id may be
 * registered later.
 */
public final class TenantJobAccess implements JobAccess {
  /** Job owners remembered by default: about 1 MB at most, far more than the live jobs of a deployment. */
  public static final int DEFAULT_REMEMBERED_OWNERS = 10_000;
  private static final Future<Void> ALLOWED = Future.succeededFuture();

  private final TenantKeys keys;
  private final JobOwners owners;
  private final Cache<Long, String> remembered;

  public TenantJobAccess(TenantKeys keys, JobOwners owners) {
    this(keys, owners, DEFAULT_REMEMBERED_OWNERS);
  }

  /** @param rememberedOwners how many job owners to keep, at least 1 */
  public TenantJobAccess(TenantKeys keys, JobOwners owners, int rememberedOwners) {
    this.keys = keys;
    this.owners = owners;
    if (rememberedOwners < 1) {
      throw new IllegalArgumentException("rememberedOwners must be at least 1, got " + rememberedOwners);
    }
    // Evicting on the caller's thread keeps the bound exact at every moment.
    this.remembered = Caffeine.newBuilder().maximumSize(rememberedOwners).executor(Runnable::run).build();
  }

  @Override
  public Future<Void> authorize(String authorization, long jobId) {
    String tenant;
    try {
      tenant = keys.tenantOf(authorization);
    } catch (PropiusException e) {
      return Future.failedFuture(e);
    }
    String known = remembered.getIfPresent(jobId);
    Future<String> owner = known != null ? Future.succeededFuture(known)
        : owners.ownerOf(jobId).onSuccess(o -> remembered.put(jobId, o));
    return owner.compose(o -> o.equals(tenant) ? ALLOWED : Future.failedFuture(
        new PropiusException(ErrorCode.PERMISSION_DENIED, "job " + jobId + " belongs to another tenant")));
  }
}
