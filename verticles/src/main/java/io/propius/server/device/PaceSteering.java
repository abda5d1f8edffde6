package io.propius.server.device;

import io.propius.server.config.DevicesOptions;

/**
 * When a device should check in again (paper: Propius steers the pace of check-ins). If every
 * device in the windows came back within T, about {@code devices / T} would arrive per ms; to
 * bring the open demand D within the horizon H we want {@code devices / T = D / H}, so
 * {@code T = H * devices / D}, clamped to the configured bounds. No open demand: the longest wait.
 */
final class PaceSteering {
  private PaceSteering() {
  }

  static long retryAfterMs(long windowDevices, long outstandingDemand, DevicesOptions options) {
    if (outstandingDemand <= 0) {
      return options.getRetryMaxMs();
    }
    double t = (double) options.getRetryHorizonMs() * Math.max(1, windowDevices) / outstandingDemand;
    return Math.max(options.getRetryMinMs(), Math.min(options.getRetryMaxMs(), Math.round(t)));
  }
}
