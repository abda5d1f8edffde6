package io.propius.edge.access;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Job calls with API keys: the key names the tenant ({@link TenantKeys}), and the job must be that
 * tenant's ({@link JobOwners}), the same rule and messages as the control plane's job API. The
 * owners of recently used jobs are remembered (a job's owner never changes), at most a fixed
 * number of them, least recently used out first; unknown jobs are not remembered, since their id
 * may be registered later.
 */
public final class TenantJobAccess implements JobAccess {
  /** Job owners remembered by default: about 1 MB at most, far more than the live jobs of a deployment. */
  public static final int DEFAULT_REMEMBERED_OWNERS = 10_000;
  private static final Future<Void> ALLOWED = Future.succeededFuture();

  private final TenantKeys keys;
  private final JobOwners owners;
  private final Map<Long, String> remembered;

  public TenantJobAccess(TenantKeys keys, JobOwners owners) {
    this(keys, owners, DEFAULT_REMEMBERED_OWNERS);
  }

  /** @param rememberedOwners how many job owners to keep, at least 1 */
  public TenantJobAccess(TenantKeys keys, JobOwners owners, int rememberedOwners) {
    if (rememberedOwners < 1) {
      throw new IllegalArgumentException("rememberedOwners must be at least 1");
    }
    this.keys = keys;
    this.owners = owners;
    this.remembered = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
        return size() > rememberedOwners;
      }
    };
  }

  @Override
  public Future<Void> authorize(String authorization, long jobId) {
    String tenant;
    try {
      tenant = keys.tenantOf(authorization);
    } catch (PropiusException e) {
      return Future.failedFuture(e);
    }
    String known = rememberedOwner(jobId);
    Future<String> owner = known != null ? Future.succeededFuture(known)
        : owners.ownerOf(jobId).onSuccess(o -> remember(jobId, o));
    return owner.compose(o -> o.equals(tenant) ? ALLOWED : Future.failedFuture(
        new PropiusException(ErrorCode.PERMISSION_DENIED, "job " + jobId + " belongs to another tenant")));
  }

  // The lookup may complete on another thread than the caller's (a store client's): guard the map.
  private String rememberedOwner(long jobId) {
    synchronized (remembered) {
      return remembered.get(jobId);
    }
  }

  private void remember(long jobId, String owner) {
    synchronized (remembered) {
      remembered.put(jobId, owner);
    }
  }
}
