package io.propius.server.admin;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.tls.Tls;
import io.propius.edge.auth.EdgeKeysFile;
import io.propius.policy.Policies;
import io.propius.server.bus.Addresses;
import io.propius.server.bus.ScheduleSnapshot;
import io.propius.server.cluster.ClusterView;
import io.propius.server.config.AdminOptions;
import io.propius.server.job.JobEvents;
import io.propius.server.metrics.PropiusMetrics;
import io.propius.server.scheduler.SchedulerLease;
import io.propius.server.security.ServerKeys;
import io.propius.server.store.Job;
import io.propius.server.store.JobStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Comparator;

/**
 * The operators' port: {@code /metrics} for Prometheus and health probes on every node, and on a
 * node with the admin role the admin API over jobs, the current schedule, the devices
 * matching a query ({@code GET /v1/admin/devices?query=...}: the clients portal's
 * {@code subsetSize}) and the cluster ({@code GET /v1/admin/cluster}: members and the active
 * scheduler's node). {@code /readyz} is 503 while the store is unreachable or the node is not a
 * cluster member. Its write calls cancel a job ({@link JobCancelHandler}) and switch the scheduling
 * policy ({@link PolicyHandler}); it also serves token keys (ids, reload, an edge node's keys file).
 * Everything is behind {@link OperatorAuth}; metrics and probes too unless configured open.
 */
public final class AdminVerticle extends VerticleBase {
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
      .alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

  private final JobStore store;
  private final AdminOptions options;
  private final PropiusMetrics metrics;
  private final String policy;
  private final OperatorAuth auth;
  private final ServerKeys keys;
  private final boolean adminApi;
  private final ClusterView cluster;
  private final SchedulerLease lease;
  private final JobEvents events;
  private HttpServer server;

