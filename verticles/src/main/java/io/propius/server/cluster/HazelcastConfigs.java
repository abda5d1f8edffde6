package io.propius.server.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.propius.server.config.ClusterOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.FileNotFoundException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The Hazelcast member configuration of a node: Vert.x's own defaults (its maps and multimaps),
 * then the network from {@link ClusterOptions}, or the operator's file instead when one is given.
 */
final class HazelcastConfigs {
  /**
   * Hazelcast's partitions (default 271). Vert.x keeps only its subscriptions and node records in
   * them, a few entries per node; every partition costs periodic replica checks and migrations when
   * a member joins or leaves. Every member of a cluster must use the same count.
   */
  static final int PARTITIONS = 23;

  private HazelcastConfigs() {
  }

  static Config of(ClusterOptions options) {
    String file = options.getHazelcastConfig();
    if (file != null && !file.isEmpty()) {
      try {
        return Config.loadFromFile(Path.of(file).toFile());
      } catch (FileNotFoundException e) {
        throw new UncheckedIOException(e);
      }
    }
    Config config = new HazelcastClusterManager().loadConfig();
    config.setClusterName(options.getName());
    // Nothing leaves the deployment: no phone-home, and Hazelcast's own shutdown hook stays out of
    // the way of the server's, which leaves the cluster after undeploying.
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // A node that dies (kill -9) is dropped within seconds, not the default minute, so its event-bus
    // subscriptions and its row in the admin view go with it.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    // How long to look for a seed before a node concludes it is alone.
    config.setProperty("hazelcast.max.join.seconds", Long.toString(Math.max(1, options.getJoinTimeoutMs() / 1000)));
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.logging.type", "jdk");
    // Nothing reads Hazelcast's own metrics (no Management Center, no JMX; Propius exports its own)
    // nor its health log. Their timers, and the JIT compiling the probes they walk every few seconds,
    // were a third of a settled idle node's CPU.
    config.getMetricsConfig().setEnabled(false);
    config.setProperty("hazelcast.health.monitoring.level", "OFF");
    config.setProperty("hazelcast.partition.count", Integer.toString(PARTITIONS));
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(options.getPort()).setPortAutoIncrement(false).setPublicAddress(options.getHost());
    if (options.getHost().matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      // Bind only where this node advertises itself (Hazelcast takes interfaces as IP addresses).
      config.setProperty("hazelcast.socket.bind.any", "false");
      network.getInterfaces().setEnabled(true).clear().addInterface(options.getHost());
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(options.memberList())
        .setConnectionTimeoutSeconds((int) Math.max(1, Math.min(5, options.getJoinTimeoutMs() / 1000)));
    return config;
  }
}
