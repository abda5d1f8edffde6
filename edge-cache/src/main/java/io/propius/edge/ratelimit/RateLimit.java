package io.propius.edge.ratelimit;

/**
 * One configured limit: {@code perSecond} calls on average and {@code burst} at once per key; a
 * rate of 0 turns it off. The JSON shape of every {@code *RateLimit} option.
 */
public final class RateLimit {
  private double perSecond;
  private int burst = 1;

  public RateLimit() {
  }

  public RateLimit(double perSecond, int burst) {
    this.perSecond = perSecond;
    this.burst = burst;
  }

  public double getPerSecond() {
    return perSecond;
  }

  public int getBurst() {
    return burst;
  }

  public boolean isOn() {
    return perSecond > 0;
  }

  /** @throws IllegalArgumentException naming the setting */
  public void validate(String name) {
    if (perSecond < 0 || Double.isNaN(perSecond) || burst < 1) {
      throw new IllegalArgumentException(name + " needs perSecond >= 0 (0: off) and burst >= 1, got " + perSecond
          + " and " + burst);
    }
  }

  /** Buckets for this limit, or null when it is off. */
  public TokenBuckets buckets(long maxKeys) {
    return isOn() ? new TokenBuckets(perSecond, burst, maxKeys) : null;
  }
}