  /**
   * @param adminApi serve {@code /v1/admin/*} (the node has the admin role)
   * @param lease the cluster's scheduler lease, or null outside cluster mode
   * @param events where an operator's cancel of a job is announced
   */
  public AdminVerticle(JobStore store, AdminOptions options, PropiusMetrics metrics, String policy, boolean adminApi,
                       ClusterView cluster, SchedulerLease lease, JobEvents events, OperatorAuth auth, ServerKeys keys) {
    this.store = store;
    this.options = options;
    this.metrics = metrics;
    this.policy = policy;
    this.auth = auth;
    this.keys = keys;
    this.adminApi = adminApi;
    this.cluster = cluster;
    this.lease = lease;
    this.events = events;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route("/v1/admin/*").handler(auth);
    if (!options.isMetricsOpen()) {
      router.route("/metrics").handler(auth);
    }
    if (!options.isProbesOpen()) {
      router.route("/healthz").handler(auth);
      router.route("/readyz").handler(auth);
    }
    router.get("/metrics").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape()));
    router.get("/healthz").handler(ctx -> ctx.json(new JsonObject().put("status", "ok")));
    router.get("/readyz").handler(this::ready);
    if (adminApi) {
      adminApi(router);
    }
    router.route().failureHandler(this::failure);
    server = Tls.createHttpServer(vertx, new HttpServerOptions().setHost(options.getHost()).setPort(options.getPort()),
            options.getTls())
        .requestHandler(router);
    return server.listen();
  }

  private void ready(RoutingContext ctx) {
    if (!cluster.joined()) {
      unavailable(ctx, "this node is not a member of the cluster");
      return;
    }
    store.listLive()
        .onSuccess(jobs -> ctx.json(new JsonObject().put("status", "ready").put("live_jobs", jobs.size())))
        .onFailure(err -> unavailable(ctx, String.valueOf(err.getMessage())));
  }

  private static void unavailable(RoutingContext ctx, String reason) {
    ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("status", "unavailable").put("reason", reason).encode());
  }

  private void adminApi(Router router) {
    router.get("/v1/admin/jobs").handler(ctx -> store.listLive().onSuccess(jobs -> {
      JsonArray array = new JsonArray();
      jobs.stream().sorted(Comparator.comparingLong(Job::id)).forEach(j -> array.add(json(j)));
      ctx.json(new JsonObject().put("jobs", array));
    }).onFailure(ctx::fail));
    router.get("/v1/admin/jobs/:id").handler(this::job);
    router.get("/v1/admin/schedule").handler(ctx -> vertx.eventBus().<ScheduleSnapshot>request(Addresses.SCHEDULE_GET, null)
        .onSuccess(reply -> ctx.json(reply.body().toJson())).onFailure(ctx::fail));
    router.get("/v1/admin/devices").handler(ctx -> vertx.eventBus()
        .<JsonObject>request(Addresses.CLIENTS_COUNT, ctx.request().getParam("query"))
        .onSuccess(reply -> ctx.json(reply.body()))
        .onFailure(err -> ctx.fail(err instanceof ReplyException r && r.failureCode() == 400
            ? PropiusException.invalid(r.getMessage()) : err)));
    router.get("/v1/admin/policies").handler(ctx -> ctx.json(new JsonObject().put("configured", policy)
        .put("available", new JsonArray(Policies.available(getClass().getClassLoader())))));
    router.get("/v1/admin/keys").handler(ctx -> ctx.json(keys.describe()));
    router.post("/v1/admin/keys/reload").handler(ctx -> keys.reload(vertx).onSuccess(ctx::json).onFailure(ctx::fail));
    router.post("/v1/admin/keys/node").handler(BodyHandler.create().setBodyLimit(4096));
    router.post("/v1/admin/keys/node").handler(this::nodeKeys);
    router.post("/v1/admin/tls/reload").handler(ctx -> Tls.reloadCertificates(vertx)
        .onSuccess(ports -> ctx.json(new JsonObject().put("reloaded", ports))).onFailure(ctx::fail));
    router.get("/v1/admin/cluster").handler(this::cluster);
    new JobCancelHandler(store, events, System::currentTimeMillis, AdminVerticle::json).mount(router);
    new PolicyHandler(vertx).mount(router);
  }

  /** Members, and the node whose scheduler holds the lease (null while none does). */
  private void cluster(RoutingContext ctx) {
    Future<SchedulerLease.Holder> holder = lease == null
        ? Future.succeededFuture(new SchedulerLease.Holder(0, cluster.nodeId())) : lease.holder();
    Future<JsonArray> members = cluster.members();
    Future.all(members, holder).onSuccess(all -> {
      SchedulerLease.Holder h = holder.result();
      ctx.json(new JsonObject().put("clustered", cluster.clustered()).put("node_id", cluster.nodeId())
          .put("members", members.result())
          .put("scheduler", h == null ? null : new JsonObject().put("node_id", h.nodeId()).put("fencing_token", h.token())));
    }).onFailure(ctx::fail);
  }

  private void job(RoutingContext ctx) {
    long id;
    try {
      id = AdminRequests.jobId(ctx);
    } catch (PropiusException e) {
      ctx.fail(e);
      return;
    }
    store.get(id).onSuccess(job -> ctx.json(json(job))).onFailure(ctx::fail);
  }

  /**
   * {@code POST /v1/admin/keys/node {"audience":"leaf-eu","node":"leaf-eu-1","parent_audience":"root",
   * "credential_ttl_ms":...}}: the keys file of an edge node (its verification keys and its
   * credential at the parent; no parent_audience for a root). It holds secrets: a write key only.
   */
  private void nodeKeys(RoutingContext ctx) {
    JsonObject req;
    try {
      req = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      req = null;
    }
    if (req == null || !(req.getValue("audience") instanceof String audience)
        || !(req.getValue("node") instanceof String node) || node.isBlank()) {
      ctx.fail(PropiusException.invalid("body must be a JSON object with string fields 'audience' and 'node' "
          + "(and 'parent_audience' below the root)"));
      return;
    }
    Object parent = req.getValue("parent_audience");
    Object ttl = req.getValue("credential_ttl_ms", 365L * 24 * 3_600_000);
    if ((parent != null && !(parent instanceof String)) || !(ttl instanceof Number t) || t.longValue() <= 0) {
      ctx.fail(PropiusException.invalid("'parent_audience' must be a string and 'credential_ttl_ms' a positive number"));
      return;
    }
    try {
      ctx.json(EdgeKeysFile.contents(keys.signer(), audience, node, (String) parent,
          System.currentTimeMillis() + t.longValue()));
    } catch (IllegalArgumentException e) {
      ctx.fail(PropiusException.invalid(e.getMessage()));
    }
  }

  private void failure(RoutingContext ctx) {
    PropiusException e = ctx.failure() instanceof PropiusException p ? p
        : ctx.failure() == null ? new PropiusException(ErrorCode.ofHttpStatus(ctx.statusCode()), "HTTP "
            + ctx.statusCode())
        : new PropiusException(ErrorCode.INTERNAL, String.valueOf(ctx.failure()));
    if (e.code() == ErrorCode.UNAUTHENTICATED) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
    }
    ctx.response().setStatusCode(e.code().httpStatus()).putHeader("Content-Type", "application/json")
        .end(e.toJson().encode());
  }

  private static JsonObject json(Job job) {
    try {
      return new JsonObject(PRINTER.print(job.toStatus()));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  public int actualPort() {
    return server.actualPort();
  }
}
