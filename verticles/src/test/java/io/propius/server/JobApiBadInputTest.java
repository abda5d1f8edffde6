package io.propius.server;

import static io.propius.server.testing.TestServer.await;
import static io.propius.server.testing.TestServer.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.ErrorCode;
import io.propius.api.grpc.DataWork;
import io.propius.api.grpc.EndRoundRequest;
import io.propius.api.grpc.FinishJobRequest;
import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.HeartbeatRequest;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.api.grpc.WatchJobRequest;
import io.propius.server.config.PropiusOptions;
import io.propius.server.testing.GrpcFailure;
import io.propius.server.testing.TestServer;
import io.propius.api.grpc.JobManagerGrpcClient;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Malformed or out-of-place job calls get proper gRPC statuses with messages, and change nothing. */
class JobApiBadInputTest {
  private TestServer server;

  @BeforeEach
  void start() {
    PropiusOptions options = TestServer.testOptions();
    options.admission().setMaxDemandPerRound(100).setMaxActiveDemandPerTenant(150).setMaxTotalRounds(50);
    server = TestServer.start(options);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** The code's gRPC status, the code itself in the trailer, and a message saying what was wrong. */
  private static void assertStatus(Throwable err, ErrorCode code, String... messageParts) {
    assertThat(err).isInstanceOf(GrpcFailure.class);
    GrpcFailure e = (GrpcFailure) err;
    assertThat(e.status).isEqualTo(code.grpcStatus());
    assertThat(e.errorCode).isEqualTo(code.name());
    assertThat(e.statusMessage()).contains(messageParts);
  }

  private RegisterJobRequest.Builder job() {
    return RegisterJobRequest.newBuilder().setTotalRounds(3).setEstDemand(10);
  }

  @Test
  void admissionControlAndValidation() {
    assertStatus(failure(server.call(JobManagerGrpcClient.RegisterJob, job().setEstDemand(101).build())), ErrorCode.ADMISSION_DENIED,
        "est_demand 101 exceeds the limit admission.maxDemandPerRound = 100");
    assertStatus(failure(server.call(JobManagerGrpcClient.RegisterJob, job().setTotalRounds(51).build())), ErrorCode.ADMISSION_DENIED,
        "total_rounds 51 exceeds the limit admission.maxTotalRounds = 50");
    // uint32 values above 2^31 are read unsigned, not as negative numbers
    assertStatus(failure(server.call(JobManagerGrpcClient.RegisterJob, job().setTotalRounds((int) 4_000_000_000L).build())),
        ErrorCode.ADMISSION_DENIED, "total_rounds 4000000000 exceeds the limit admission.maxTotalRounds = 50");
    assertStatus(failure(server.call(JobManagerGrpcClient.RegisterJob, job().setEstDemand(-1).build())),
        ErrorCode.ADMISSION_DENIED, "est_demand 4294967295 exceeds the limit admission.maxDemandPerRound = 100");
    assertStatus(failure(server.call(JobManagerGrpcClient.RegisterJob, job().setEstDemand(0).build())), ErrorCode.INVALID_ARGUMENT,
        "est_demand must be at least 1");
    assertStatus(failure(server.call(JobManagerGrpcClient.RegisterJob, job().setTotalRounds(0).build())), ErrorCode.INVALID_ARGUMENT,
        "total_rounds must be at least 1");
    assertStatus(failure(server.call(JobManagerGrpcClient.RegisterJob, job().putPublicConstraints("Bad Name", 1).build())),
        ErrorCode.INVALID_ARGUMENT, "public_constraints: attribute name 'Bad Name' is not valid");
    assertStatus(failure(server.call(JobManagerGrpcClient.RegisterJob, job().putPrivateConstraints("size", Double.NaN).build())),
        ErrorCode.INVALID_ARGUMENT, "private_constraints.size: lower bound must be a finite number");
    assertStatus(failure(server.call(JobManagerGrpcClient.RegisterJob, job().setTenant("Team A").build())), ErrorCode.INVALID_ARGUMENT,
        "tenant 'Team A' is not valid");
    assertStatus(failure(server.call(JobManagerGrpcClient.RegisterJob, job().setDataPlane(
            io.propius.api.grpc.DataPlaneOptions.newBuilder().setAddress("ftp://x")).build())),
        ErrorCode.INVALID_ARGUMENT, "not an http(s) URL");

    // The per-tenant limit counts live jobs: 100 + 60 > 150, but another tenant is fine.
    await(server.jobs.registerJob(job().setEstDemand(100).setTenant("a").build()));
    assertStatus(failure(server.call(JobManagerGrpcClient.RegisterJob, job().setEstDemand(60).setTenant("a").build())),
        ErrorCode.ADMISSION_DENIED, "tenant 'a'", "over its limit of 150");
    long other = await(server.jobs.registerJob(job().setEstDemand(60).setTenant("b").build())).getJobId();
    assertThat(other).isEqualTo(2); // rejected registrations used no id
  }

  @Test
  void badDataWorkIsRefusedAndChangesNothing() {
    long id = await(server.jobs.registerJob(job().build())).getJobId();
    Function<DataWork.Builder, RequestRoundRequest> round = w ->
        RequestRoundRequest.newBuilder().setJobId(id).setDemand(5).setDataWork(w).build();
    DataWork.Builder ok = DataWork.newBuilder().setTotalShards(60).setShardBytes(78_400).setModelBytes(2_000_000)
        .setDeadlineMs(40_000);
    assertStatus(failure(server.call(JobManagerGrpcClient.RequestRound, round.apply(ok.clone().setTotalShards(-5)))),
        ErrorCode.INVALID_ARGUMENT, "total_shards must be between 1 and 1000000, got -5");
    assertStatus(failure(server.call(JobManagerGrpcClient.RequestRound, round.apply(ok.clone().setTotalShards(0)))),
        ErrorCode.INVALID_ARGUMENT, "total_shards");
    assertStatus(failure(server.call(JobManagerGrpcClient.RequestRound, round.apply(ok.clone().setShardBytes(-1)))),
        ErrorCode.INVALID_ARGUMENT, "shard_bytes");
    assertStatus(failure(server.call(JobManagerGrpcClient.RequestRound, round.apply(ok.clone().setModelBytes(1L << 50)))),
        ErrorCode.INVALID_ARGUMENT, "model_bytes");
    assertStatus(failure(server.call(JobManagerGrpcClient.RequestRound, round.apply(ok.clone().setDeadlineMs(0)))),
        ErrorCode.INVALID_ARGUMENT, "deadline_ms");
    assertThat(await(server.jobs.getJob(GetJobRequest.newBuilder().setJobId(id).build())).getRound())
        .as("refused requests open no round").isZero();
    assertThat(await(server.jobs.requestRound(round.apply(ok))).getRound()).isEqualTo(1);
  }

  @Test
  void roundsOutOfPlace() {
    long id = await(server.jobs.registerJob(job().setTotalRounds(1).build())).getJobId();
    assertStatus(failure(server.call(JobManagerGrpcClient.RequestRound, RequestRoundRequest.newBuilder().setJobId(999).setDemand(1).build())),
        ErrorCode.NOT_FOUND, "no job 999");
    assertStatus(failure(server.call(JobManagerGrpcClient.RequestRound, RequestRoundRequest.newBuilder().setDemand(1).build())),
        ErrorCode.INVALID_ARGUMENT, "job_id is required");
    assertStatus(failure(server.call(JobManagerGrpcClient.RequestRound, RequestRoundRequest.newBuilder().setJobId(id).setDemand(0).build())),
        ErrorCode.INVALID_ARGUMENT, "demand must be at least 1");
    assertStatus(failure(server.call(JobManagerGrpcClient.RequestRound, RequestRoundRequest.newBuilder().setJobId(id).setDemand(101).build())),
        ErrorCode.ADMISSION_DENIED, "demand 101 exceeds");
    assertStatus(failure(server.call(JobManagerGrpcClient.RequestRound, RequestRoundRequest.newBuilder().setJobId(id)
            .setDemand((int) 4_000_000_000L).build())),
        ErrorCode.ADMISSION_DENIED, "demand 4000000000 exceeds the limit admission.maxDemandPerRound = 100 devices per round");
    assertStatus(failure(server.call(JobManagerGrpcClient.RequestRound, RequestRoundRequest.newBuilder().setJobId(id)
            .setDemand(5).setRound((int) 3_000_000_000L).build())),
        ErrorCode.INVALID_ARGUMENT, "round 3000000000 exceeds the largest round number, 2147483647");
    assertStatus(failure(server.call(JobManagerGrpcClient.EndRound, EndRoundRequest.newBuilder().setJobId(id).build())),
        ErrorCode.FAILED_PRECONDITION, "has not requested a round yet");

    RequestRoundRequest first = RequestRoundRequest.newBuilder().setJobId(id).setDemand(5).setRound(1).build();
    assertThat(await(server.jobs.requestRound(first)).getRound()).isEqualTo(1);
    assertThat(await(server.jobs.requestRound(first)).getRound()).as("a retried request is acknowledged").isEqualTo(1);
    assertStatus(failure(server.call(JobManagerGrpcClient.RequestRound, RequestRoundRequest.newBuilder().setJobId(id).setDemand(5).build())),
        ErrorCode.FAILED_PRECONDITION, "round 1 of job " + id + " is still open");
    assertStatus(failure(server.call(JobManagerGrpcClient.EndRound, EndRoundRequest.newBuilder().setJobId(id).setRound(2).build())),
        ErrorCode.FAILED_PRECONDITION, "round 2 is not job " + id + "'s open round (1)");
    await(server.jobs.endRound(EndRoundRequest.newBuilder().setJobId(id).setRound(1).build()));
    await(server.jobs.endRound(EndRoundRequest.newBuilder().setJobId(id).setRound(1).build()));
    assertThat(await(server.jobs.getJob(GetJobRequest.newBuilder().setJobId(id).build())).getRoundsCompleted())
        .as("ending twice counts once").isEqualTo(1);
    assertStatus(failure(server.call(JobManagerGrpcClient.RequestRound, RequestRoundRequest.newBuilder().setJobId(id).setDemand(5).build())),
        ErrorCode.FAILED_PRECONDITION, "has run all 1 rounds");

    await(server.jobs.finishJob(FinishJobRequest.newBuilder().setJobId(id).build()));
    await(server.jobs.finishJob(FinishJobRequest.newBuilder().setJobId(id).build()));
    assertStatus(failure(server.call(JobManagerGrpcClient.Heartbeat, HeartbeatRequest.newBuilder().setJobId(id).build())),
        ErrorCode.FAILED_PRECONDITION, "is finished");
  }

  @Test
  void watchOfAnUnknownJobFailsWithNotFound() {
    Throwable err = failure(server.jobs.watchJob(WatchJobRequest.newBuilder().setJobId(404).build()));
    assertThat(err).isInstanceOf(InvalidStatusException.class);
    assertThat(((InvalidStatusException) err).actualStatus()).isEqualTo(GrpcStatus.NOT_FOUND);
  }
}
