package io.propius.server.redis;

import static io.propius.testing.Eventually.eventually;
import static io.propius.testing.Futures.await;
import static io.propius.testing.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.EndRoundRequest;
import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.HeartbeatRequest;
import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.grpc.JobState;
import io.propius.api.grpc.JobStatus;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.server.config.PropiusOptions;
import io.propius.server.testing.Devices;
import io.propius.server.testing.GrpcFailure;
import io.propius.server.testing.TestServer;
import io.propius.testing.RedisProcess;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.grpc.common.GrpcStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * redis-server is killed under a running server and started again: meanwhile job calls fail with
 * UNAVAILABLE and device calls with 503 + Retry-After, the server stays up, and afterwards it works
 * again by itself with nothing acknowledged lost or counted twice.
 */
class RedisOutageTest {
  private static final JsonObject ATTRIBUTES = new JsonObject().put("cpu_cores", 2);
  private RedisProcess redis;
  private TestServer server;

  // The same clean-up as DataPlaneTenancyTest's; each test starts its own Redis and server, so each closes them.
  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  private JobStatus status(long jobId) {
    return await(server.jobs.getJob(GetJobRequest.newBuilder().setJobId(jobId).build()));
  }

  @Test
  void theServerRidesOutARedisRestart() {
    redis = RedisProcess.durable();
    PropiusOptions options = TestServer.testOptions();
    options.store().setType("redis").setRedisUri(redis.uri());
    server = TestServer.start(options);
    Devices devices = new Devices(server);
    long jobId = await(server.jobs.registerJob(RegisterJobRequest.newBuilder().setTotalRounds(2).setEstDemand(3)
        .build())).getJobId();
    await(server.jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(jobId).setDemand(3).setRound(1).build()));
    String before = devices.awaitOffer("before", ATTRIBUTES, jobId).getString("offer");
    String during = devices.awaitOffer("during", ATTRIBUTES, jobId).getString("offer");
    HttpResponse<Buffer> bound = await(devices.accept("before", before));
    assertThat(bound.statusCode()).isEqualTo(200);

    redis.kill();

