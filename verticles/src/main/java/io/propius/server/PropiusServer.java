package io.propius.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.propius.api.auth.TenantKeys;
import io.propius.api.grpc.JobEvent;
import io.propius.api.tls.DevCertificate;
import io.propius.api.tls.TlsOptions;
import io.propius.api.token.TokenSigner;
import io.propius.edge.EdgeNode;
import io.propius.edge.EdgeNodeVerticle;
import io.propius.edge.access.JobAccess;
import io.propius.edge.access.TenantJobAccess;
import io.propius.edge.auth.EdgeCredentials;
import io.propius.edge.metrics.MeterRegistries;
import io.propius.edge.round.RoundKey;
import io.propius.policy.Policies;
import io.propius.policy.PolicyContext;
import io.propius.policy.SchedulingPolicy;
import io.propius.server.admin.AdminVerticle;
import io.propius.server.admin.OperatorAuth;
import io.propius.server.bus.Addresses;
import io.propius.server.bus.Codecs;
import io.propius.server.cluster.ClusterNode;
import io.propius.server.cluster.ClusterView;
import io.propius.server.config.DevicesOptions;
import io.propius.server.config.NodeRole;
import io.propius.server.config.PropiusOptions;
import io.propius.server.config.SecurityOptions;
import io.propius.server.device.CheckinLimiter;
import io.propius.server.device.ClientManagerVerticle;
import io.propius.server.expiry.ExpiryVerticle;
import io.propius.server.job.JobAuthenticator;
import io.propius.server.job.JobCallLimiter;
import io.propius.server.job.JobEvents;
import io.propius.server.job.JobManagerVerticle;
import io.propius.server.job.JobService;
import io.propius.server.metrics.CertificateExpiry;
import io.propius.server.metrics.PropiusMetrics;
import io.propius.server.scheduler.ActivePolicy;
import io.propius.server.scheduler.SchedulerLeadership;
import io.propius.server.scheduler.SchedulerLease;
import io.propius.server.scheduler.SchedulerVerticle;
import io.propius.server.security.ServerKeys;
import io.propius.server.security.TrustedProxies;
import io.propius.server.store.InMemoryJobStore;
import io.propius.server.store.Job;
import io.propius.server.store.JobStore;
import io.propius.server.store.redis.RedisJobStore;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Builds the control plane from its options and deploys it: scheduler, the data plane's root
 * edge node, client managers, job manager, expiry, admin. The launcher and the tests use exactly this wiring.
 */
public final class PropiusServer {
  private static final System.Logger LOG = System.getLogger(PropiusServer.class.getName());

  private final Vertx vertx;
  private final JobStore store;
  private final PropiusOptions options;
  private final Set<NodeRole> roles;
  private final List<String> deployments = new ArrayList<>();
  private long certificateTimer = -1;
  private int jobsPort;
  private int devicesPort;
  private int adminPort;
  private int dataPlanePort;

  private PropiusServer(Vertx vertx, JobStore store, PropiusOptions options, Set<NodeRole> roles) {
    this.vertx = vertx;
    this.store = store;
    this.options = options;
    this.roles = roles;
  }

  /** A plain (not clustered) Vert.x instance whose own metrics (HTTP, event bus, pools) go to {@code registry}. */
  public static Vertx newVertx(PrometheusMeterRegistry registry) {
    return ClusterNode.vertx(new PropiusOptions(), registry).result();
  }

  public static PrometheusMeterRegistry newRegistry() {
    return MeterRegistries.prometheus();
  }

  /**
   * This node's Vert.x (in cluster mode: Redis checked, then the cluster joined), then its roles; on a
   * failure whatever started is stopped again, the cluster left, and the future fails with one line
   * saying why.
   */
  public static Future<PropiusServer> start(PropiusOptions options, PrometheusMeterRegistry registry) {
    return reachStoreBeforeJoining(options).compose(ok -> ClusterNode.vertx(options, registry))
        .compose(vertx -> deploy(vertx, options, registry)
            .recover(err -> vertx.close().transform(v -> Future.failedFuture(err))));
  }

