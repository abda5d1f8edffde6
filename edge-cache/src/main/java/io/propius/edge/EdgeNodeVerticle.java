package io.propius.edge;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.edge.access.JobAccess;
import io.propius.edge.access.TokenVerifier;
import io.propius.edge.auth.EdgeCredentials;
import io.propius.edge.aggregate.Journal;
import io.propius.edge.config.DataPlaneOptions;
import io.propius.edge.config.EdgeRole;
import io.propius.edge.grpc.DataPlaneEndpoint;
import io.propius.edge.http.EdgeHttpHandler;
import io.propius.edge.http.NotSentLowWatermark;
import io.propius.edge.metrics.EdgeMetrics;
import io.propius.edge.plan.PlanStore;
import io.propius.edge.upstream.ParentClient;
import io.propius.policy.reduce.builtin.Float32Fold;
import io.propius.api.tls.Tls;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One edge node of the data plane — root, parent or leaf by its options — serving the HTTP API
 * of docs/DATA-PLANE-API.md on its port. It opens and replays its journal before it listens, and
 * below the root pushes its partial aggregates to the parent on the configured interval.
 */
public final class EdgeNodeVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(EdgeNodeVerticle.class.getName());
  private static final int HTTP2_WINDOW = 8 * 1024 * 1024;
  /** Largest body chunk handed to a request handler: a socket read's worth (Netty reads up to 64 KiB). */
  private static final int BODY_CHUNK_BYTES = 64 * 1024;
  private final DataPlaneOptions options;
  private final EdgeCredentials credentials;
  private final JobAccess jobAccess;
  private final MeterRegistry registry;
  private final EdgeNode.AggregateListener listener;
  private final LongSupplier clock;
  private EdgeNode node;
  private HttpServer server;

  /**
   * @param credentials verifies task tokens and child nodes' credentials; holds this node's credential at its parent
   * @param jobAccess  who may make job calls (publish, read aggregates) at a root: {@link JobAccess#open()}
   *                   without API keys; below the root job calls are refused whatever this is
   * @param listener   told at the root when a round's aggregate is ready, or null
   */
  public EdgeNodeVerticle(DataPlaneOptions options, EdgeCredentials credentials, JobAccess jobAccess,
                          MeterRegistry registry, EdgeNode.AggregateListener listener) {
    this(options, credentials, jobAccess, registry, listener, System::currentTimeMillis);
  }

  /** @param clock wall-clock milliseconds (token expiry, plan TTL, deadlines); tests move it forward */
  public EdgeNodeVerticle(DataPlaneOptions options, EdgeCredentials credentials, JobAccess jobAccess,
                          MeterRegistry registry, EdgeNode.AggregateListener listener, LongSupplier clock) {
    this.clock = clock;
    this.options = options.validate();
    this.credentials = credentials;
    this.jobAccess = jobAccess;
    this.registry = registry;
    this.listener = listener;
  }

  @Override
  public Future<?> start() {
    // Before the journal's replay makes the first accumulators: they keep the fold they were made with.
    String fold = float32Fold(options.isVectorFold());
    Future<Journal> journal = options.getJournalDir().isEmpty()
        ? Future.succeededFuture(Journal.none(options.getNodeId().isEmpty()
            ? "edge-" + UUID.randomUUID().toString().substring(0, 8) : options.getNodeId()))
        : Journal.open(vertx, Path.of(options.getJournalDir()), options.isJournalFsync(),
            options.getJournalCompactBytes(), options.getNodeId());
    // A journaled root keeps its published plans beside its journal, so they outlive a restart.
    boolean durablePlans = !options.getPlanDir().isEmpty()
        || (options.role() == EdgeRole.ROOT && !options.getJournalDir().isEmpty());
    Future<PlanStore> plans = vertx.executeBlocking(() -> !options.getPlanDir().isEmpty()
            ? Path.of(options.getPlanDir())
            : durablePlans ? Path.of(options.getJournalDir(), "plans") : Files.createTempDirectory("propius-plans"))
        .compose(dir -> PlanStore.open(vertx, dir, options.getMaxPlanBytes(), !durablePlans));
    return journal.compose(j -> plans.compose(store -> {
      EdgeRole role = options.role();
      ParentClient parent = role == EdgeRole.ROOT ? null : new ParentClient(vertx, options.getParentUrl(),
          options.getTls(), credentials, options.getUpstreamTimeoutMs(), options.getRetryAfterMs());
      EdgeMetrics metrics = new EdgeMetrics(registry, role.name());
      metrics.float32Fold(fold);
      node = new EdgeNode(vertx, options, metrics, j, store, parent, listener, clock);
      node.replay();
      metrics.state(node::roundCount, j);
      if (role != EdgeRole.ROOT) {
        vertx.setPeriodic(options.getPushIntervalMs(), id -> node.pushAll());
      }
      long sweep = Math.max(10, Math.min(60_000, options.getRoundRetentionMs() / 4));
      vertx.setPeriodic(sweep, id -> node.retireQuietRounds());
      Supplier<String> scrape = null;
      if (registry instanceof PrometheusMeterRegistry prometheus) {
        scrape = () -> prometheus.scrape();
      }
      JobAccess jobCalls = jobCalls(role, metrics);
      EdgeHttpHandler http = new EdgeHttpHandler(node, options, TokenVerifier.forAudience(credentials.keys(), clock,
          metrics::tokenRejected),
          jobCalls, scrape, credentials.metricsReader());
      // gRPC (the root's DataPlane service) shares the port: HTTP/2 requests of type application/grpc.
      GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions()
          .setMaxMessageSize(options.getMaxPlanBytes() + 1024 * 1024));
      if (role == EdgeRole.ROOT) {
        new DataPlaneEndpoint(node, jobCalls).bind(grpc);
      }
      server = Tls.createHttpServer(vertx, new HttpServerOptions().setHost(options.getHost()).setPort(options.getPort())
              .setTcpNoDelay(true).setCompressionSupported(false)
              // Body chunks as large as a socket read (64 KiB) instead of 8 KiB: each chunk costs
              // a copy into a fresh buffer and a dispatch to the upload's decoder.
              .setMaxChunkSize(BODY_CHUNK_BYTES)
              // Plans can be tens of MB: the default 64 KiB HTTP/2 windows would make them crawl.
              .setInitialSettings(new Http2Settings().setInitialWindowSize(HTTP2_WINDOW))
              .setHttp2ConnectionWindowSize(HTTP2_WINDOW), options.getTls())
          .connectionHandler(new NotSentLowWatermark(options.getTcpNotSentLowatBytes()))
          .requestHandler(req -> {
            String type = req.getHeader(HttpHeaders.CONTENT_TYPE);
            if (type != null && type.startsWith("application/grpc")) {
              grpc.handle(req);
            } else {
              http.handle(req);
            }
          });
      return store.keepOnly(node.publishedPlanFiles()).compose(v -> server.listen());
    }));
  }

  /**
   * At the root, the given access with its refusals counted. Below it, none: such a node holds
   * partial aggregates of every job it serves, for its devices and its parent (tokens), not for
   * anyone with a job key.
   */
  private JobAccess jobCalls(EdgeRole role, EdgeMetrics metrics) {
    if (role != EdgeRole.ROOT) {
      PropiusException notHere = new PropiusException(ErrorCode.FAILED_PRECONDITION, "job calls (round specs, plans, "
          + "aggregates) are made at the root edge node, this node is a " + role.name().toLowerCase(Locale.ROOT));
      return (authorization, job) -> Future.failedFuture(notHere);
    }
    return (authorization, job) -> jobAccess.authorize(authorization, job).onFailure(err -> {
      if (err instanceof PropiusException refused) {
        metrics.jobCallRefused(refused.code());
      }
    });
  }

  @Override
  public Future<?> stop() {
    return node == null ? Future.succeededFuture() : node.close();
  }

  /** The port it listens on (the chosen one when configured with 0). */
  public int actualPort() {
    return server.actualPort();
  }

  /** The node's state, for the server's gRPC service and for tests. */
  public EdgeNode node() {
    return node;
  }

  /**
   * Picks the JVM's float32 fold and says which. Without the module the node starts with the scalar
   * fold rather than refusing: the results are the same, only slower, and the option's default
   * (on) then serves JVMs started with and without {@code --add-modules jdk.incubator.vector}.
   */
  static String float32Fold(boolean vectorWanted) {
    String fold = Float32Fold.use(vectorWanted);
    String why = fold.equals("vector") ? " (" + Float32Fold.VECTOR_MODULE + ")"
        : !vectorWanted ? " (dataPlane.vectorFold is off)"
        : Float32Fold.vectorAvailable() ? " (" + Float32Fold.VECTOR_MODULE + " does not suit this CPU)"
        : " (the JVM lacks " + Float32Fold.VECTOR_MODULE + "; --add-modules " + Float32Fold.VECTOR_MODULE
            + " would give the vector fold)";
    LOG.log(System.Logger.Level.INFO, "float32 uploads are folded with the " + fold + " fold" + why);
    return fold;
  }
}
