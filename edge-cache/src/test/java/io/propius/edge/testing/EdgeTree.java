package io.propius.edge.testing;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.auth.TenantKeys;
import io.propius.api.tensor.DType;
import io.propius.api.tensor.Tensors;
import io.propius.api.token.NodeCredential;
import io.propius.api.token.TaskToken;
import io.propius.api.token.TokenSigner;
import io.propius.edge.EdgeNode;
import io.propius.edge.EdgeNodeVerticle;
import io.propius.edge.access.JobAccess;
import io.propius.edge.access.TenantJobAccess;
import io.propius.edge.auth.EdgeCredentials;
import io.propius.edge.auth.EdgeKeysFile;
import io.propius.edge.config.DataPlaneOptions;
import io.propius.testing.Futures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Real edge nodes in one Vert.x on free ports, each with its own meter registry, all of one
 * audience ({@link #AUDIENCE}) and each with a node credential from the control plane's signer;
 * plus task tokens as a client manager would sign them.
 */
public final class EdgeTree implements AutoCloseable {
  public final Vertx vertx = Vertx.vertx();
  /** The data-plane audience of every node of the tree. */
  public static final String AUDIENCE = "edge";
  /** The control plane's signer, whose master keys the nodes never see. */
  public final TokenSigner signer = TokenSigner.random();
  private final AtomicInteger nodes = new AtomicInteger();
  /** Replaced by {@link #restart}: a restarted node on the same port drops the old connections. */
  public Http http = new Http();
  /** AGGREGATE_READY notifications seen at any root: "job/round/contributors/reason". */
  public final List<String> ready = new CopyOnWriteArrayList<>();
  private final List<String> deployments = new ArrayList<>();
  /** Added to the wall clock of every node: tests jump over TTLs instead of sleeping. */
  public final AtomicLong clockOffset = new AtomicLong();

  /** A started node; tweak {@code options} before. */
  public Node start(DataPlaneOptions options, JobAccess jobAccess) {
    EdgeNode.AggregateListener listener = (key, n, w, reason) -> ready.add(key.job() + "/" + key.round() + "/" + n
        + "/" + reason);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    if (options.getNodeId().isEmpty()) {
      options.setNodeId("node-" + nodes.incrementAndGet());
    }
    EdgeNodeVerticle v = new EdgeNodeVerticle(options.setHost("127.0.0.1"), credentials(options.getNodeId()),
        jobAccess, registry, listener,
        () -> System.currentTimeMillis() + clockOffset.get());
    String id = Futures.await(vertx.deployVerticle(v));
    deployments.add(id);
    return new Node(id, v, options, registry);
  }

  public Node root() {
    return start(new DataPlaneOptions().setRole("root").setPort(0), JobAccess.open());
  }

  public Node child(String role, Node parent, DataPlaneOptions options) {
    return start(options.setRole(role).setPort(0).setParentUrl("http://127.0.0.1:" + parent.port()), JobAccess.open());
  }

  /** Stops the node and starts it again on the same port with the same options (and journal). */
  public Node restart(Node node, DataPlaneOptions changes) {
    int port = node.port();
    if (deployments.contains(node.deployment())) {
      stop(node);
    }
    http.close();
    http = new Http();
    return start(changes.setPort(port), JobAccess.open());
  }

  public void stop(Node node) {
    Futures.await(vertx.undeploy(node.deployment()));
    deployments.remove(node.deployment());
  }

  /**
   * Job calls with API keys ({@code keysByTenant}), job owners answered as the control plane's job
   * store would: from {@code ownerByJob}, NOT_FOUND for any other job.
   */
  public static JobAccess tenants(Map<String, String> keysByTenant, Map<Long, String> ownerByJob) {
    return new TenantJobAccess(new TenantKeys(keysByTenant), job -> ownerByJob.containsKey(job)
        ? Future.succeededFuture(ownerByJob.get(job))
        : Future.failedFuture(new PropiusException(ErrorCode.NOT_FOUND, "no job " + job)));
  }

  /** A float64 tensor body. */
  public static Buffer tensor(double... values) {
    return Buffer.buffer(Tensors.encode(values,
        DType.FLOAT64));
  }

  /** Polls every 20 ms until the condition holds; fails after 20 s. */
  /** What a node of the tree holds: the audience's verification keys only, and its own credential. */
  public EdgeCredentials credentials(String nodeId) {
    String credential = new NodeCredential(nodeId, AUDIENCE, System.currentTimeMillis() + 3_600_000).encode(signer);
    return new EdgeCredentials(signer.audienceKeys(AUDIENCE), () -> credential);
  }

  /** A keys file for a node of this tree in a process of its own, as the control plane writes it. */
  public Path keysFile(Path dir, String nodeId) {
    try {
      Files.createDirectories(dir);
      return Files.writeString(dir.resolve(nodeId + "-keys.json"), EdgeKeysFile
          .contents(signer, AUDIENCE, nodeId, AUDIENCE, System.currentTimeMillis() + 3_600_000).encode());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String token(long job, int round, String device) {
    return new TaskToken(job, round, device, AUDIENCE, System.currentTimeMillis() + 600_000).encode(signer);
  }

  @Override
  public void close() {
    http.close();
    Futures.await(vertx.close());
  }

  /** One running node. */
  public record Node(String deployment, EdgeNodeVerticle verticle, DataPlaneOptions options,
                     PrometheusMeterRegistry registry) {
    public int port() {
      return verticle.actualPort();
    }

    public EdgeNode node() {
      return verticle.node();
    }
  }
}
