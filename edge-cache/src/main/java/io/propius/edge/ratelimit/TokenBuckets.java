package io.propius.edge.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * Token buckets by key (a device id, a client address, a tenant, a task token): a key may make
 * {@code burst} calls at once and {@code perSecond} on average. The buckets live in a bounded
 * Caffeine map: a bucket unused for as long as it takes to fill up again is dropped (it would be
 * full anyway), and beyond {@code maxKeys} the least recently used go first. Shared by the
 * control plane (check-ins, job calls) and the data plane (uploads).
 */
public final class TokenBuckets {
  private final double perNano;
  private final double burst;
  private final Cache<String, Bucket> buckets;

  /** A key's bucket; its own monitor guards it, held for a few arithmetic operations. */
  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  /**
   * @param perSecond average calls per second per key (> 0)
   * @param burst     calls a key may make at once (>= 1)
   * @param maxKeys   most keys tracked at once
   */
  public TokenBuckets(double perSecond, int burst, long maxKeys) {
    if (perSecond <= 0 || burst < 1 || maxKeys < 1) {
      throw new IllegalArgumentException("a token bucket needs a rate > 0, a burst >= 1 and room for >= 1 key");
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    long refillNanos = (long) Math.ceil(burst / perNano);
    this.buckets = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(Duration.ofNanos(refillNanos))
        .executor(Runnable::run).build();
  }

  /**
   * Takes one token from {@code key}'s bucket.
   *
   * @return 0 when the call may go ahead, else the milliseconds until the bucket has a token again
   */
  public long take(String key, long nowNanos) {
    Bucket b = buckets.get(key, k -> new Bucket(burst, nowNanos));
    synchronized (b) {
      b.tokens = Math.min(burst, b.tokens + (nowNanos - b.at) * perNano);
      b.at = nowNanos;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - b.tokens) / perNano / 1e6));
    }
  }
}
