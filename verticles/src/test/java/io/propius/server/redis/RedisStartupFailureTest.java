package io.propius.server.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.testing.RedisProcess;
import io.propius.testing.ServerProcess;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The launcher refuses a Redis it cannot use with one line saying why, not a stack trace. */
class RedisStartupFailureTest {
  private static final String SECRET = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=";

  private static Map<String, String> env(String uri) {
    return Map.of("PROPIUS_STORE_TYPE", "redis", "PROPIUS_STORE_REDIS_URI", uri,
        "PROPIUS_SECURITY_TOKEN_SECRET", SECRET, "PROPIUS_JOBS_PORT", "0", "PROPIUS_DEVICES_PORT", "0",
        "PROPIUS_ADMIN_PORT", "0", "PROPIUS_JOBS_HOST", "127.0.0.1", "PROPIUS_DEVICES_HOST", "127.0.0.1",
        "PROPIUS_ADMIN_HOST", "127.0.0.1");
  }

  @Test
  void aWrongPasswordStopsTheStartWithOneLine() {
    try (RedisProcess redis = RedisProcess.withPassword("right-password");
         ServerProcess server = ServerProcess.start(env("redis://:wrong-password@127.0.0.1:" + redis.port))) {
      assertThat(server.awaitExit()).isEqualTo(1);
      assertThat(server.stderr).as("stderr").containsExactly("Propius failed to start: cannot use the Redis job store at "
          + "redis://:***@127.0.0.1:" + redis.port + ": WRONGPASS invalid username-password pair or user is disabled.");
      assertThat(server.stdout).noneMatch(l -> l.startsWith("Propius is up"));
    }
  }

  @Test
  void aMalformedUriStopsTheStartWithOneLine() {
    try (ServerProcess server = ServerProcess.start(env("redis://:pw@localhost:sixthousand"))) {
      assertThat(server.awaitExit()).isEqualTo(2);
      assertThat(server.stderr).containsExactly("configuration error: store.redisUri 'redis://:***@localhost:sixthousand'"
          + " names no host (expected redis://[[user]:password@]host[:port][/db])");
    }
  }
}
