package io.propius.server;

import static io.propius.testing.Futures.await;
import static io.propius.testing.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.api.grpc.WatchJobRequest;
import io.propius.server.config.PropiusOptions;
import io.propius.server.testing.GrpcFailure;
import io.propius.server.testing.TestServer;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** With API keys configured, a tenant is who its key says and touches only its own jobs. */
class JobApiAuthTest {
  private static final String KEY_A = "key-a-0123456789abcdef";
  private static final String KEY_B = "key-b-0123456789abcdef";
  private static final RegisterJobRequest JOB = RegisterJobRequest.newBuilder().setTotalRounds(2).setEstDemand(3).build();
  private TestServer server;

  @BeforeEach
  void start() {
    PropiusOptions options = TestServer.testOptions();
    options.security().setJobApiKeys(Map.of("team-a", KEY_A, "team-b", KEY_B));
    server = TestServer.start(options);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static void assertFails(Throwable err, GrpcStatus status, String message) {
    assertThat(err).isInstanceOf(GrpcFailure.class);
    assertThat(((GrpcFailure) err).status).isEqualTo(status);
    assertThat(((GrpcFailure) err).statusMessage()).contains(message);
  }

  @Test
  void keysDecideTheTenantAndGuardItsJobs() {
    assertFails(failure(server.call(JobManagerGrpcClient.RegisterJob, JOB)), GrpcStatus.UNAUTHENTICATED,
        "needs an API key");
    assertFails(failure(server.call(JobManagerGrpcClient.RegisterJob, JOB, "not-a-key-at-all")),
        GrpcStatus.UNAUTHENTICATED, "unknown API key");
    assertFails(failure(server.call(JobManagerGrpcClient.RegisterJob, JOB.toBuilder().setTenant("team-b").build(), KEY_A)),
        GrpcStatus.PERMISSION_DENIED, "belongs to tenant 'team-a', not 'team-b'");

    long jobA = await(server.call(JobManagerGrpcClient.RegisterJob, JOB, KEY_A)).getJobId();
    assertThat(await(server.call(JobManagerGrpcClient.GetJob, GetJobRequest.newBuilder().setJobId(jobA).build(), KEY_A))
        .getTenant()).isEqualTo("team-a");

    RequestRoundRequest round = RequestRoundRequest.newBuilder().setJobId(jobA).setDemand(3).build();
    assertFails(failure(server.call(JobManagerGrpcClient.RequestRound, round, KEY_B)), GrpcStatus.PERMISSION_DENIED,
        "job " + jobA + " belongs to another tenant");
    assertFails(failure(server.call(JobManagerGrpcClient.GetJob, GetJobRequest.newBuilder().setJobId(jobA).build(),
        KEY_B)), GrpcStatus.PERMISSION_DENIED, "another tenant");
    assertFails(failure(server.call(JobManagerGrpcClient.WatchJob, WatchJobRequest.newBuilder().setJobId(jobA).build(),
        KEY_B)), GrpcStatus.PERMISSION_DENIED, "another tenant");
    assertThat(await(server.call(JobManagerGrpcClient.GetJob, GetJobRequest.newBuilder().setJobId(jobA).build(), KEY_A))
        .getRound()).as("the other tenant changed nothing").isZero();
    assertThat(await(server.call(JobManagerGrpcClient.RequestRound, round, KEY_A)).getRound()).isEqualTo(1);
  }

  @Test
  void theWebSocketAuthenticatesItsUpgrade() {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(server.server.jobsPort()).setURI("/v1/jobs/ws");
    Throwable refused = failure(server.webSocketClient().connect(options));
    assertThat(refused.getMessage()).contains("401");
    var ws = await(server.webSocketClient().connect(options.addHeader("Authorization", "Bearer " + KEY_B)));
    Promise<JsonObject> reply = Promise.promise();
    ws.textMessageHandler(t -> reply.tryComplete(new JsonObject(t)));
    ws.writeTextMessage(new JsonObject().put("id", 1).put("method", "RegisterJob")
        .put("params", new JsonObject().put("total_rounds", 1).put("est_demand", 1)).encode());
    long id = Long.parseLong(await(reply.future()).getJsonObject("result").getString("job_id"));
    assertThat(await(server.call(JobManagerGrpcClient.GetJob, GetJobRequest.newBuilder().setJobId(id).build(), KEY_B))
        .getTenant()).isEqualTo("team-b");
    await(ws.close());
  }
}