    GrpcFailure jobCall = (GrpcFailure) failure(server.call(JobManagerGrpcClient.Heartbeat,
        HeartbeatRequest.newBuilder().setJobId(jobId).build()));
    assertThat(jobCall.status).isEqualTo(GrpcStatus.UNAVAILABLE);
    assertThat(jobCall.statusMessage()).contains("job store (Redis) is unavailable");
    assertThat(jobCall.errorCode).isEqualTo("UNAVAILABLE");
    assertThat(jobCall.retryAfterMs).as("the retry hint the HTTP side sends as Retry-After: 1").isEqualTo("1000");
    GrpcFailure register = (GrpcFailure) failure(server.call(JobManagerGrpcClient.RegisterJob,
        RegisterJobRequest.newBuilder().setTotalRounds(1).setEstDemand(1).build()));
    assertThat(register.status).isEqualTo(GrpcStatus.UNAVAILABLE);
    HttpResponse<Buffer> accept = await(devices.accept("during", during));
    assertThat(accept.statusCode()).isEqualTo(503);
    assertThat(accept.getHeader("Retry-After")).isEqualTo("1");
    assertThat(accept.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("UNAVAILABLE");
    HttpResponse<Buffer> confirm = await(devices.confirm(bound.bodyAsJsonObject().getString("task_token")));
    assertThat(confirm.statusCode()).isEqualTo(503);
    // Check-ins never touch the store: devices keep getting offers and pace hints.
    assertThat(await(devices.checkin("other", ATTRIBUTES)).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> ready = await(server.http.get(server.server.adminPort(), "127.0.0.1", "/readyz").send());
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(server.registry.scrape()).contains("propius_store_calls_seconds_count{call=\"reserve\",outcome=\"unavailable\"} 1");

    redis.restart();

    eventually(Duration.ofSeconds(10), () -> await(devices.accept("during", during)).statusCode() == 200,
        "the accept to go through once Redis is back");
    assertThat(await(devices.accept("during", during)).statusCode()).as("a retried accept binds once").isEqualTo(200);
    assertThat(await(devices.confirm(bound.bodyAsJsonObject().getString("task_token"))).statusCode()).isEqualTo(200);
    JobStatus after = status(jobId);
    assertThat(after.getState()).isEqualTo(JobState.REQUESTING);
    assertThat(after.getRound()).isEqualTo(1);
    assertThat(after.getAmount()).as("'before' kept, 'during' counted once").isEqualTo(2);
    assertThat(after.getAttainedService()).isEqualTo(2);
    assertThat(await(server.jobs.heartbeat(HeartbeatRequest.newBuilder().setJobId(jobId).build())).getState())
        .isEqualTo(JobState.REQUESTING);
    assertThat(await(server.jobs.endRound(EndRoundRequest.newBuilder().setJobId(jobId).setRound(1).build())).getBound())
        .isEqualTo(2);
    assertThat(await(server.jobs.registerJob(RegisterJobRequest.newBuilder().setTotalRounds(1).setEstDemand(1)
        .build())).getJobId()).as("ids continue after the restart").isEqualTo(jobId + 1);
    assertThat(await(server.http.get(server.server.adminPort(), "127.0.0.1", "/readyz").send()).statusCode())
        .isEqualTo(200);
  }

  @Test
  void acceptsInFlightWhenRedisDiesAreAnsweredAndCountedOnce() {
    redis = RedisProcess.durable();
    PropiusOptions options = TestServer.testOptions();
    options.store().setType("redis").setRedisUri(redis.uri());
    server = TestServer.start(options);
    Devices devices = new Devices(server);
    int n = 300;
    long jobId = await(server.jobs.registerJob(RegisterJobRequest.newBuilder().setTotalRounds(1).setEstDemand(n)
        .build())).getJobId();
    await(server.jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(jobId).setDemand(n).build()));
    devices.awaitOffer("probe", ATTRIBUTES, jobId);
    List<Future<String>> offered = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      offered.add(devices.checkin("m" + i, ATTRIBUTES).map(r -> r.bodyAsJsonObject().getJsonArray("offers")
          .getJsonObject(0).getString("offer")));
    }
    List<String> offers = await(Future.all(offered)).list();

    List<Future<HttpResponse<Buffer>>> accepts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      accepts.add(devices.accept("m" + i, offers.get(i)));
    }
    await(Future.any(accepts));
    redis.kill(); // the first accept is answered, the others are on their way
    await(Future.join(accepts), Duration.ofSeconds(30));
    Map<String, Long> acknowledged = new HashMap<>();
    for (int i = 0; i < n; i++) {
      HttpResponse<Buffer> r = accepts.get(i).result();
      assertThat(r.statusCode()).as("accept " + i + ": " + r.bodyAsString()).isIn(200, 503);
      if (r.statusCode() == 200) {
        acknowledged.put("m" + i, r.bodyAsJsonObject().getLong("lease_expires_at_ms"));
      }
    }
    assertThat(acknowledged).as("some were bound before Redis died").isNotEmpty();
    assertThat(acknowledged.size()).as("some were refused while Redis was down").isLessThan(n);

    redis.restart();
    // Every device retries until it gets an answer; the ones acknowledged before get the same binding.
    Map<String, Long> leases = new HashMap<>();
    for (int i = 0; i < n; i++) {
      String device = "m" + i;
      String offer = offers.get(i);
      eventually(Duration.ofSeconds(10), () -> {
        HttpResponse<Buffer> r = await(devices.accept(device, offer));
        if (r.statusCode() == 200) {
          leases.put(device, r.bodyAsJsonObject().getLong("lease_expires_at_ms"));
        }
        return r.statusCode() == 200;
      }, "accept of " + device);
    }
    acknowledged.forEach((device, lease) -> assertThat(leases.get(device))
        .as("%s keeps the binding acknowledged before the outage", device).isEqualTo(lease));
    JobStatus status = status(jobId);
    assertThat(status.getAmount()).as("each device counted once").isEqualTo(n);
    assertThat(status.getAttainedService()).isEqualTo(n);
    assertThat(status.getState()).isEqualTo(JobState.FILLED);
  }
}
