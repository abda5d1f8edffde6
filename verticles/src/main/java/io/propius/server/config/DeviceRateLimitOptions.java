package io.propius.server.config;

import io.propius.edge.ratelimit.RateLimit;

/**
 * Check-in rate limits ({@code devices.rateLimit.*}): per device id and per client address, each a
 * token bucket; a rate of 0 turns one off (the embedded default: both off). The address is the
 * TCP peer: behind a proxy, every device shares the proxy's address, so limit addresses at the proxy.
 */
public final class DeviceRateLimitOptions {
  private RateLimit perDevice = new RateLimit();
  private RateLimit perAddress = new RateLimit();
  /** Most device ids and addresses tracked at once (least recently seen dropped first). */
  private long maxKeys = 1_000_000;

  public RateLimit getPerDevice() {
    return perDevice;
  }

  public DeviceRateLimitOptions setPerDevice(RateLimit perDevice) {
    this.perDevice = perDevice;
    return this;
  }

  public RateLimit getPerAddress() {
    return perAddress;
  }

  public DeviceRateLimitOptions setPerAddress(RateLimit perAddress) {
    this.perAddress = perAddress;
    return this;
  }

  public long getMaxKeys() {
    return maxKeys;
  }

  void validate() {
    perDevice.validate("devices.rateLimit.perDevice");
    perAddress.validate("devices.rateLimit.perAddress");
    Checks.positive("devices.rateLimit.maxKeys", maxKeys);
  }
}
