package io.propius.server.job;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.edge.ratelimit.RateLimit;
import io.propius.edge.ratelimit.TokenBuckets;
import io.propius.server.metrics.PropiusMetrics;

/**
 * Job API calls per tenant ({@code jobs.rateLimitPerTenant}), over gRPC and WebSocket alike. With
 * an open API (no keys) every caller shares one bucket: there is no tenant to tell them apart.
 */
public final class JobCallLimiter {
  private static final String OPEN = "(open)";
  private final TokenBuckets buckets;
  private final PropiusMetrics metrics;

  public JobCallLimiter(RateLimit perTenant, PropiusMetrics metrics) {
    this.buckets = perTenant.buckets(100_000);
    this.metrics = metrics;
  }

  /** @throws PropiusException RATE_LIMITED (RESOURCE_EXHAUSTED over gRPC) with a retry hint */
  public void admit(JobCaller caller) {
    if (buckets == null) {
      return;
    }
    String tenant = caller.tenant() == null ? OPEN : caller.tenant();
    long waitMs = buckets.take(tenant, System.nanoTime());
    if (waitMs > 0) {
      metrics.rateLimited("tenant");
      throw new PropiusException(ErrorCode.RATE_LIMITED, "tenant '" + tenant + "' makes too many job API calls "
          + "(jobs.rateLimitPerTenant); retry in " + waitMs + " ms", waitMs);
    }
  }
}
