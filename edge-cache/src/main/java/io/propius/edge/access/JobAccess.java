package io.propius.edge.access;

import io.vertx.core.Future;

/**
 * Decides at the root whether a caller may make a job call for a job: publish its rounds and
 * plans, read its round specs and aggregates (HTTP and the gRPC {@code DataPlane} service alike).
 * Device and node calls are not job calls: task and node tokens are checked on their own.
 */
public interface JobAccess {
  /**
   * Succeeds when the caller presenting {@code authorization} may act on job {@code jobId}. Never
   * blocks; the answer may come later (an owner lookup).
   *
   * @param authorization the {@code Authorization} header or gRPC metadata, may be null
   * @return a failed future with a {@link io.propius.api.PropiusException}: UNAUTHENTICATED (no or
   *     unknown API key), PERMISSION_DENIED (another tenant's job), NOT_FOUND (no such job) or
   *     UNAVAILABLE (the job directory cannot be reached)
   */
  Future<Void> authorize(String authorization, long jobId);

  /** Anyone may make any job call: the deployment has no API keys. */
  static JobAccess open() {
    return OpenJobAccess.INSTANCE;
  }
}
