package io.propius.server;

import static io.propius.testing.Eventually.eventually;
import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.JobEvent;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.api.grpc.WatchJobRequest;
import io.propius.api.tensor.DType;
import io.propius.api.tensor.Tensors;
import io.propius.server.testing.Devices;
import io.propius.server.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The all-in-one server's root edge node with the control plane: a device bound by a client
 * manager fetches the plan and uploads with its task token, and the job's watch stream gets
 * AGGREGATE_READY.
 */
class DataPlaneIntegrationTest {
  private final TestServer server = TestServer.start();

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void boundDeviceTrainsAndTheJobIsToldTheAggregateIsReady() {
    long jobId = await(server.jobs.registerJob(RegisterJobRequest.newBuilder().setName("dp").setTotalRounds(1)
        .setEstDemand(1).build())).getJobId();
    List<JobEvent> events = new CopyOnWriteArrayList<>();
    await(server.jobs.watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build())
        .onSuccess(watch -> watch.handler(events::add)));
    int round = await(server.jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(jobId).setDemand(1).build()))
        .getRound();
    int dp = server.server.dataPlanePort();
    String base = "/v1/rounds/" + jobId + "/" + round;
    assertThat(await(server.http.put(dp, "127.0.0.1", base).sendJsonObject(new JsonObject().put("reducer", "fedavg")
        .put("tensor_length", 2).put("target", 1))).statusCode()).isEqualTo(201);
    assertThat(await(server.http.put(dp, "127.0.0.1", "/v1/plans/" + jobId + "/" + round)
        .sendBuffer(Buffer.buffer("plan"))).statusCode()).isEqualTo(201);

    Devices devices = new Devices(server);
    JsonObject offer = devices.awaitOffer("phone", new JsonObject().put("cpu_cores", 4), jobId);
    JsonObject binding = await(devices.accept("phone", offer.getString("offer"))).bodyAsJsonObject();
    assertThat(binding.getString("data_plane")).isEqualTo("http://127.0.0.1:" + dp);
    String token = binding.getString("task_token");

    HttpResponse<Buffer> plan = await(server.http.get(dp, "127.0.0.1", "/v1/plans/" + jobId + "/" + round)
        .bearerTokenAuthentication(token).send());
    assertThat(plan.bodyAsString()).isEqualTo("plan");
    HttpResponse<Buffer> up = await(server.http.put(dp, "127.0.0.1", "/v1/results/" + jobId + "/" + round)
        .addQueryParam("samples", "10").bearerTokenAuthentication(token)
        .sendBuffer(Buffer.buffer(Tensors.encode(new double[] {0.5, -0.5}, DType.FLOAT32))));
    assertThat(up.statusCode()).isEqualTo(200);

    eventually(Duration.ofSeconds(5), () -> events.stream().anyMatch(e -> e.getType() == JobEvent.Type.AGGREGATE_READY),
        "AGGREGATE_READY on the watch stream");
    JobEvent ready = events.stream().filter(e -> e.getType() == JobEvent.Type.AGGREGATE_READY).findFirst().orElseThrow();
    assertThat(ready.getRound()).isEqualTo(round);
    assertThat(ready.getAmount()).isEqualTo(1);
    assertThat(ready.getReason()).isEqualTo("target");
    HttpResponse<Buffer> agg = await(server.http.get(dp, "127.0.0.1", "/v1/aggregates/" + jobId + "/" + round).send());
    assertThat(Tensors.decode(agg.body().getBytes())).containsExactly(0.5, -0.5);
  }
}
