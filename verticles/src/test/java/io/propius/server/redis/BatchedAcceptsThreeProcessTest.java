package io.propius.server.redis;

import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.grpc.JobState;
import io.propius.api.grpc.JobStatus;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.server.testing.Devices;
import io.propius.server.testing.RedisServerEnv;
import io.propius.testing.FreePort;
import io.propius.testing.RedisProcess;
import io.propius.testing.ServerProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.grpc.client.GrpcClient;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three server JVMs on one redis-server, each sending its reservations and confirmations to Redis
 * in batches: 600 devices accept a round of demand 100, each twice (at two different
 * processes, as a client retrying through a load balancer would), and confirm twice; the first 60
 * devices' confirmations go at once with the other devices' accepts. Exactly 100 devices are bound,
 * each once, every retry gets the same answer, every bound device's confirmations succeed, and the
 * processes did share script calls among accepts.
 */
class BatchedAcceptsThreeProcessTest {
  private static final JsonObject ATTRIBUTES = new JsonObject().put("cpu_cores", 2);
  private static final Pattern BATCH_SIZE = Pattern.compile(
      "(?m)^propius_store_batch_size_(count|sum)\\{call=\"reserve\"[^}]*} ([0-9.E]+)$");
  private final List<AutoCloseable> started = new ArrayList<>();

  @AfterEach
  void stopAll() throws Exception {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
  }