  /**
   * In cluster mode, a node that cannot use Redis must not join the cluster even for a moment (its
   * scheduler, watchers and window reports would be members that cannot work), so Redis is tried
   * first, from a short-lived plain Vert.x.
   */
  private static Future<Void> reachStoreBeforeJoining(PropiusOptions options) {
    if (!options.cluster().isEnabled()) {
      return Future.succeededFuture();
    }
    Vertx probe = Vertx.vertx();
    RedisJobStore store = new RedisJobStore(probe, options.store(), new PropiusMetrics(newRegistry()));
    return store.open().eventually(store::close).eventually(probe::close);
  }

  /**
   * Deploys the verticles of the node's roles ({@code node.roles}; every one outside cluster mode).
   * Every node serves {@code /metrics} and the health probes on the admin port; the admin API
   * only on a node with the admin role.
   *
   * @throws IllegalArgumentException (as a failed future) for a policy that is not on the class path
   *     or that rejects its options
   */
  public static Future<PropiusServer> deploy(Vertx vertx, PropiusOptions options, PrometheusMeterRegistry registry) {
    LongSupplier clock = System::currentTimeMillis;
    SchedulingPolicy policy;
    long seed = options.scheduler().getSeed() != 0 ? options.scheduler().getSeed() : System.nanoTime();
    try {
      policy = Policies.load(options.scheduler().getPolicy(), PropiusServer.class.getClassLoader());
      policy.init(new PolicyContext(clock, seed, options.scheduler().getPolicyOptions()));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    try {
      applyTls(options);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    Codecs.register(vertx);
    PropiusMetrics metrics = new PropiusMetrics(registry);
    JobStore store = options.store().isRedis() ? new RedisJobStore(vertx, options.store(), metrics)
        : new InMemoryJobStore();
    ServerKeys keys;
    try {
      keys = ServerKeys.load(options.security(), options.store().isRedis());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    TokenSigner signer = keys.signer();
    OperatorAuth operators = new OperatorAuth(options.security().getAdminKeys());
    Set<NodeRole> roles = options.node().roleSet();
    ClusterView cluster = ClusterView.of(vertx, new JsonObject().put("address", "local").put("roles",
        new JsonArray(roles.stream().map(NodeRole::configName).toList())).put("up_since_ms", clock.getAsLong()));
    metrics.clusterMembers(cluster::size);
    // Outside cluster mode there is one scheduler; in it, the one holding the lease in Redis decides.
    SchedulerLease lease = cluster.clustered() ? ((RedisJobStore) store).schedulerLease() : null;
    JobEvents events = new JobEvents(vertx.eventBus(), clock, cluster.clustered() || options.scheduler().isSmallBatch());
    JobService jobs = new JobService(store, events, options.jobs(), options.admission(), options.security(),
        metrics, clock);
    PropiusServer server = new PropiusServer(vertx, store, options, roles);
    DevicesOptions devices = options.devices();

    return store.open()
        .compose(v -> !roles.contains(NodeRole.SCHEDULER) ? Future.succeededFuture()
            : server.deploy(new SchedulerVerticle(store, new ActivePolicy(policy, options.scheduler().getPolicyOptions(),
                clock, seed), options.scheduler(), devices.getStatsIntervalMs(),
                lease == null ? SchedulerLeadership.sole(metrics)
                    : SchedulerLeadership.leased(lease, cluster.nodeId(), options.scheduler().getFailoverMs(), metrics),
                metrics, clock))
            // Any number of sweepers may run: each expiry is one atomic step in the store.
            .compose(x -> server.deploy(new ExpiryVerticle(store, events, metrics, clock, devices.getLeaseMs(),
                options.jobs().getHeartbeatTimeoutMs(), options.store().getRetainFinishedMs()))))
        .compose(v -> !roles.contains(NodeRole.DATA_PLANE) ? Future.succeededFuture()
            : deployDataPlane(server, options, signer, events, registry, clock))
        .compose(v -> !roles.contains(NodeRole.DEVICES) ? Future.succeededFuture()
            : deployClientManagers(server, store, events, signer, options, metrics, clock)
                .map(port -> server.devicesPort = port))
        .compose(v -> {
          if (!roles.contains(NodeRole.JOBS)) {
            return Future.succeededFuture();
          }
          JobManagerVerticle jm = new JobManagerVerticle(jobs, new JobAuthenticator(options.security().getJobApiKeys()),
              new JobCallLimiter(options.jobs().getRateLimitPerTenant(), metrics), events, options.jobs(), metrics);
          return server.deploy(jm).map(x -> server.jobsPort = jm.actualPort());
        })
        .compose(v -> {
          AdminVerticle admin = new AdminVerticle(store, options.admin(), metrics, policy.name(),
              roles.contains(NodeRole.ADMIN), cluster, lease, events, operators, keys);
          return server.deploy(admin).map(x -> server.adminPort = admin.actualPort());
        })
        .map(v -> {
          // Said once the server is up, so that a start that fails says only why it failed.
          if (operators.isOpen() && roles.contains(NodeRole.ADMIN)) {
            LOG.log(System.Logger.Level.WARNING, "security.adminKeys is empty: the admin API on port "
                + server.adminPort + " is open to anyone who reaches it");
          }
          server.certificateTimer = CertificateExpiry.track(vertx, registry, Map.of("jobs", options.jobs().getTls(),
              "devices", devices.getTls(), "admin", options.admin().getTls(), "data_plane", options.dataPlane().getTls()));
          return server;
        })
        .recover(err -> server.undeploy().transform(ignored -> Future.failedFuture(err)));
  }

  /**
   * The root edge node: rounds, plans and aggregates for every job, verifying tokens for the
   * {@value SecurityOptions#ROOT_AUDIENCE} audience with keys derived from the signer's (so it
   * follows a rotation at once). Its AGGREGATE_READY goes out on the job events address, so WatchJob
   * streams it. With {@code security.jobApiKeys}, its job calls (publish, aggregates) are allowed only
   * for the caller's own jobs, owners looked up in the job store. With {@code dataPlane.port} 0
   * (tests) the devices' data-plane URL, if left at its default, is pointed at the port it got.
   */
  private static Future<Void> deployDataPlane(PropiusServer server, PropiusOptions options, TokenSigner signer,
                                              JobEvents events, PrometheusMeterRegistry registry, LongSupplier clock) {
    EdgeNode.AggregateListener ready = new EdgeNode.AggregateListener() {
      @Override
      public void ready(RoundKey key, long contributors, double weight, String reason) {
        events.publish(JobEvent.newBuilder().setType(JobEvent.Type.AGGREGATE_READY).setJobId(key.job())
            .setRound(key.round()).setAmount((int) Math.min(Integer.MAX_VALUE, contributors)).setReason(reason)
            .setTimeMs(clock.getAsLong()).build());
      }

      @Override
      public void uploaded(long job, int round, String deviceId, long atMs) {
        server.vertx.eventBus().publish(Addresses.TASK_UPLOADED, new JsonObject().put("job", job).put("round", round)
            .put("device", deviceId).put("at_ms", atMs));
      }
    };
    Map<String, String> keys = options.security().getJobApiKeys();
    // With keys, a job call must come from the job's tenant; the job store knows who that is.
    JobAccess access = keys.isEmpty() ? JobAccess.open()
        : new TenantJobAccess(new TenantKeys(keys), jobId -> server.store.get(jobId).map(Job::tenant));
    EdgeNodeVerticle root = new EdgeNodeVerticle(options.dataPlane(),
        new EdgeCredentials(signer.audienceKeys(SecurityOptions.ROOT_AUDIENCE), null), access, registry, ready);
    return server.deploy(root).map(v -> {
      server.dataPlanePort = root.actualPort();
      DevicesOptions devices = options.devices();
      if (options.dataPlane().getPort() == 0
          && devices.getDataPlaneUrl().equals(new DevicesOptions().getDataPlaneUrl())) {
        // Over TLS by name: the dev mode's certificate names localhost only.
        devices.setDataPlaneUrl(options.dataPlane().getTls().isEnabled() ? "https://localhost:" + server.dataPlanePort
            : "http://127.0.0.1:" + server.dataPlanePort);
      }
      return null;
    });
  }

  /** N instances of one deployment share the port (with port 0, the one free port they got). */
  private static Future<Integer> deployClientManagers(PropiusServer server, JobStore store, JobEvents events,
                                                      TokenSigner signer, PropiusOptions options, PropiusMetrics metrics,
                                                      LongSupplier clock) {
    List<ClientManagerVerticle> instances = new CopyOnWriteArrayList<>();
    CheckinLimiter limiter = new CheckinLimiter(options.devices().getRateLimit(),
        TrustedProxies.parse(options.devices().getTrustedProxies()), metrics);
    return server.deploy(() -> {
      ClientManagerVerticle cm = new ClientManagerVerticle(store, events, signer, options.security().getTaskAudience(),
          options.devices(), limiter, options.scheduler().isSmallBatch(), metrics, clock);
      instances.add(cm);
      return cm;
    }, options.devices().getInstances()).map(v -> {
      int port = instances.get(0).actualPort();
      for (ClientManagerVerticle cm : instances) {
        if (cm.actualPort() != port) {
          throw new IllegalStateException("client manager instances listen on different ports");
        }
      }
      return port;
    });
  }

  /**
   * Gives every port without a {@code tls} section of its own the global one, and generates the
   * dev mode's self-signed certificate once, so all ports serve the same fingerprint.
   */
  private static void applyTls(PropiusOptions options) {
    TlsOptions global = DevCertificate.resolve(options.tls());
    options.jobs().setTls(DevCertificate.resolve(options.jobs().getTls().or(global)));
    options.devices().setTls(DevCertificate.resolve(options.devices().getTls().or(global)));
    options.admin().setTls(DevCertificate.resolve(options.admin().getTls().or(global)));
    options.dataPlane().setTls(DevCertificate.resolve(options.dataPlane().getTls().or(global)));
  }

  private Future<Void> deploy(Deployable verticle) {
    return deploy(() -> verticle, 1);
  }

  private Future<Void> deploy(Supplier<? extends Deployable> verticles, int instances) {
    return vertx.deployVerticle(verticles, new DeploymentOptions().setInstances(instances)).map(id -> {
      deployments.add(id);
      return null;
    });
  }

  /** Undeploys in reverse order and closes the store. */
  public Future<Void> undeploy() {
    vertx.cancelTimer(certificateTimer);
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.compose(v -> vertx.undeploy(id));
    }
    deployments.clear();
    return chain.compose(v -> store.close());
  }

  /** Undeploys, then closes Vert.x (leaving the cluster in cluster mode). */
  public Future<Void> close() {
    return undeploy().eventually(vertx::close);
  }

  /** One line for the operator: what this node runs and where. */
  public String describe() {
    StringBuilder sb = new StringBuilder("Propius is up:");
    if (roles.contains(NodeRole.JOBS)) {
      sb.append(" jobs (gRPC + WebSocket) on :").append(jobsPort).append(',');
    }
    if (roles.contains(NodeRole.DEVICES)) {
      sb.append(" devices (HTTP) on :").append(devicesPort).append(',');
    }
    if (roles.contains(NodeRole.DATA_PLANE)) {
      sb.append(" data plane (root edge node) on :").append(dataPlanePort).append(',');
    }
    sb.append(roles.contains(NodeRole.ADMIN) ? " admin + /metrics on :" : " /metrics on :").append(adminPort);
    if (roles.contains(NodeRole.SCHEDULER)) {
      sb.append(", policy ").append(options.scheduler().getPolicy());
    }
    if (options.cluster().isEnabled()) {
      sb.append(", cluster '").append(options.cluster().getName()).append("' as ")
          .append(options.cluster().getHost()).append(':').append(options.cluster().getPort());
    }
    return sb.toString();
  }

  public int jobsPort() {
    return jobsPort;
  }

  public int devicesPort() {
    return devicesPort;
  }

  public int adminPort() {
    return adminPort;
  }

  /** The root edge node's HTTP port. */
  public int dataPlanePort() {
    return dataPlanePort;
  }
}
