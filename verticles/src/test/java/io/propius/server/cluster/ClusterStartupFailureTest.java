package io.propius.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.testing.FreePort;
import io.propius.testing.RedisProcess;
import io.propius.testing.ServerProcess;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node that cannot be a full member stops its start with one line saying why, and never serves
 * half-joined: cluster mode without Redis or without a shared secret, a seed nobody answers, a Redis
 * nobody answers.
 */
class ClusterStartupFailureTest {
  private static final String SECRET = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=";

  private static Map<String, String> env(int clusterPort, String seeds, String redisUri) {
    Map<String, String> env = new HashMap<>(Map.of("PROPIUS_CLUSTER_ENABLED", "true",
        "PROPIUS_CLUSTER_HOST", "127.0.0.1", "PROPIUS_CLUSTER_PORT", Integer.toString(clusterPort),
        "PROPIUS_CLUSTER_MEMBERS", seeds, "PROPIUS_CLUSTER_NAME", "startup-failure-" + clusterPort,
        "PROPIUS_CLUSTER_JOIN_TIMEOUT_MS", "2000", "PROPIUS_STORE_TYPE", "redis",
        "PROPIUS_STORE_REDIS_URI", redisUri, "PROPIUS_SECURITY_TOKEN_SECRET", SECRET));
    env.putAll(Map.of("PROPIUS_JOBS_PORT", "0", "PROPIUS_DEVICES_PORT", "0", "PROPIUS_ADMIN_PORT", "0",
        "PROPIUS_DATA_PLANE_PORT", "0", "PROPIUS_JOBS_HOST", "127.0.0.1", "PROPIUS_DEVICES_HOST", "127.0.0.1",
        "PROPIUS_ADMIN_HOST", "127.0.0.1", "PROPIUS_DATA_PLANE_HOST", "127.0.0.1"));
    return env;
  }

  private static void assertFailsWith(Map<String, String> env, int exitCode, String line) {
    try (ServerProcess server = ServerProcess.start(env)) {
      assertThat(server.awaitExit()).isEqualTo(exitCode);
      assertThat(server.stderr).as("stderr").isNotEmpty();
      assertThat(server.stderr.get(server.stderr.size() - 1)).as("the last line of " + server.stderr).startsWith(line);
      assertThat(server.stdout).noneMatch(l -> l.startsWith("Propius is up"));
    }
  }

  @Test
  void clusterModeNeedsRedisAndASharedSecret() {
    int port = FreePort.find();
    Map<String, String> memory = env(port, "127.0.0.1:" + port, "redis://127.0.0.1:1");
    memory.put("PROPIUS_STORE_TYPE", "memory");
    assertFailsWith(memory, 2, "configuration error: cluster.enabled needs the Redis job store (store.type=redis)");
    Map<String, String> noSecret = env(port, "127.0.0.1:" + port, "redis://127.0.0.1:1");
    noSecret.remove("PROPIUS_SECURITY_TOKEN_SECRET");
    assertFailsWith(noSecret, 2, "configuration error: cluster.enabled needs security.tokenSecret");
  }

  @Test
  void aNodeThatReachesNoSeedDoesNotStartAClusterAlone() {
    int port = FreePort.find();
    int seed = FreePort.find();
    try (RedisProcess redis = RedisProcess.ephemeral()) {
      Map<String, String> env = env(port, "127.0.0.1:" + seed, redis.uri());
      env.put("PROPIUS_NODE_ROLES", "devices");
      assertFailsWith(env, 1, "Propius failed to start: cannot reach any seed member of cluster 'startup-failure-"
          + port + "' (cluster.members 127.0.0.1:" + seed + ") within 2000 ms");
    }
  }

  @Test
  void aNodeThatReachesNoRedisStopsBeforeJoining() {
    int port = FreePort.find();
    int redisPort = FreePort.find();
    try (ServerProcess server = ServerProcess.start(env(port, "127.0.0.1:" + port, "redis://127.0.0.1:" + redisPort))) {
      assertThat(server.awaitExit()).isEqualTo(1);
      assertThat(server.stderr).as("the only line: Hazelcast never started").containsExactly(
          "Propius failed to start: cannot use the Redis job store at redis://127.0.0.1:" + redisPort
          + ": Connection refused: /127.0.0.1:" + redisPort);
    }
  }
}
