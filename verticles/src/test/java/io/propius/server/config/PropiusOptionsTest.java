package io.propius.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PropiusOptionsTest {
  @TempDir
  Path dir;

  @Test
  void defaultsThenFileThenEnvironment() throws Exception {
    Path file = dir.resolve("propius.json");
    Files.writeString(file, "{\"devices\": {\"maxOffers\": 5, \"port\": 9999}, \"scheduler\": {\"policy\": \"las\"}}");
    PropiusOptions o = PropiusOptions.load(file, Map.of("PROPIUS_DEVICES_PORT", "8181",
        "PROPIUS_SCHEDULER_POLICY_OPTIONS", "{\"alpha\": \"0.5\"}"));
    assertThat(o.devices().getMaxOffers()).isEqualTo(5);
    assertThat(o.devices().getPort()).isEqualTo(8181);
    assertThat(o.scheduler().getPolicy()).isEqualTo("las");
    assertThat(o.scheduler().getPolicyOptions()).containsEntry("alpha", "0.5");
    assertThat(o.jobs().getPort()).isEqualTo(7070);
  }

  @Test
  void mistakesAreNamed() throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"devices\": {\"prot\": 1}}");
    assertThatThrownBy(() -> PropiusOptions.load(file, Map.of())).hasMessage("unknown configuration key 'devices.prot'");
    Files.writeString(file, "{\"devices\": ");
    assertThatThrownBy(() -> PropiusOptions.load(file, Map.of())).hasMessageContaining("is not valid JSON");
    assertThatThrownBy(() -> PropiusOptions.load(null, Map.of("PROPIUS_JOBS_PORT", "seventy")))
        .hasMessageContaining("environment variable PROPIUS_JOBS_PORT is not valid");
    assertThatThrownBy(() -> PropiusOptions.load(null, Map.of("PROPIUS_DEVICES_MAX_OFFERS", "0")))
        .hasMessage("devices.maxOffers must be > 0, got 0");
    assertThatThrownBy(() -> PropiusOptions.load(null, Map.of("PROPIUS_SECURITY_TOKEN_SECRET", "c2hvcnQ=")))
        .hasMessageContaining("at least 32 bytes");
    assertThatThrownBy(() -> PropiusOptions.load(dir.resolve("missing.json"), Map.of()))
        .hasMessageContaining("cannot read configuration file");
    assertThatThrownBy(() -> PropiusOptions.load(null, Map.of("PROPIUS_SCHEDULER_MODE", "batch")))
        .hasMessage("scheduler.mode must be 'online' or 'small-batch', got 'batch'");
    assertThatThrownBy(() -> PropiusOptions.load(null, Map.of("PROPIUS_DEVICES_HOLD_MS", "0")))
        .hasMessage("devices.holdMs must be > 0, got 0");
  }

  @Test
  void jobAudiencesLoadFromTheEnvironmentAndAreChecked() {
    SecurityOptions security = PropiusOptions.load(null, Map.of("PROPIUS_SECURITY_AUDIENCES", "leaf-eu, leaf-us"))
        .security();
    assertThat(security.audienceList()).containsExactly("leaf-eu", "leaf-us");
    assertThat(security.allowsAudience("leaf-us")).isTrue();
    assertThat(security.allowsAudience("root")).isTrue(); // security.taskAudience
    assertThat(security.allowsAudience("leaf-xx")).isFalse();
    assertThat(new SecurityOptions().allowsAudience("leaf-xx")).isTrue();
    assertThatThrownBy(() -> PropiusOptions.load(null, Map.of("PROPIUS_SECURITY_AUDIENCES", "leaf-eu,Leaf US")))
        .hasMessage("security.audiences: 'Leaf US' must be lower-case letters, digits, '_' or '-'");
  }

  @Test
  void smallBatchSettingsLoad() {
    PropiusOptions o = PropiusOptions.load(null, Map.of("PROPIUS_SCHEDULER_MODE", "small-batch",
        "PROPIUS_DEVICES_HOLD_MS", "5000", "PROPIUS_DEVICES_HOLD_CAPACITY", "100"));
    assertThat(o.scheduler().isSmallBatch()).isTrue();
    assertThat(o.devices().getHoldMs()).isEqualTo(5000);
    assertThat(o.devices().getHoldCapacity()).isEqualTo(100);
    assertThat(new PropiusOptions().scheduler().isSmallBatch()).isFalse();
  }

  @Test
  void overOfferDefaultsToOneLoadsFromTheEnvironmentAndIsBounded() {
    assertThat(PropiusOptions.load(null, Map.of()).devices().getOverOffer()).isEqualTo(1.0);
    assertThat(PropiusOptions.load(null, Map.of("PROPIUS_DEVICES_OVER_OFFER", "1.3")).devices().getOverOffer())
        .isEqualTo(1.3);
    assertThatThrownBy(() -> PropiusOptions.load(null, Map.of("PROPIUS_DEVICES_OVER_OFFER", "0.8")))
        .hasMessage("devices.overOffer must be between 1.0 (each open slot offered once) and 10.0, got 0.8");
    assertThatThrownBy(() -> PropiusOptions.load(null, Map.of("PROPIUS_DEVICES_OVER_OFFER", "NaN")))
        .hasMessageContaining("devices.overOffer must be between");
    assertThatThrownBy(() -> PropiusOptions.load(null, Map.of("PROPIUS_DEVICES_OVER_OFFER", "lots")))
        .hasMessageContaining("environment variable PROPIUS_DEVICES_OVER_OFFER is not valid");
  }

  @Test
  void envNamesAreUpperSnakeCase() {
    assertThat(PropiusOptions.upperSnake("heartbeatTimeoutMs")).isEqualTo("HEARTBEAT_TIMEOUT_MS");
  }

  @Test
  void theRedisStoreIsChosenAndCheckedByConfiguration() {
    PropiusOptions o = PropiusOptions.load(null, Map.of("PROPIUS_STORE_TYPE", "redis",
        "PROPIUS_STORE_REDIS_URI", "redis://:s3cret@cache.internal:6380/2", "PROPIUS_STORE_KEY_PREFIX", "blue:",
        "PROPIUS_STORE_POOL_SIZE", "8"));
    assertThat(o.store().isRedis()).isTrue();
    assertThat(o.store().getRedisUri()).isEqualTo("redis://:s3cret@cache.internal:6380/2");
    assertThat(o.store().redisUriForDisplay()).isEqualTo("redis://:***@cache.internal:6380/2");
    assertThat(o.store().getKeyPrefix()).isEqualTo("blue:");
    assertThat(o.store().getPoolSize()).isEqualTo(8);
    assertThat(PropiusOptions.load(null, Map.of()).store().isRedis()).as("memory by default").isFalse();

    assertThatThrownBy(() -> PropiusOptions.load(null, Map.of("PROPIUS_STORE_TYPE", "mongo")))
        .hasMessage("store.type must be 'memory' or 'redis', got 'mongo'");
    for (String bad : new String[] {"localhost:6379", "http://localhost:6379", "redis://", "redis://host:port",
        "redis://host:6379/zero", "redis://:pw@ho st:1"}) {
      assertThatThrownBy(() -> PropiusOptions.load(null, Map.of("PROPIUS_STORE_TYPE", "redis",
          "PROPIUS_STORE_REDIS_URI", bad))).as(bad).hasMessageStartingWith("store.redisUri '")
          .hasMessageContaining("expected redis://").hasMessageNotContaining("\n");
    }
    assertThatThrownBy(() -> PropiusOptions.load(null, Map.of("PROPIUS_STORE_TYPE", "redis",
        "PROPIUS_STORE_REDIS_URI", "redis://:pw@host:1/x"))).as("the password is never shown")
        .hasMessageNotContaining("pw@");
    assertThatThrownBy(() -> PropiusOptions.load(null, Map.of("PROPIUS_STORE_TYPE", "redis",
        "PROPIUS_STORE_KEY_PREFIX", "a b"))).hasMessageStartingWith("store.keyPrefix must be");
    assertThat(PropiusOptions.load(null, Map.of("PROPIUS_STORE_TYPE", "redis", "PROPIUS_STORE_MAX_BATCH", "1"))
        .store().getMaxBatch()).as("batching off").isEqualTo(1);
    assertThatThrownBy(() -> PropiusOptions.load(null, Map.of("PROPIUS_STORE_TYPE", "redis",
        "PROPIUS_STORE_MAX_BATCH", "0"))).hasMessage("store.maxBatch must be > 0, got 0");
  }

  private static final String SECRET = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=";

  @Test
  void clusterKeysLoadFromTheEnvironment() {
    PropiusOptions o = PropiusOptions.load(null, Map.of("PROPIUS_CLUSTER_ENABLED", "true",
        "PROPIUS_CLUSTER_HOST", "10.0.0.5", "PROPIUS_CLUSTER_PORT", "5801",
        "PROPIUS_CLUSTER_MEMBERS", "10.0.0.5:5801, 10.0.0.6:5801", "PROPIUS_CLUSTER_NAME", "blue",
        "PROPIUS_CLUSTER_EVENT_BUS_PORT", "6000", "PROPIUS_CLUSTER_JOIN_TIMEOUT_MS", "3000",
        "PROPIUS_NODE_ROLES", "jobs,devices", "PROPIUS_STORE_TYPE", "redis", "PROPIUS_SECURITY_TOKEN_SECRET", SECRET));
    assertThat(o.cluster().isEnabled()).isTrue();
    assertThat(o.cluster().getHost()).isEqualTo("10.0.0.5");
    assertThat(o.cluster().getPort()).isEqualTo(5801);
    assertThat(o.cluster().memberList()).containsExactly("10.0.0.5:5801", "10.0.0.6:5801");
    assertThat(o.cluster().isSeed()).isTrue();
    assertThat(o.cluster().getName()).isEqualTo("blue");
    assertThat(o.cluster().getEventBusPort()).isEqualTo(6000);
    assertThat(o.cluster().getJoinTimeoutMs()).isEqualTo(3000);
    assertThat(o.node().roleSet()).containsExactly(NodeRole.JOBS, NodeRole.DEVICES);
    assertThat(o.scheduler().getFailoverMs()).isEqualTo(5000);
    PropiusOptions single = PropiusOptions.load(null, Map.of());
    assertThat(single.cluster().isEnabled()).isFalse();
    assertThat(single.node().roleSet()).containsExactlyInAnyOrder(NodeRole.values());
  }

  @Test
  void clusterMistakesAreOneLine() {
    Map<String, String> cluster = Map.of("PROPIUS_CLUSTER_ENABLED", "true", "PROPIUS_STORE_TYPE", "redis",
        "PROPIUS_SECURITY_TOKEN_SECRET", SECRET);
    assertThatThrownBy(() -> PropiusOptions.load(null, Map.of("PROPIUS_CLUSTER_ENABLED", "true",
        "PROPIUS_SECURITY_TOKEN_SECRET", SECRET))).hasMessageStartingWith("cluster.enabled needs the Redis job store");
    assertThatThrownBy(() -> PropiusOptions.load(null, Map.of("PROPIUS_CLUSTER_ENABLED", "true",
        "PROPIUS_STORE_TYPE", "redis"))).hasMessageStartingWith("cluster.enabled needs security.tokenSecret");
    assertThatThrownBy(() -> PropiusOptions.load(null, with(cluster, "PROPIUS_NODE_ROLES", "jobs,cooking")))
        .hasMessageStartingWith("node.roles: unknown role 'cooking'");
    assertThatThrownBy(() -> PropiusOptions.load(null, with(cluster, "PROPIUS_NODE_ROLES", " , ")))
        .hasMessageStartingWith("node.roles must name at least one role");
    assertThatThrownBy(() -> PropiusOptions.load(null, Map.of("PROPIUS_NODE_ROLES", "devices")))
        .hasMessageStartingWith("node.roles 'devices' needs cluster.enabled");
    assertThatThrownBy(() -> PropiusOptions.load(null, with(cluster, "PROPIUS_CLUSTER_MEMBERS", "10.0.0.5")))
        .hasMessage("cluster.members: '10.0.0.5' is not host:port");
    assertThatThrownBy(() -> PropiusOptions.load(null, with(cluster, "PROPIUS_CLUSTER_MEMBERS", "")))
        .hasMessageStartingWith("cluster.members must list at least one");
    assertThatThrownBy(() -> PropiusOptions.load(null, with(cluster, "PROPIUS_CLUSTER_NAME", "a b")))
        .hasMessageStartingWith("cluster.name must be");
    assertThatThrownBy(() -> PropiusOptions.load(null, with(cluster, "PROPIUS_CLUSTER_HAZELCAST_CONFIG", "/nope.xml")))
        .hasMessage("cluster.hazelcastConfig: cannot read /nope.xml");
    assertThatThrownBy(() -> PropiusOptions.load(null, with(cluster, "PROPIUS_SCHEDULER_FAILOVER_MS", "10")))
        .hasMessage("scheduler.failoverMs must be >= 500, got 10");
  }

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> map = new HashMap<>(base);
    map.put(key, value);
    return map;
  }
}
