package io.propius.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.TcpIpConfig;
import io.propius.server.config.ClusterOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Hazelcast configuration a node starts with: built from the keys, or the operator's file. */
class HazelcastConfigsTest {
  @TempDir
  Path dir;

  @Test
  void builtFromTheClusterKeys() {
    Config config = HazelcastConfigs.of(new ClusterOptions().setEnabled(true).setHost("10.1.2.3").setPort(5801)
        .setMembers("10.1.2.3:5801,10.1.2.4:5801").setName("blue"));
    assertThat(config.getClusterName()).isEqualTo("blue");
    assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    assertThat(config.getMetricsConfig().isEnabled()).isFalse();
    assertThat(config.getProperty("hazelcast.health.monitoring.level")).isEqualTo("OFF");
    assertThat(config.getProperty("hazelcast.partition.count")).isEqualTo("23");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5801);
    assertThat(config.getNetworkConfig().isPortAutoIncrement()).isFalse();
    assertThat(config.getNetworkConfig().getInterfaces().getInterfaces()).containsExactly("10.1.2.3");
    assertThat(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
    TcpIpConfig tcp = config.getNetworkConfig().getJoin().getTcpIpConfig();
    assertThat(tcp.isEnabled()).isTrue();
    assertThat(tcp.getMembers()).isEqualTo(List.of("10.1.2.3:5801", "10.1.2.4:5801"));
  }

  @Test
  void anOperatorsFileReplacesIt() throws Exception {
    Path file = dir.resolve("hazelcast.yaml");
    Files.writeString(file, """
        hazelcast:
          cluster-name: from-the-file
          network:
            port:
              port: 5999
            join:
              multicast:
                enabled: false
        """);
    Config config = HazelcastConfigs.of(new ClusterOptions().setEnabled(true).setName("ignored")
        .setHazelcastConfig(file.toString()));
    assertThat(config.getClusterName()).isEqualTo("from-the-file");
    assertThat(config.getNetworkConfig().getPort()).isEqualTo(5999);
  }
}
