package io.propius.server;

import static io.propius.server.testing.TestServer.await;
import static io.propius.server.testing.TestServer.failure;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.propius.api.grpc.Aggregate;
import io.propius.api.grpc.DataPlaneGrpcClient;
import io.propius.api.grpc.GetAggregateRequest;
import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.grpc.PublishRoundRequest;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.tensor.DType;
import io.propius.api.tensor.Tensors;
import io.propius.api.token.TaskToken;
import io.propius.api.token.KeyRing;
import io.propius.api.token.TokenSigner;
import io.propius.edge.auth.EdgeCredentials;
import io.propius.server.config.SecurityOptions;
import io.propius.edge.EdgeNodeVerticle;
import io.propius.edge.access.ControlPlaneJobAccess;
import io.propius.edge.config.DataPlaneOptions;
import io.propius.server.config.PropiusOptions;
import io.propius.server.testing.RedisProcess;
import io.propius.server.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With API keys, the all-in-one server's root edge node lets a tenant publish and read only its
 * own jobs, over HTTP and the gRPC DataPlane service, owners taken from the job store (in memory
 * and in Redis).
 */
class DataPlaneTenancyTest {
  private static final String KEY_A = "key-a-0123456789abcdef";
  private static final String KEY_B = "key-b-0123456789abcdef";
  private static final byte[] SECRET = "a token secret of at least 32 bytes".getBytes();
  private static final TokenSigner SIGNER = new TokenSigner(KeyRing.single(SecurityOptions.SECRET_KID, SECRET));
  private RedisProcess redis;
  private TestServer server;
  /** Where {@link #send} goes: the all-in-one root, or a standalone one. */
  private WebClient http;
  private GrpcClient grpc;
  private int dp;

