package io.propius.server.testing;

import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.testing.FreePort;
import io.propius.testing.RedisProcess;
import io.propius.testing.ServerProcess;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Propius nodes in cluster mode, each a JVM of its own ({@link ServerProcess}) configured by
 * environment variables as an operator would, on one real Redis, every port a free one. The first
 * node started is the seed the others join; the data plane's URL points at the node with that role.
 */
public final class ClusterNodes implements AutoCloseable {
  /** One node: its roles, ports and process. */
  public record Node(String roles, int clusterPort, int jobsPort, int devicesPort, int adminPort, int dataPlanePort,
                     ServerProcess process) {
    public JobManagerGrpcClient jobs(GrpcClient grpc) {
      return JobManagerGrpcClient.create(grpc, SocketAddress.inetSocketAddress(jobsPort, "127.0.0.1"));
    }
  }

  public final RedisProcess redis = RedisProcess.ephemeral();
  public final String name = "test-" + UUID.randomUUID().toString().substring(0, 8);
  public final String secret;
  public final List<Node> nodes = new ArrayList<>();
  private final int seedPort = FreePort.find();
  private final int dataPlanePort = FreePort.find();

  public ClusterNodes() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    secret = Base64.getEncoder().encodeToString(bytes);
  }

  /** Starts a node with these roles and extra settings, without waiting for it (see {@link #awaitUp}). */
  public Node start(String roles, Map<String, String> extra) {
    int clusterPort = nodes.isEmpty() ? seedPort : FreePort.find();
    Node pending = new Node(roles, clusterPort, FreePort.find(), FreePort.find(), FreePort.find(),
        roles.contains("data-plane") ? dataPlanePort : FreePort.find(), null);
    Map<String, String> env = new HashMap<>(Map.ofEntries(
        Map.entry("PROPIUS_CLUSTER_ENABLED", "true"), Map.entry("PROPIUS_CLUSTER_HOST", "127.0.0.1"),
        Map.entry("PROPIUS_CLUSTER_PORT", Integer.toString(clusterPort)),
        Map.entry("PROPIUS_CLUSTER_MEMBERS", "127.0.0.1:" + seedPort), Map.entry("PROPIUS_CLUSTER_NAME", name),
        Map.entry("PROPIUS_NODE_ROLES", roles), Map.entry("PROPIUS_STORE_TYPE", "redis"),
        Map.entry("PROPIUS_STORE_REDIS_URI", redis.uri()), Map.entry("PROPIUS_SECURITY_TOKEN_SECRET", secret),
        Map.entry("PROPIUS_JOBS_HOST", "127.0.0.1"), Map.entry("PROPIUS_JOBS_PORT", Integer.toString(pending.jobsPort())),
        Map.entry("PROPIUS_DEVICES_HOST", "127.0.0.1"),
        Map.entry("PROPIUS_DEVICES_PORT", Integer.toString(pending.devicesPort())),
        Map.entry("PROPIUS_DEVICES_INSTANCES", "1"), Map.entry("PROPIUS_DEVICES_STATS_INTERVAL_MS", "200"),
        Map.entry("PROPIUS_DEVICES_DATA_PLANE_URL", "http://127.0.0.1:" + dataPlanePort),
        Map.entry("PROPIUS_ADMIN_HOST", "127.0.0.1"), Map.entry("PROPIUS_ADMIN_PORT", Integer.toString(pending.adminPort())),
        Map.entry("PROPIUS_DATA_PLANE_HOST", "127.0.0.1"),
        Map.entry("PROPIUS_DATA_PLANE_PORT", Integer.toString(pending.dataPlanePort())),
        Map.entry("PROPIUS_SCHEDULER_TICK_MS", "200")));
    env.putAll(extra);
    Node node = new Node(roles, clusterPort, pending.jobsPort(), pending.devicesPort(), pending.adminPort(),
        pending.dataPlanePort(), ServerProcess.start(env));
    nodes.add(node);
    return node;
  }

  public Node start(String roles) {
    return start(roles, Map.of());
  }

  /** Starts nodes one after another, each up before the next starts. */
  public List<Node> startAll(String... roles) {
    List<Node> started = new ArrayList<>();
    for (String r : roles) {
      Node node = start(r);
      node.process().awaitUp();
      started.add(node);
    }
    return started;
  }

  /** A gRPC client for the job API, on {@code vertx}. */
  public static GrpcClient grpc(Vertx vertx) {
    return GrpcClient.client(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
  }

  @Override
  public void close() {
    nodes.forEach(n -> n.process().kill());
    redis.close();
  }
}
