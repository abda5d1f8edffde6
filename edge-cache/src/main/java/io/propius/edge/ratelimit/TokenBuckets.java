package io.propius.edge.ratelimit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Token buckets by key (a device id, a client address, a tenant, a task token): a key may make
 * {@code burst} calls at once and {@code perSecond} on average. Shared by the control plane
 * (check-ins, job calls) and the data plane (uploads).
 *
 * <p>Why not a Caffeine cache, as every other cache here is: a check-in limited per device id
 * inserts a bucket for nearly every call (a fleet's devices check in rarely), and a bounded
 * Caffeine map pays for each insert with its eviction policy's upkeep. Profiled under {@code wrk}
 * with a new device id per check-in (docs/BENCHMARKS.md, issue 18), the limiter took 17 % of the
 * event loops' samples, mostly Caffeine's maintenance (eviction and expiry bookkeeping), against a
 * budget of 10 % of a check-in's CPU. A bucket needs no eviction policy: one unused for as long as
 * it takes to fill ({@code burst / perSecond}, the refill time) is full, so forgetting it changes
 * nothing. The buckets therefore live in two generations of plain concurrent maps: a key used in
 * the current generation is there; a key found only in the previous one is carried over; a new
 * generation starts once the current is a refill time old, dropping the previous generation, whose
 * keys have then been unused for at least a refill time. To bound memory, a new generation also
 * starts early when the current one holds half of {@code maxKeys}; the keys dropped early restart
 * with a full bucket, as the least recently used keys of a size-bounded cache would. (A key's first
 * call racing the start of a generation may also land in a bucket that is then dropped: one call
 * more, once.)
 */
public final class TokenBuckets {
  private final double perNano;
  private final double burst;
  private final long refillNanos;
  private final long maxKeysPerGeneration;
  private final AtomicReference<Generations> generations;

  /** A key's bucket; its own monitor guards it, held for a few arithmetic operations. */
  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  /** The current generation of buckets, the one before it, and when the current one started. */
  private record Generations(ConcurrentHashMap<String, Bucket> current, ConcurrentHashMap<String, Bucket> previous,
                             long startedAt) {
  }

  /**
   * @param perSecond average calls per second per key (> 0)
   * @param burst     calls a key may make at once (>= 1)
   * @param maxKeys   most keys tracked at once (>= 2)
   */
  public TokenBuckets(double perSecond, int burst, long maxKeys) {
    this(perSecond, burst, maxKeys, System.nanoTime());
  }

  /** As above, with the clock the first generation starts at (tests pass their own clock to {@link #take}). */
  TokenBuckets(double perSecond, int burst, long maxKeys, long startNanos) {
    if (perSecond <= 0 || burst < 1 || maxKeys < 2) {
      throw new IllegalArgumentException("a token bucket needs a rate > 0, a burst >= 1 and room for >= 2 keys");
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.refillNanos = (long) Math.min(Long.MAX_VALUE / 4, Math.ceil(burst / perNano));
    this.maxKeysPerGeneration = maxKeys / 2;
    this.generations = new AtomicReference<>(
        new Generations(new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), startNanos));
  }

  /**
   * Takes one token from {@code key}'s bucket.
   *
   * @param nowNanos the caller's {@link System#nanoTime()}
   * @return 0 when the call may go ahead, else the milliseconds until the bucket has a token again
   */
  public long take(String key, long nowNanos) {
    Bucket b = bucket(key, nowNanos);
    synchronized (b) {
      b.tokens = Math.min(burst, b.tokens + Math.max(0, nowNanos - b.at) * perNano);
      b.at = Math.max(b.at, nowNanos);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - b.tokens) / perNano / 1e6));
    }
  }

  /** Keys tracked now, in both generations (a key carried over counts twice until the next turn). */
  long size() {
    Generations g = generations.get();
    return g.current.mappingCount() + g.previous.mappingCount();
  }

  private Bucket bucket(String key, long nowNanos) {
    Generations g = generations.get();
    if (nowNanos - g.startedAt >= refillNanos || g.current.mappingCount() >= maxKeysPerGeneration) {
      g = turn(g, nowNanos);
    }
    // computeIfAbsent answers a key at the head of its bin without a lock, and a new key takes one lookup less
    // than a get first would.
    ConcurrentHashMap<String, Bucket> previous = g.previous;
    return g.current.computeIfAbsent(key, k -> {
      Bucket carried = previous.get(k);
      return carried != null ? carried : new Bucket(burst, nowNanos);
    });
  }

  /** Starts a new generation, unless another caller just did; returns the one to use. */
  private Generations turn(Generations seen, long nowNanos) {
    // Sized for as many keys as the last generation took, so that it does not grow by rehashing (a fifth of the
    // limiter's time when it did).
    int expected = (int) Math.min(seen.current.mappingCount(), maxKeysPerGeneration);
    Generations next = new Generations(new ConcurrentHashMap<>(expected), seen.current, nowNanos);
    return generations.compareAndSet(seen, next) ? next : generations.get();
  }
}
