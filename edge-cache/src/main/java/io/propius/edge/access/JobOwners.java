package io.propius.edge.access;

import io.vertx.core.Future;

/**
 * Where the root learns which tenant owns a job: the control plane's job store in the all-in-one
 * server. A job's owner never changes, so answers may be cached.
 */
@FunctionalInterface
public interface JobOwners {
  /**
   * The tenant that registered job {@code jobId}. Must not block.
   *
   * @return a failed future with a {@link io.propius.api.PropiusException}: NOT_FOUND for an
   *     unknown job, UNAVAILABLE when the directory cannot be reached
   */
  Future<String> ownerOf(long jobId);
}
