package io.propius.server;

import static io.propius.server.testing.TestServer.await;
import static io.propius.server.testing.TestServer.eventually;
import static io.propius.server.testing.TestServer.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.FinishJobRequest;
import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.HeartbeatRequest;
import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.grpc.JobState;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.api.grpc.WatchJobRequest;
import io.propius.server.config.PropiusOptions;
import io.propius.server.testing.GrpcFailure;
import io.propius.server.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcStatus;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Over gRPC the exact error code rides in the {@code propius-error-code} trailer, seen here by a
 * raw gRPC client: codes that share a status stay apart, on unary and streaming calls alike.
 */
class GrpcErrorTrailersTest {
  private TestServer server;

  @BeforeEach
  void start() {
    PropiusOptions options = TestServer.testOptions();
    options.jobs().setHeartbeatTimeoutMs(300);
    options.devices().setLeaseMs(400); // expiry sweeps every 100 ms
    options.jobs().setMaxMessageBytes(4096);
    options.admission().setMaxDemandPerRound(100);
    server = TestServer.start(options);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private long register() {
    return await(server.jobs.registerJob(RegisterJobRequest.newBuilder().setTotalRounds(2).setEstDemand(1).build()))
        .getJobId();
  }

  private GrpcFailure heartbeatFailure(long jobId) {
    return (GrpcFailure) failure(server.call(JobManagerGrpcClient.Heartbeat,
        HeartbeatRequest.newBuilder().setJobId(jobId).build()));
  }

  @Test
  void anExpiredAndAFinishedJobShareAStatusButNotACode() {
    long silent = register();
    long finished = register();
    await(server.jobs.finishJob(FinishJobRequest.newBuilder().setJobId(finished).build()));
    eventually(Duration.ofSeconds(5), () -> await(server.jobs.getJob(GetJobRequest.newBuilder().setJobId(silent)
        .build())).getState() == JobState.EXPIRED, "the silent job to expire");

    GrpcFailure expired = heartbeatFailure(silent);
    GrpcFailure done = heartbeatFailure(finished);
    assertThat(expired.status).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
    assertThat(done.status).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
    assertThat(expired.errorCode).isEqualTo("JOB_EXPIRED");
    assertThat(done.errorCode).isEqualTo("FAILED_PRECONDITION");
    assertThat(expired.statusMessage()).contains("job " + silent + " was expired: no heartbeat for");
    assertThat(done.statusMessage()).contains("job " + finished + " is finished");
    assertThat(expired.retryAfterMs).as("no retry hint where a retry cannot help").isNull();

    GrpcFailure round = (GrpcFailure) failure(server.call(JobManagerGrpcClient.RequestRound,
        RequestRoundRequest.newBuilder().setJobId(silent).setDemand(1).build()));
    assertThat(round.status).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
    assertThat(round.errorCode).isEqualTo("JOB_EXPIRED");
  }

  @Test
  void aTooLargeRequestAndAnAdmissionRefusalShareAStatusButNotACode() {
    GrpcFailure tooLarge = (GrpcFailure) failure(server.callWithPayload(JobManagerGrpcClient.RegisterJob,
        Buffer.buffer(new byte[8192])));
    GrpcFailure refused = (GrpcFailure) failure(server.call(JobManagerGrpcClient.RegisterJob,
        RegisterJobRequest.newBuilder().setTotalRounds(1).setEstDemand(101).build()));
    assertThat(tooLarge.status).isEqualTo(GrpcStatus.RESOURCE_EXHAUSTED);
    assertThat(refused.status).isEqualTo(GrpcStatus.RESOURCE_EXHAUSTED);
    assertThat(tooLarge.errorCode).isEqualTo("PAYLOAD_TOO_LARGE");
    assertThat(refused.errorCode).isEqualTo("ADMISSION_DENIED");
    assertThat(tooLarge.statusMessage()).contains("RegisterJob request of 8192 bytes is over");
    assertThat(refused.statusMessage()).contains("est_demand 101 exceeds the limit admission.maxDemandPerRound = 100");
    assertThat(register()).as("neither registered a job").isEqualTo(1);
  }

  @Test
  void theStreamingWatchCarriesTheCodeToo() {
    GrpcFailure unknown = (GrpcFailure) failure(server.call(JobManagerGrpcClient.WatchJob,
        WatchJobRequest.newBuilder().setJobId(404).build()));
    assertThat(unknown.status).isEqualTo(GrpcStatus.NOT_FOUND);
    assertThat(unknown.errorCode).isEqualTo("NOT_FOUND");
    assertThat(unknown.statusMessage()).contains("no job 404");

    // Field 1 announced with a length that never comes: not a WatchJobRequest.
    Buffer garbage = Buffer.buffer(new byte[] {0x0a, (byte) 0xff});
    GrpcFailure malformed = (GrpcFailure) failure(server.callWithPayload(JobManagerGrpcClient.WatchJob, garbage));
    assertThat(malformed.status).isEqualTo(GrpcStatus.INVALID_ARGUMENT);
    assertThat(malformed.errorCode).isEqualTo("INVALID_ARGUMENT");
    assertThat(malformed.statusMessage()).contains("malformed WatchJob request");
    GrpcFailure unary = (GrpcFailure) failure(server.callWithPayload(JobManagerGrpcClient.Heartbeat, garbage));
    assertThat(unary.errorCode).isEqualTo("INVALID_ARGUMENT");
    assertThat(unary.statusMessage()).contains("malformed Heartbeat request");
    // The server is fine afterwards.
    assertThat(register()).isPositive();
  }
}
