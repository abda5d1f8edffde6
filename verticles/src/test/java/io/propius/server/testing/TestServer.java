package io.propius.server.testing;

import static io.propius.testing.Futures.await;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.server.PropiusServer;
import io.propius.server.config.PropiusOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.util.function.Function;

/**
 * A real Propius server in this JVM on free ports, with real clients for its three endpoints.
 * Each test gets its own Vert.x, registry and server.
 */
public final class TestServer implements AutoCloseable {
  public final Vertx vertx;
  public final PropiusServer server;
  public final PropiusOptions options;
  public final PrometheusMeterRegistry registry;
  public final WebClient http;
  public final JobManagerGrpcClient jobs;
  private final GrpcClient grpc;
  /** Held for the server's lifetime: Vert.x closes a client that becomes garbage, mid-handshake or not. */
  private final WebSocketClient webSockets;

  private TestServer(Vertx vertx, PropiusServer server, PropiusOptions options, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.server = server;
    this.options = options;
    this.registry = registry;
    this.http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"),
        new PoolOptions().setHttp1MaxSize(64));
    this.grpc = GrpcClient.client(vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
    this.jobs = JobManagerGrpcClient.create(grpc, SocketAddress.inetSocketAddress(server.jobsPort(), "127.0.0.1"));
    this.webSockets = vertx.createWebSocketClient();
  }

  /** Options with every port free (0) and quick timers; tests adjust what they need. */
  public static PropiusOptions testOptions() {
    PropiusOptions options = new PropiusOptions();
    options.jobs().setHost("127.0.0.1").setPort(0);
    options.devices().setHost("127.0.0.1").setPort(0).setStatsIntervalMs(200);
    options.admin().setHost("127.0.0.1").setPort(0);
    options.dataPlane().setHost("127.0.0.1").setPort(0);
    options.scheduler().setTickMs(200).setSeed(42);
    return options;
  }

  public static TestServer start() {
    return start(testOptions());
  }

  public static TestServer start(PropiusOptions options) {
    PrometheusMeterRegistry registry = PropiusServer.newRegistry();
    Vertx vertx = PropiusServer.newVertx(registry);
    vertx.exceptionHandler(err -> {
      System.err.println("unhandled exception in the server under test:");
      err.printStackTrace();
    });
    try {
      PropiusServer server = await(PropiusServer.deploy(vertx, options.validate(), registry));
      return new TestServer(vertx, server, options, registry);
    } catch (RuntimeException e) {
      vertx.close();
      throw e;
    }
  }

  /**
   * A unary job call that keeps the status message (the generated client drops it): fails with
   * {@link GrpcFailure} on a non-OK status.
   */
  public <Req, Resp> Future<Resp> call(ServiceMethod<Resp, Req> method, Req request) {
    return call(method, request, null);
  }

  /** The same with {@code authorization: Bearer <apiKey>} metadata (when not null). */
  public <Req, Resp> Future<Resp> call(ServiceMethod<Resp, Req> method, Req request, String apiKey) {
    return call(method, apiKey, call -> call.end(request));
  }

  /** The same with a request message of raw bytes (for malformed requests) and no API key. */
  public <Req, Resp> Future<Resp> callWithPayload(ServiceMethod<Resp, Req> method, Buffer payload) {
    return call(method, null, call -> call.writeMessage(GrpcMessage.message("identity", payload))
        .compose(v -> call.end()));
  }

  private <Req, Resp> Future<Resp> call(ServiceMethod<Resp, Req> method, String apiKey,
                                        Function<GrpcClientRequest<Req, Resp>, Future<Void>> send) {
    return grpc.request(SocketAddress.inetSocketAddress(server.jobsPort(), "127.0.0.1"), method)
        .compose(call -> {
          if (apiKey != null) {
            call.headers().set("authorization", "Bearer " + apiKey);
          }
          return send.apply(call).compose(v -> call.response());
        })
        .compose(response -> response.last().recover(err -> Future.failedFuture(response.status() != GrpcStatus.OK
            ? GrpcFailure.of(response) : err)));
  }

  public int devicesPort() {
    return server.devicesPort();
  }

  public int jobsPort() {
    return server.jobsPort();
  }

  public String devicesUrl() {
    return "http://127.0.0.1:" + server.devicesPort();
  }

  public String dataPlaneUrl() {
    return "http://127.0.0.1:" + server.dataPlanePort();
  }

  /** The job's state as the admin API reports it ({@code IDLE}, {@code EXPIRED}, ...). */
  public String jobState(long jobId) {
    return await(http.get(server.adminPort(), "127.0.0.1", "/v1/admin/jobs/" + jobId).send())
        .bodyAsJsonObject().getString("state");
  }

  /**
   * Registers a two-round job over gRPC and opens a round of {@code demand} devices.
   *
   * @param constraint a public constraint's attribute ({@code attribute >= min}), or null for none
   * @return the job's id
   */
  public long openJob(int demand, String constraint, double min) {
    RegisterJobRequest.Builder b = RegisterJobRequest.newBuilder().setTotalRounds(2).setEstDemand(demand);
    if (constraint != null) {
      b.putPublicConstraints(constraint, min);
    }
    long id = await(jobs.registerJob(b.build())).getJobId();
    await(jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(id).setDemand(demand).build()));
    return id;
  }

  public WebSocketClient webSocketClient() {
    return webSockets;
  }

  @Override
  public void close() {
    try {
      await(server.undeploy());
    } finally {
      await(vertx.close());
    }
  }
}
