package io.propius.server.device;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.edge.ratelimit.TokenBuckets;
import io.propius.server.config.DeviceRateLimitOptions;
import io.propius.server.metrics.PropiusMetrics;
import io.propius.server.security.TrustedProxies;
import io.vertx.core.http.HttpServerRequest;

/**
 * The check-in rate limits, shared by every client manager instance of the process: a device id,
 * then its client address, each takes a token from its bucket; a check-in that finds one empty is
 * refused with RATE_LIMITED (429) and a Retry-After of when the bucket has a token again. The
 * client address is the TCP peer, or what a trusted proxy says it forwarded for.
 */
public final class CheckinLimiter {
  private static final String FORWARDED_FOR = "X-Forwarded-For";
  private final TokenBuckets perDevice;
  private final TokenBuckets perAddress;
  private final TrustedProxies proxies;
  private final PropiusMetrics metrics;

  public CheckinLimiter(DeviceRateLimitOptions options, TrustedProxies proxies, PropiusMetrics metrics) {
    this.proxies = proxies;
    this.perDevice = options.getPerDevice().buckets(options.getMaxKeys());
    this.perAddress = options.getPerAddress().buckets(options.getMaxKeys());
    this.metrics = metrics;
  }

  /** @throws PropiusException RATE_LIMITED naming the limit that was hit */
  public void admit(String deviceId, HttpServerRequest request, long nowNanos) {
    // The refusal messages are built only for a refusal: this runs on every check-in.
    if (perDevice != null) {
      long waitMs = perDevice.take(deviceId, nowNanos);
      if (waitMs > 0) {
        refuse(waitMs, "device", "device '" + deviceId + "' checks in too often", "devices.rateLimit.perDevice");
      }
    }
    // The connection's address: the router's request wrapper parses Forwarded headers (scheme, authority) on its
    // first call, a tenth of the limiter's time, for a proxy header this class reads itself when it trusts the peer.
    if (perAddress != null && request.connection().remoteAddress() != null) {
      String peer = request.connection().remoteAddress().hostAddress();
      String address = proxies.trusts(peer) ? proxies.client(peer, request.headers().getAll(FORWARDED_FOR)) : peer;
      long waitMs = perAddress.take(address, nowNanos);
      if (waitMs > 0) {
        refuse(waitMs, "address", "too many check-ins from address " + address, "devices.rateLimit.perAddress");
      }
    }
  }

  private void refuse(long waitMs, String limit, String what, String setting) {
    metrics.rateLimited(limit);
    throw new PropiusException(ErrorCode.RATE_LIMITED, what + " (" + setting + "); retry in " + waitMs + " ms", waitMs);
  }
}