  private void start(String store) {
    PropiusOptions options = TestServer.testOptions();
    options.security().setJobApiKeys(Map.of("team-a", KEY_A, "team-b", KEY_B))
        .setTokenSecret(Base64.getEncoder().encodeToString(SECRET));
    if ("redis".equals(store)) {
      redis = RedisProcess.ephemeral();
      options.store().setType("redis").setRedisUri(redis.uri());
    }
    server = TestServer.start(options);
    http = server.http;
    grpc = GrpcClient.client(server.vertx, new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
    dp = server.server.dataPlanePort();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  private long register(String key) {
    return await(server.call(JobManagerGrpcClient.RegisterJob, RegisterJobRequest.newBuilder().setTotalRounds(1)
        .setEstDemand(1).build(), key)).getJobId();
  }

  private HttpResponse<Buffer> send(HttpMethod method, String path, String key, Buffer body) {
    HttpRequest<Buffer> req = http.request(method, dp, "127.0.0.1", path);
    if (key != null) {
      req.bearerTokenAuthentication(key);
    }
    return await(body == null ? req.send() : req.sendBuffer(body));
  }

  private static String errorMessage(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject().getJsonObject("error").getString("message");
  }

  /** A DataPlane call at the root over gRPC; a non-OK status fails with "STATUS: message". */
  private <Q, R> Future<R> dataPlane(ServiceMethod<R, Q> method, Q request, String key) {
    return grpc.request(SocketAddress.inetSocketAddress(dp, "127.0.0.1"), method)
        .compose(call -> {
          if (key != null) {
            call.headers().set("authorization", "Bearer " + key);
          }
          return call.end(request).compose(v -> call.response());
        })
        .compose(response -> response.last().recover(err -> Future.failedFuture(response.status() != GrpcStatus.OK
            ? new IllegalStateException(response.status().name() + ": " + response.statusMessage()) : err)));
  }

  private <Q, R> String refusal(ServiceMethod<R, Q> method, Q request, String key) {
    return failure(dataPlane(method, request, key)).getMessage();
  }

  @ParameterizedTest(name = "{0} job store")
  @ValueSource(strings = {"memory", "redis"})
  void aTenantPublishesAndReadsOnlyItsOwnJobs(String store) {
    start(store);
    long jobA = register(KEY_A);
    long jobB = register(KEY_B);
    long unknown = jobB + 1000;
    String round = "/v1/rounds/" + jobA + "/1";
    String plan = "/v1/plans/" + jobA + "/1";
    String aggregate = "/v1/aggregates/" + jobA + "/1";
    Buffer spec = new JsonObject().put("reducer", "fedavg").put("tensor_length", 2).put("target", 1).toBuffer();

    // HTTP: the other tenant is refused (403), no or an unknown key is 401, an unknown job 404.
    HttpResponse<Buffer> foreign = send(HttpMethod.PUT, round, KEY_B, spec);
    assertThat(foreign.statusCode()).isEqualTo(403);
    assertThat(errorMessage(foreign)).isEqualTo("job " + jobA + " belongs to another tenant");
    assertThat(send(HttpMethod.PUT, plan, KEY_B, Buffer.buffer("forged")).statusCode()).isEqualTo(403);
    assertThat(send(HttpMethod.GET, aggregate, KEY_B, null).statusCode()).isEqualTo(403);
    assertThat(send(HttpMethod.GET, round, KEY_B, null).statusCode()).isEqualTo(403);
    assertThat(send(HttpMethod.PUT, round, null, spec).statusCode()).isEqualTo(401);
    assertThat(send(HttpMethod.PUT, plan, "not-a-key-0123456789", Buffer.buffer("forged")).statusCode()).isEqualTo(401);
    HttpResponse<Buffer> missing = send(HttpMethod.PUT, "/v1/rounds/" + unknown + "/1", KEY_A, spec);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(errorMessage(missing)).isEqualTo("no job " + unknown);

    // gRPC DataPlane: the same rules.
    PublishRoundRequest publish = PublishRoundRequest.newBuilder().setJobId(jobA).setRound(2).setReducer("fedavg")
        .setTensorLength(2).setTarget(1).setPlan(ByteString.copyFromUtf8("forged")).build();
    assertThat(refusal(DataPlaneGrpcClient.PublishRound, publish, KEY_B))
        .isEqualTo("PERMISSION_DENIED: job " + jobA + " belongs to another tenant");
    GetAggregateRequest getAggregate = GetAggregateRequest.newBuilder().setJobId(jobA).setRound(1).build();
    assertThat(refusal(DataPlaneGrpcClient.GetAggregate, getAggregate, KEY_B)).startsWith("PERMISSION_DENIED: ");
    assertThat(refusal(DataPlaneGrpcClient.GetAggregate, getAggregate, null)).startsWith("UNAUTHENTICATED: ");
    assertThat(refusal(DataPlaneGrpcClient.PublishRound, publish.toBuilder().setJobId(unknown).build(), KEY_A))
        .isEqualTo("NOT_FOUND: no job " + unknown);

    // The refusals changed nothing: the owner creates both rounds and plans now, and devices get its bytes.
    assertThat(send(HttpMethod.PUT, round, KEY_A, spec).statusCode()).isEqualTo(201);
    assertThat(send(HttpMethod.PUT, plan, KEY_A, Buffer.buffer("plan of a")).statusCode()).isEqualTo(201);
    var own = await(dataPlane(DataPlaneGrpcClient.PublishRound, publish.toBuilder()
        .setPlan(ByteString.copyFromUtf8("plan of a, round 2")).build(), KEY_A));
    assertThat(own.getSpecCreated()).isTrue();
    assertThat(own.getPlanCreated()).isTrue();
    String token = new TaskToken(jobA, 1, "phone", "root", System.currentTimeMillis() + 60_000).encode(SIGNER);
    assertThat(send(HttpMethod.GET, plan, token, null).bodyAsString()).isEqualTo("plan of a");
    assertThat(send(HttpMethod.PUT, "/v1/results/" + jobA + "/1?samples=2", token,
        Buffer.buffer(Tensors.encode(new double[] {0.5, -0.5}, DType.FLOAT32))).statusCode()).isEqualTo(200);

    // The owner reads its aggregate; the other tenant still cannot, but works on its own job.
    HttpResponse<Buffer> agg = send(HttpMethod.GET, aggregate, KEY_A, null);
    assertThat(agg.statusCode()).isEqualTo(200);
    assertThat(Tensors.decode(agg.body().getBytes())).containsExactly(0.5, -0.5);
    Aggregate viaGrpc = await(dataPlane(DataPlaneGrpcClient.GetAggregate, getAggregate, KEY_A));
    assertThat(viaGrpc.getContributors()).isEqualTo(1);
    assertThat(send(HttpMethod.GET, aggregate, KEY_B, null).statusCode()).isEqualTo(403);
    assertThat(send(HttpMethod.PUT, "/v1/rounds/" + jobB + "/1", KEY_B, spec).statusCode()).isEqualTo(201);

    assertThat(refused("forbidden")).isEqualTo(7);
    assertThat(refused("unauthenticated")).isEqualTo(3);
    assertThat(refused("unknown_job")).isEqualTo(2);
  }

  @Test
  void aStandaloneRootAsksTheControlPlaneWithTheCallersKey() {
    start("memory");
    long jobA = register(KEY_A);
    Vertx edge = Vertx.vertx();
    try {
      EdgeNodeVerticle root = new EdgeNodeVerticle(new DataPlaneOptions().setRole("root").setHost("127.0.0.1").setPort(0),
          new EdgeCredentials(SIGNER.audienceKeys("root"), null), new ControlPlaneJobAccess(edge, "127.0.0.1", server.server.jobsPort(), 2000, 1500),
          new SimpleMeterRegistry(), null);
      await(edge.deployVerticle(root));
      http = WebClient.create(edge);
      dp = root.actualPort();
      String round = "/v1/rounds/" + jobA + "/1";
      Buffer spec = new JsonObject().put("reducer", "sum").put("tensor_length", 1).put("target", 1).toBuffer();

      HttpResponse<Buffer> foreign = send(HttpMethod.PUT, round, KEY_B, spec);
      assertThat(foreign.statusCode()).isEqualTo(403);
      assertThat(errorMessage(foreign)).isEqualTo("job " + jobA + " belongs to another tenant");
      assertThat(send(HttpMethod.PUT, round, null, spec).statusCode()).isEqualTo(401);
      assertThat(errorMessage(send(HttpMethod.PUT, "/v1/rounds/" + (jobA + 1000) + "/1", KEY_A, spec)))
          .isEqualTo("no job " + (jobA + 1000));
      assertThat(send(HttpMethod.PUT, round, KEY_A, spec).statusCode()).isEqualTo(201);

      // Without the control plane, what was allowed stays allowed; nothing new is.
      server.close();
      server = null;
      assertThat(send(HttpMethod.PUT, "/v1/plans/" + jobA + "/1", KEY_A, Buffer.buffer("plan")).statusCode())
          .isEqualTo(201);
      HttpResponse<Buffer> unknown = send(HttpMethod.PUT, "/v1/plans/" + jobA + "/1", KEY_B, Buffer.buffer("forged"));
      assertThat(unknown.statusCode()).isEqualTo(503);
      assertThat(unknown.getHeader("Retry-After")).isEqualTo("2");
      assertThat(errorMessage(unknown)).contains("could not say whether this key may use job " + jobA);
    } finally {
      await(edge.close());
    }
  }

  private double refused(String reason) {
    return server.registry.get("propius.edge.job.calls.refused").tag("reason", reason).counter().count();
  }
}
