package io.propius.server.redis;

import static io.propius.testing.Eventually.eventually;
import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.EndRoundRequest;
import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.HeartbeatRequest;
import io.propius.api.grpc.JobEvent;
import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.grpc.JobState;
import io.propius.api.grpc.JobStatus;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.api.grpc.WatchJobRequest;
import io.propius.server.testing.RedisServerEnv;
import io.propius.testing.FreePort;
import io.propius.testing.RedisProcess;
import io.propius.testing.ServerProcess;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.grpc.client.GrpcClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole server process is killed and a new one started on the same Redis and ports: the job
 * carries on with the same id, round and counters, its client reconnects, and new ids continue.
 */
class RedisDurabilityTest {
  private static final JsonObject ATTRIBUTES = new JsonObject().put("cpu_cores", 2);
  private final List<AutoCloseable> resources = new ArrayList<>();
  private Vertx vertx;
  private WebClient http;
  private int devicesPort;

  @AfterEach
  void stop() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }

  private JsonObject post(String path, JsonObject body) {
    HttpResponse<Buffer> r = await(http.post(devicesPort, "127.0.0.1", path).sendJsonObject(body));
    assertThat(r.statusCode()).as(path + " " + r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  /** Checks in until the job is offered, accepts, and returns the binding. */
  private JsonObject bind(String device, long jobId) {
    JsonObject[] offer = new JsonObject[1];
    eventually(Duration.ofSeconds(10), () -> {
      post("/v1/checkin", new JsonObject().put("device_id", device).put("attributes", ATTRIBUTES))
          .getJsonArray("offers").forEach(o -> {
            if (((JsonObject) o).getLong("job_id") == jobId) {
              offer[0] = (JsonObject) o;
            }
          });
      return offer[0] != null;
    }, "an offer of job " + jobId);
    return post("/v1/accept", new JsonObject().put("device_id", device).put("offer", offer[0].getString("offer")));
  }

  @Test
  void aRestartedServerCarriesOnWhereTheKilledOneStopped() {
    RedisProcess redis = keep(RedisProcess.ephemeral());
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    int jobsPort = FreePort.find();
    devicesPort = FreePort.find();
    Map<String, String> env = RedisServerEnv.of(redis, "durable:", jobsPort, devicesPort, 0);
    env.put("PROPIUS_SECURITY_TOKEN_SECRET", Base64.getEncoder().encodeToString(secret));
    env.put("PROPIUS_SCHEDULER_TICK_MS", "200");

    ServerProcess first = keep(ServerProcess.start(env));
    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
    JobManagerGrpcClient jobs = JobManagerGrpcClient.create(GrpcClient.client(vertx, new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)),
        SocketAddress.inetSocketAddress(jobsPort, "127.0.0.1"));
    first.awaitUp();

    long jobId = await(jobs.registerJob(RegisterJobRequest.newBuilder().setTotalRounds(3).setEstDemand(5).build()))
        .getJobId();
    await(jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(jobId).setDemand(5).setRound(1).build()));
    JsonObject confirmedOne = bind("a", jobId);
    post("/v1/confirm", new JsonObject().put("task_token", confirmedOne.getString("task_token")));
    JsonObject pending = bind("b", jobId);
    bind("c", jobId);
    JobStatus before = await(jobs.getJob(GetJobRequest.newBuilder().setJobId(jobId).build()));
    assertThat(before.getAmount()).isEqualTo(3);

    first.kill();
    ServerProcess second = keep(ServerProcess.start(env));
    second.awaitUp();

    // The same client, on the same address, reaches the new process.
    JobStatus after = await(jobs.getJob(GetJobRequest.newBuilder().setJobId(jobId).build()));
    assertThat(after.getState()).isEqualTo(JobState.REQUESTING);
    assertThat(after.getRound()).isEqualTo(1);
    assertThat(after.getDemand()).isEqualTo(5);
    assertThat(after.getAmount()).isEqualTo(3);
    assertThat(after.getAttainedService()).isEqualTo(3);
    assertThat(after.getStartSched()).isEqualTo(before.getStartSched());
    assertThat(after.getTimeStamp()).isEqualTo(before.getTimeStamp());
    await(jobs.heartbeat(HeartbeatRequest.newBuilder().setJobId(jobId).build()));
    List<JobEvent> events = new CopyOnWriteArrayList<>();
    await(jobs.watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build()).onSuccess(w -> w.handler(events::add)));

    // Bindings made before the restart hold: a retried accept is not counted again, a confirm works.
    post("/v1/confirm", new JsonObject().put("task_token", pending.getString("task_token")));
    bind("c", jobId);
    bind("d", jobId);
    bind("e", jobId);
    JobStatus filled = await(jobs.getJob(GetJobRequest.newBuilder().setJobId(jobId).build()));
    assertThat(filled.getAmount()).isEqualTo(5);
    assertThat(filled.getState()).isEqualTo(JobState.FILLED);
    eventually(Duration.ofSeconds(5), () -> events.stream().anyMatch(e -> e.getType() == JobEvent.Type.ROUND_FILLED),
        "the watch to see the round fill");
    assertThat(await(jobs.endRound(EndRoundRequest.newBuilder().setJobId(jobId).setRound(1).build())).getBound())
        .isEqualTo(5);
    long next = await(jobs.registerJob(RegisterJobRequest.newBuilder().setTotalRounds(1).setEstDemand(1).build()))
        .getJobId();
    assertThat(next).as("ids continue after the old ones").isEqualTo(jobId + 1);
  }
}
