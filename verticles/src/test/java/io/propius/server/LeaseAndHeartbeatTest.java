package io.propius.server;

import static io.propius.testing.Eventually.eventually;
import static io.propius.testing.Futures.await;
import static io.propius.testing.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.HeartbeatRequest;
import io.propius.api.grpc.JobEvent;
import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.grpc.JobState;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.api.grpc.WatchJobRequest;
import io.propius.server.config.PropiusOptions;
import io.propius.server.testing.Devices;
import io.propius.server.testing.GrpcFailure;
import io.propius.server.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Leases give back unconfirmed slots; silent jobs are expired and told why. */
class LeaseAndHeartbeatTest {
  private static final JsonObject ATTRIBUTES = new JsonObject().put("cpu_cores", 2);
  private TestServer server;
  private Devices devices;

  @BeforeEach
  void start() {
    PropiusOptions options = TestServer.testOptions();
    options.devices().setLeaseMs(400);
    options.jobs().setHeartbeatTimeoutMs(1_500);
    server = TestServer.start(options);
    devices = new Devices(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private long openRound(int demand, List<JobEvent> events) {
    long jobId = await(server.jobs.registerJob(RegisterJobRequest.newBuilder().setTotalRounds(5).setEstDemand(demand)
        .build())).getJobId();
    await(server.jobs.watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build())
        .onSuccess(watch -> watch.handler(events::add)));
    await(server.jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(jobId).setDemand(demand).build()));
    return jobId;
  }

  private int amount(long jobId) {
    return await(server.jobs.getJob(GetJobRequest.newBuilder().setJobId(jobId).build())).getAmount();
  }

  @Test
  void anUnconfirmedBindingGivesItsSlotBack() {
    List<JobEvent> events = new CopyOnWriteArrayList<>();
    long jobId = openRound(2, events);
    HttpResponse<Buffer> lazy = await(devices.accept("lazy", devices.awaitOffer("lazy", ATTRIBUTES, jobId)
        .getString("offer")));
    HttpResponse<Buffer> keen = await(devices.accept("keen", devices.awaitOffer("keen", ATTRIBUTES, jobId)
        .getString("offer")));
    assertThat(lazy.statusCode()).isEqualTo(200);
    assertThat(keen.statusCode()).isEqualTo(200);
    assertThat(await(devices.confirm(keen.bodyAsJsonObject().getString("task_token"))).statusCode()).isEqualTo(200);
    assertThat(amount(jobId)).isEqualTo(2);

    // The lazy device never confirms: after the lease its slot is free, the keen one keeps its slot.
    eventually(Duration.ofSeconds(5), () -> amount(jobId) == 1, "the unconfirmed slot to be given back");
    eventually(Duration.ofSeconds(2), () -> events.stream().anyMatch(e -> e.getType() == JobEvent.Type.LEASE_EXPIRED
        && e.getDeviceId().equals("lazy")), "LEASE_EXPIRED for the lazy device");
    assertThat(await(server.jobs.getJob(GetJobRequest.newBuilder().setJobId(jobId).build())).getState())
        .isEqualTo(JobState.REQUESTING);

    // Its late confirm is refused; another device takes the slot.
    HttpResponse<Buffer> late = await(devices.confirm(lazy.bodyAsJsonObject().getString("task_token")));
    assertThat(late.statusCode()).isEqualTo(409);
    assertThat(late.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("LEASE_EXPIRED");
    HttpResponse<Buffer> next = await(devices.accept("next", devices.awaitOffer("next", ATTRIBUTES, jobId)
        .getString("offer")));
    assertThat(next.statusCode()).isEqualTo(200);
    assertThat(amount(jobId)).isEqualTo(2);
    // Confirmed bindings outlive the lease.
    assertThat(await(devices.confirm(next.bodyAsJsonObject().getString("task_token"))).statusCode()).isEqualTo(200);
    try {
      Thread.sleep(800);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    assertThat(amount(jobId)).isEqualTo(2);
    assertThat(events.stream().filter(e -> e.getType() == JobEvent.Type.ROUND_FILLED)).hasSize(2);
  }

  @Test
  void aSilentJobIsExpiredAndToldWhy() {
    List<JobEvent> events = new CopyOnWriteArrayList<>();
    long jobId = openRound(3, events);
    devices.awaitOffer("d1", ATTRIBUTES, jobId);
    // Keep it alive past the timeout with heartbeats, then fall silent.
    for (int i = 0; i < 4; i++) {
      await(server.jobs.heartbeat(HeartbeatRequest.newBuilder().setJobId(jobId).build()));
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    assertThat(await(server.jobs.getJob(GetJobRequest.newBuilder().setJobId(jobId).build())).getState())
        .isEqualTo(JobState.REQUESTING);
    eventually(Duration.ofSeconds(5), () -> events.stream().anyMatch(e -> e.getType() == JobEvent.Type.JOB_EXPIRED),
        "JOB_EXPIRED");
    var status = await(server.jobs.getJob(GetJobRequest.newBuilder().setJobId(jobId).build()));
    assertThat(status.getState()).isEqualTo(JobState.EXPIRED);
    assertThat(status.getReason()).contains("no heartbeat for");
    eventually(Duration.ofSeconds(5), () -> await(devices.checkin("d1", ATTRIBUTES)).bodyAsJsonObject()
        .getJsonArray("offers").isEmpty(), "the expired job's round to leave the schedule");
    Throwable err = failure(server.call(JobManagerGrpcClient.Heartbeat, HeartbeatRequest.newBuilder().setJobId(jobId)
        .build()));
    assertThat(((GrpcFailure) err).status).isEqualTo(GrpcStatus.FAILED_PRECONDITION);
    assertThat(((GrpcFailure) err).statusMessage()).contains("was expired: no heartbeat for");
  }
}