  @Test
  void concurrentRetriedAcceptsOnThreeProcessesBindExactlyTheDemandOnce() {
    RedisProcess redis = keep(RedisProcess.ephemeral());
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    List<Integer> devicePorts = new ArrayList<>();
    List<Integer> adminPorts = new ArrayList<>();
    List<ServerProcess> servers = new ArrayList<>();
    int jobsPort = 0;
    for (int s = 0; s < 3; s++) {
      int port = FreePort.find();
      int adminPort = FreePort.find();
      if (s == 0) {
        jobsPort = FreePort.find();
      }
      Map<String, String> env =
          RedisServerEnv.of(redis, "batched:", s == 0 ? jobsPort : FreePort.find(), port, adminPort);
      env.put("PROPIUS_SECURITY_TOKEN_SECRET", Base64.getEncoder().encodeToString(secret));
      env.put("PROPIUS_SCHEDULER_TICK_MS", "200");
      servers.add(keep(ServerProcess.start(env)));
      devicePorts.add(port);
      adminPorts.add(adminPort);
    }
    servers.forEach(ServerProcess::awaitUp);

    Vertx vertx = Vertx.vertx();
    started.add(() -> await(vertx.close()));
    WebClient http = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(32));
    List<Devices> endpoints = devicePorts.stream().map(port -> Devices.at(http, port)).toList();
    JobManagerGrpcClient jobs = JobManagerGrpcClient.create(GrpcClient.client(vertx, new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)),
        SocketAddress.inetSocketAddress(jobsPort, "127.0.0.1"));
    long jobId = await(jobs.registerJob(RegisterJobRequest.newBuilder().setTotalRounds(1).setEstDemand(100).build()))
        .getJobId();
    await(jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(jobId).setDemand(100).build()));
    for (int s = 0; s < 3; s++) {
      endpoints.get(s).awaitOffer("probe" + s, ATTRIBUTES, jobId);
    }

    int devices = 600;
    List<Future<String>> offers = new ArrayList<>();
    for (int i = 0; i < devices; i++) {
      offers.add(endpoints.get(i % 3).offerOf("d" + i, ATTRIBUTES, jobId));
    }
    await(Future.all(offers), Duration.ofSeconds(60));

    // Each device accepts at the next process and, at once, again at the one after (a retry): first
    // 60 devices, then the others while the first 60 confirm (each of their two tokens, at two processes).
    int early = 60;
    List<Future<HttpResponse<Buffer>>> accepts = new ArrayList<>();
    for (int i = 0; i < devices; i++) {
      if (i == early) {
        await(Future.join(accepts), Duration.ofSeconds(60));
      }
      accepts.add(endpoints.get((i + 1) % 3).accept("d" + i, offers.get(i).result()));
      accepts.add(endpoints.get((i + 2) % 3).accept("d" + i, offers.get(i).result()));
      if (i == early) {
        for (int e = 0; e < 2 * early; e++) {
          HttpResponse<Buffer> accepted = accepts.get(e).result();
          assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(200);
          accepts.add(endpoints.get(e % 3).confirm(accepted.bodyAsJsonObject().getString("task_token")));
        }
      }
    }
    await(Future.join(accepts), Duration.ofSeconds(90));
    List<Future<HttpResponse<Buffer>>> earlyConfirms = accepts.subList(2 * early + 2, 2 * early + 2 + 2 * early);
    assertThat(earlyConfirms).allSatisfy(c -> assertThat(c.result().statusCode()).as(c.result().bodyAsString())
        .isEqualTo(200));
    accepts = new ArrayList<>(accepts);
    accepts.removeAll(earlyConfirms);

    Map<String, Integer> answers = new TreeMap<>();
    List<String> taskTokens = new ArrayList<>();
    for (int i = 0; i < devices; i++) {
      HttpResponse<Buffer> first = accepts.get(2 * i).result();
      HttpResponse<Buffer> retry = accepts.get(2 * i + 1).result();
      String answer = outcome(first) + " + " + outcome(retry);
      answers.merge(answer, 1, Integer::sum);
      if (first.statusCode() == 200) {
        assertThat(first.bodyAsJsonObject().getString("device_id")).isEqualTo("d" + i);
        taskTokens.add(first.bodyAsJsonObject().getString("task_token"));
        taskTokens.add(retry.bodyAsJsonObject().getString("task_token"));
      }
    }
    assertThat(answers).as("a device and its retry get the same answer")
        .containsExactlyInAnyOrderEntriesOf(Map.of("200 + 200", 100, "409 ROUND_FULL + 409 ROUND_FULL", 500));

    // Both task tokens of every bound device confirm, at different processes (again for the first 60).
    List<Future<HttpResponse<Buffer>>> confirms = new ArrayList<>();
    for (int i = 0; i < taskTokens.size(); i++) {
      confirms.add(endpoints.get(i % 3).confirm(taskTokens.get(i)));
    }
    await(Future.join(confirms), Duration.ofSeconds(60));
    assertThat(confirms).allSatisfy(c -> assertThat(c.result().statusCode()).as(c.result().bodyAsString())
        .isEqualTo(200));

    JobStatus status = await(jobs.getJob(GetJobRequest.newBuilder().setJobId(jobId).build()));
    assertThat(status.getAmount()).isEqualTo(100);
    assertThat(status.getAttainedService()).isEqualTo(100);
    assertThat(status.getState()).isEqualTo(JobState.FILLED);

    double reservations = 0;
    double scriptCalls = 0;
    for (int adminPort : adminPorts) {
      String scrape = await(http.get(adminPort, "127.0.0.1", "/metrics").send()).bodyAsString();
      Matcher m = BATCH_SIZE.matcher(scrape);
      while (m.find()) {
        double value = Double.parseDouble(m.group(2));
        if (m.group(1).equals("sum")) {
          reservations += value;
        } else {
          scriptCalls += value;
        }
      }
    }
    assertThat(reservations).as("every accept reserved through a batch").isEqualTo(2.0 * devices);
    assertThat(scriptCalls).as("accepts shared script calls").isLessThan(reservations);
  }

  private static String outcome(HttpResponse<Buffer> r) {
    return r.statusCode() == 200 ? "200"
        : r.statusCode() + " " + r.bodyAsJsonObject().getJsonObject("error").getString("code");
  }

  private <T extends AutoCloseable> T keep(T resource) {
    started.add(resource);
    return resource;
  }
}
