package io.propius.server.cluster;

import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.server.PropiusServer;
import io.propius.server.config.PropiusOptions;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** A node's sockets go through Linux's epoll transport, which ships with the server, not Java NIO. */
class NativeTransportTest {
  @Test
  @EnabledOnOs(OS.LINUX)
  void aNodesVertxUsesEpollOnLinux() {
    Vertx vertx = await(ClusterNode.vertx(new PropiusOptions(), PropiusServer.newRegistry()));
    try {
      assertThat(vertx.isNativeTransportEnabled()).as("native transport (%s)", vertx.unavailableNativeTransportCause())
          .isTrue();
    } finally {
      await(vertx.close());
    }
  }
}
