package io.propius.server.testing;

import io.propius.server.config.PropiusOptions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;

/**
 * Server instances that share only a real Redis (each its own Vert.x, event bus, scheduler and
 * client managers) and one token secret, so an offer made by one verifies on another.
 */
public final class RedisServers implements AutoCloseable {
  public final RedisProcess redis = RedisProcess.ephemeral();
  public final List<TestServer> servers = new ArrayList<>();

  /** Starts {@code n} servers on test options, the Redis store under {@code keyPrefix}, then {@code configure}. */
  public static RedisServers start(int n, String keyPrefix, Consumer<PropiusOptions> configure) {
    RedisServers all = new RedisServers();
    try {
      byte[] secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      for (int i = 0; i < n; i++) {
        PropiusOptions options = TestServer.testOptions();
        options.store().setType("redis").setRedisUri(all.redis.uri()).setKeyPrefix(keyPrefix);
        options.security().setTokenSecret(Base64.getEncoder().encodeToString(secret));
        configure.accept(options);
        all.servers.add(TestServer.start(options));
      }
      return all;
    } catch (RuntimeException e) {
      all.close();
      throw e;
    }
  }

  @Override
  public void close() {
    servers.forEach(TestServer::close);
    redis.close();
  }
}
