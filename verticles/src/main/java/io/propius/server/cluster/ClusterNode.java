package io.propius.server.cluster;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.propius.api.tls.Tls;
import io.propius.api.tls.TlsOptions;
import io.propius.server.config.ClusterOptions;
import io.propius.server.config.PropiusOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.TimeUnit;

/**
 * Makes this node's Vert.x: a plain one, or in cluster mode one on a clustered event bus over
 * Hazelcast. A node joins fully or not at all: when it finds no seed member (and is not a seed
 * itself) within {@code cluster.joinTimeoutMs}, it leaves again and the start fails with one line.
 * Every member advertises its roles and start time in its node metadata, which {@link ClusterView}
 * reads back.
 */
public final class ClusterNode {
  /** Hazelcast's own start (partitions, services) on a loaded machine, on top of the join timeout. */
  private static final long STARTUP_GRACE_MS = 30_000;

  private ClusterNode() {
  }

  /**
   * A Vert.x instance whose own metrics (event bus, pools; HTTP server only with
   * admin.httpServerMetrics) go to {@code registry}.
   */
  public static Future<Vertx> vertx(PropiusOptions options, PrometheusMeterRegistry registry) {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true);
    if (!options.admin().isHttpServerMetrics()) {
      metrics.addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER);
    }
    VertxOptions vertxOptions = new VertxOptions().setMetricsOptions(metrics);
    ClusterOptions cluster = options.cluster();
    if (!cluster.isEnabled()) {
      return Future.succeededFuture(Vertx.builder().with(vertxOptions).withMetrics(new MicrometerMetricsFactory(registry))
          .build());
    }
    HazelcastClusterManager manager;
    try {
      manager = new HazelcastClusterManager(HazelcastConfigs.of(cluster));
    } catch (RuntimeException e) {
      return Future.failedFuture(new IllegalStateException("cannot read cluster.hazelcastConfig "
          + cluster.getHazelcastConfig() + ": " + e.getMessage()));
    }
    JsonArray roles = new JsonArray();
    options.node().roleSet().forEach(r -> roles.add(r.configName()));
    EventBusOptions bus = new EventBusOptions().setHost(cluster.getHost()).setPort(cluster.getEventBusPort())
        .setClusterNodeMetadata(new JsonObject().put("roles", roles).put("up_since_ms", System.currentTimeMillis())
            .put("member", cluster.getHost() + ":" + cluster.getPort()));
    // The bus follows cluster.tls, else the deployment's tls; the dev mode's self-signed certificate
    // stays off the bus, as each node's own would be trusted by no other node.
    TlsOptions busTls = cluster.getTls().isEnabled() || options.tls().isSelfSigned() ? cluster.getTls() : options.tls();
    try {
      vertxOptions.setEventBusOptions(Tls.eventBus(bus, busTls));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(new IllegalStateException(e.getMessage() + " (cluster.tls, else tls)"));
    }
    String seeds = String.join(",", cluster.memberList());
    return Vertx.builder().with(vertxOptions).withMetrics(new MicrometerMetricsFactory(registry))
        .withClusterManager(manager).buildClustered()
        .timeout(cluster.getJoinTimeoutMs() + STARTUP_GRACE_MS, TimeUnit.MILLISECONDS)
        .recover(err -> Future.failedFuture(new IllegalStateException("cannot join cluster '" + cluster.getName()
            + "' as " + cluster.getHost() + ":" + cluster.getPort() + " (seeds " + seeds + "): " + err.getMessage())))
        .compose(vertx -> {
          if (!cluster.isSeed() && manager.getNodes().size() < 2) {
            return vertx.close().transform(v -> Future.failedFuture(new IllegalStateException("cannot reach any seed "
                + "member of cluster '" + cluster.getName() + "' (cluster.members " + seeds + ") within "
                + cluster.getJoinTimeoutMs() + " ms; a node that is not itself a seed never starts a cluster alone")));
          }
          return Future.succeededFuture(vertx);
        });
  }
}
