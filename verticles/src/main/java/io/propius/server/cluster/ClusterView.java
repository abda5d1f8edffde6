package io.propius.server.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * What this node knows of the cluster: the live members with the roles and start time each
 * advertises ({@link ClusterNode}), and whether this node is still a member. Outside cluster mode
 * the process is a cluster of one.
 */
public final class ClusterView {
  private final ClusterManager manager;
  private final JsonObject self;

  private ClusterView(ClusterManager manager, JsonObject self) {
    this.manager = manager;
    this.self = self;
  }

  /** The view of {@code vertx}'s cluster; {@code self} describes this process when it is not clustered. */
  public static ClusterView of(Vertx vertx, JsonObject self) {
    return new ClusterView(vertx.isClustered() ? ((VertxInternal) vertx).clusterManager() : null, self);
  }

  public boolean clustered() {
    return manager != null;
  }

  /** This node's id in the cluster ("local" outside cluster mode). */
  public String nodeId() {
    return manager == null ? "local" : manager.getNodeId();
  }

  /** Whether this node is a member now (always outside cluster mode). */
  public boolean joined() {
    return manager == null || manager.isActive();
  }

  public int size() {
    return manager == null ? 1 : manager.isActive() ? manager.getNodes().size() : 0;
  }

  /** Every live member: {@code node_id}, {@code address}, {@code roles}, {@code up_since_ms}. */
  public Future<JsonArray> members() {
    if (manager == null) {
      return Future.succeededFuture(new JsonArray().add(self.copy().put("node_id", nodeId())));
    }
    List<Future<JsonObject>> rows = new ArrayList<>();
    for (String id : manager.getNodes()) {
      Promise<NodeInfo> info = Promise.promise();
      manager.getNodeInfo(id, info);
      // A member that is still joining has no node info yet: listed by its id alone.
      rows.add(info.future().map(n -> {
        JsonObject meta = n.metadata() == null ? new JsonObject() : n.metadata();
        return new JsonObject().put("node_id", id).put("address", meta.getString("member"))
            .put("event_bus", n.host() + ":" + n.port()).put("roles", meta.getJsonArray("roles", new JsonArray()))
            .put("up_since_ms", meta.getLong("up_since_ms"));
      }).otherwise(new JsonObject().put("node_id", id)));
    }
    return Future.join(rows).map(all -> {
      JsonArray array = new JsonArray();
      all.<JsonObject>list().forEach(array::add);
      return array;
    });
  }
}
