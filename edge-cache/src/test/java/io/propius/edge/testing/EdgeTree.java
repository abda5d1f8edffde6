package io.propius.edge.testing;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.propius.api.token.TaskToken;
import io.propius.api.token.TokenSigner;
import io.propius.edge.EdgeNode;
import io.propius.edge.EdgeNodeVerticle;
import io.propius.edge.config.EdgeOptions;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Real edge nodes in one Vert.x on free ports, sharing a token secret, each with its own meter
 * registry; plus task tokens as a client manager would sign them.
 */
public final class EdgeTree implements AutoCloseable {
  public final Vertx vertx = Vertx.vertx();
  public final TokenSigner signer = TokenSigner.random();
  /** Replaced by {@link #restart}: a restarted node on the same port drops the old connections. */
  public Http http = new Http();
  /** AGGREGATE_READY notifications seen at any root: "job/round/contributors/reason". */
  public final List<String> ready = new CopyOnWriteArrayList<>();
  private final List<String> deployments = new ArrayList<>();
  /** Added to the wall clock of every node: tests jump over TTLs instead of sleeping. */
  public final java.util.concurrent.atomic.AtomicLong clockOffset = new java.util.concurrent.atomic.AtomicLong();

  /** A started node; tweak {@code options} before. */
  public Node start(EdgeOptions options, Collection<String> jobKeys) {
    EdgeNode.AggregateListener listener = (key, n, w, reason) -> ready.add(key.job() + "/" + key.round() + "/" + n
        + "/" + reason);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    EdgeNodeVerticle v = new EdgeNodeVerticle(options.setHost("127.0.0.1"), signer, jobKeys, registry, listener,
        () -> System.currentTimeMillis() + clockOffset.get());
    String id = Http.await(vertx.deployVerticle(v));
    deployments.add(id);
    return new Node(id, v, options, registry);
  }

  public Node root() {
    return start(new EdgeOptions().setRole("root").setPort(0), List.of());
  }

  public Node child(String role, Node parent, EdgeOptions options) {
    return start(options.setRole(role).setPort(0).setParentUrl("http://127.0.0.1:" + parent.port()), List.of());
  }

  /** Stops the node and starts it again on the same port with the same options (and journal). */
  public Node restart(Node node, EdgeOptions changes) {
    int port = node.port();
    if (deployments.contains(node.deployment())) {
      stop(node);
    }
    http.close();
    http = new Http();
    return start(changes.setPort(port), List.of());
  }

  public void stop(Node node) {
    Http.await(vertx.undeploy(node.deployment()));
    deployments.remove(node.deployment());
  }

  public String token(long job, int round, String device) {
    return new TaskToken(job, round, device, System.currentTimeMillis() + 600_000).encode(signer);
  }

  @Override
  public void close() {
    http.close();
    Http.await(vertx.close());
  }

  /** One running node. */
  public record Node(String deployment, EdgeNodeVerticle verticle, EdgeOptions options,
                     PrometheusMeterRegistry registry) {
    public int port() {
      return verticle.actualPort();
    }

    public EdgeNode node() {
      return verticle.node();
    }
  }
}
