package io.propius.server.config;

import java.net.URI;
import java.net.URISyntaxException;

/** Where hard job state lives: this process's memory, or a Redis shared by every server process. */
public final class StoreOptions {
  /** {@code memory}: in this process only (the embedded default); {@code redis}: the Redis at {@link #redisUri}. */
  private String type = "memory";
  /** {@code redis://[[user]:password@]host[:port][/db]} (or {@code rediss://} for TLS). */
  private String redisUri = "redis://127.0.0.1:6379";
  /** Put in front of every key, so that several deployments can share one Redis. */
  private String keyPrefix = "propius:";
  /** Connections to Redis per server process; each pipelines many commands at once. */
  private int poolSize = 4;
  /** Commands in flight per connection before new ones fail fast (UNAVAILABLE). */
  private int maxPipelined = 4_096;
  /**
   * Most reservations (or confirmations) sent to Redis in one script call; 1 sends each alone. Calls
   * are batched only while earlier batches are on their way, so batching adds no wait of its own.
   */
  private int maxBatch = 64;
  /** A Redis command not answered within this time fails as UNAVAILABLE. */
  private long timeoutMs = 5_000;
  /** Finished and expired jobs stay readable this long. */
  private long retainFinishedMs = 3_600_000;

  public String getType() {
    return type;
  }

  public StoreOptions setType(String type) {
    this.type = type;
    return this;
  }

  public boolean isRedis() {
    return "redis".equals(type);
  }

  public String getRedisUri() {
    return redisUri;
  }

  public StoreOptions setRedisUri(String redisUri) {
    this.redisUri = redisUri;
    return this;
  }

  public String getKeyPrefix() {
    return keyPrefix;
  }

  public StoreOptions setKeyPrefix(String keyPrefix) {
    this.keyPrefix = keyPrefix;
    return this;
  }

  public int getPoolSize() {
    return poolSize;
  }

  public StoreOptions setPoolSize(int poolSize) {
    this.poolSize = poolSize;
    return this;
  }

  public int getMaxPipelined() {
    return maxPipelined;
  }

  public StoreOptions setMaxPipelined(int maxPipelined) {
    this.maxPipelined = maxPipelined;
    return this;
  }

  public int getMaxBatch() {
    return maxBatch;
  }

  public StoreOptions setMaxBatch(int maxBatch) {
    this.maxBatch = maxBatch;
    return this;
  }

  public long getTimeoutMs() {
    return timeoutMs;
  }

  public StoreOptions setTimeoutMs(long timeoutMs) {
    this.timeoutMs = timeoutMs;
    return this;
  }

  public long getRetainFinishedMs() {
    return retainFinishedMs;
  }

  public StoreOptions setRetainFinishedMs(long retainFinishedMs) {
    this.retainFinishedMs = retainFinishedMs;
    return this;
  }

  /** The Redis URI with its password masked, for messages and logs. */
  public String redisUriForDisplay() {
    return redisUri == null ? "null" : redisUri.replaceFirst("^([a-z]+://[^:@/]*:)[^@/]*@", "$1***@");
  }

  void validate() {
    if (!"memory".equals(type) && !"redis".equals(type)) {
      throw new IllegalArgumentException("store.type must be 'memory' or 'redis', got '" + type + "'");
    }
    Checks.positive("store.retainFinishedMs", retainFinishedMs);
    if (isRedis()) {
      checkRedisUri();
      if (keyPrefix == null || keyPrefix.isEmpty() || keyPrefix.length() > 64 || keyPrefix.chars().anyMatch(c -> c <= ' ')) {
        throw new IllegalArgumentException("store.keyPrefix must be 1..64 characters without spaces, got '"
            + keyPrefix + "'");
      }
      Checks.positive("store.poolSize", poolSize);
      Checks.positive("store.maxPipelined", maxPipelined);
      Checks.positive("store.maxBatch", maxBatch);
      Checks.positive("store.timeoutMs", timeoutMs);
    }
  }

  private void checkRedisUri() {
    String expected = " (expected redis://[[user]:password@]host[:port][/db])";
    URI uri;
    try {
      uri = new URI(redisUri == null ? "" : redisUri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("store.redisUri '" + redisUriForDisplay() + "' is not a valid URI" + expected);
    }
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
      throw new IllegalArgumentException("store.redisUri '" + redisUriForDisplay()
          + "' must start with redis:// or rediss://" + expected);
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("store.redisUri '" + redisUriForDisplay() + "' names no host" + expected);
    }
    if (uri.getPort() > 65535) {
      throw new IllegalArgumentException("store.redisUri '" + redisUriForDisplay() + "' has a bad port" + expected);
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    if (!path.isEmpty() && !path.equals("/") && !path.matches("/\\d{1,2}")) {
      throw new IllegalArgumentException("store.redisUri '" + redisUriForDisplay()
          + "' has a bad database number '" + path.substring(1) + "'" + expected);
    }
  }
}
