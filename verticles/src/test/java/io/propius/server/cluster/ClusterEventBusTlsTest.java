package io.propius.server.cluster;

import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.api.tls.TlsOptions;
import io.propius.server.testing.ClusterNodes;
import io.propius.server.testing.Devices;
import io.propius.server.testing.TestCa;
import io.propius.testing.FreePort;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes whose event bus runs over mutual TLS (certificates from one CA, set only by
 * {@code PROPIUS_CLUSTER_TLS_*}): a job registered on node A gets a device that checks in on
 * node B, which needs the scheduler's plan to cross the bus, and node B's event-bus port answers
 * a TLS handshake with its certificate. Hazelcast's own membership traffic is not encrypted (see
 * docs/TLS.md).
 */
class ClusterEventBusTlsTest {
  @TempDir
  Path dir;

  @Test
  void schedulingCrossesNodesOverTheTlsEventBus() throws Exception {
    TestCa ca = TestCa.create(dir, "cluster");
    Vertx vertx = Vertx.vertx();
    try (ClusterNodes cluster = new ClusterNodes()) {
      ClusterNodes.Node a = cluster.start("jobs,scheduler,data-plane,admin", busTls(ca.issue("node-a"), ca));
      a.process().awaitUp();
      int busPort = FreePort.find();
      Map<String, String> bEnv = new HashMap<>(busTls(ca.issue("node-b"), ca));
      bEnv.put("PROPIUS_CLUSTER_EVENT_BUS_PORT", Integer.toString(busPort));
      ClusterNodes.Node b = cluster.start("devices", bEnv);
      b.process().awaitUp();

      JobManagerGrpcClient jobs = a.jobs(ClusterNodes.grpc(vertx));
      long jobId = await(jobs.registerJob(RegisterJobRequest.newBuilder().setTotalRounds(1).setEstDemand(1).build()))
          .getJobId();
      await(jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(jobId).setDemand(1).build()));
      Devices devices = Devices.at(WebClient.create(vertx), b.devicesPort());
      JsonObject offer = devices.awaitOffer("tls-dev", new JsonObject().put("cpu_cores", 4), jobId);
      assertThat(await(devices.accept("tls-dev", offer.getString("offer"))).statusCode()).isEqualTo(200);
      assertThat(ca.servedCertificate(busPort).getSubjectX500Principal().getName()).isEqualTo("CN=node-b");
    } finally {
      await(vertx.close(), Duration.ofSeconds(30));
    }
  }

  private static Map<String, String> busTls(TlsOptions node, TestCa ca) {
    return Map.of("PROPIUS_CLUSTER_TLS_CERT_PATH", node.getCertPath(), "PROPIUS_CLUSTER_TLS_KEY_PATH", node.getKeyPath(),
        "PROPIUS_CLUSTER_TLS_CLIENT_CA_PATH", ca.caFile().toString());
  }
}
