package io.propius.server.security;

import static io.propius.testing.Futures.await;
import static io.propius.testing.Futures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.ErrorCode;
import io.propius.api.grpc.DataPlaneOptions;
import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.api.token.KeyRing;
import io.propius.api.token.TaskToken;
import io.propius.api.token.TokenSigner;
import io.propius.server.config.PropiusOptions;
import io.propius.server.config.SecurityOptions.AdminKey;
import io.propius.server.testing.Devices;
import io.propius.server.testing.GrpcFailure;
import io.propius.server.testing.JobSocket;
import io.propius.server.testing.TestServer;
import io.propius.testing.EdgeProcess;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs served by different edge trees: two leaf processes with their own audiences and keys files
 * (as the admin API issues them), one job per audience. A job's task tokens are good at its own leaf only,
 * and one leaf's key material cannot make tokens for the other.
 */
class JobAudienceTest {
  private static final String WRITE_KEY = "operator-write-key-0001";

  @TempDir
  Path dir;
  private TestServer server;
  private final List<Leaf> leaves = new ArrayList<>();

  @AfterEach
  void stop() {
    leaves.forEach(l -> l.process().close());
    if (server != null) {
      server.close();
    }
  }

  /** A leaf process below the server's root, started from the keys file the admin API issued for it. */
  private record Leaf(JsonObject keysFile, EdgeProcess process) {
    int port() {
      return process.port();
    }

    String url() {
      return "http://127.0.0.1:" + port();
    }
  }

  private Leaf leaf(String audience, String node) throws IOException {
    HttpResponse<Buffer> issued = await(server.http.post(server.server.adminPort(), "127.0.0.1", "/v1/admin/keys/node")
        .bearerTokenAuthentication(WRITE_KEY)
        .sendJsonObject(new JsonObject().put("audience", audience).put("node", node).put("parent_audience", "root")));
    assertThat(issued.statusCode()).isEqualTo(200);
    Path file = Files.writeString(dir.resolve(node + "-keys.json"), issued.bodyAsString());
    Leaf leaf = new Leaf(issued.bodyAsJsonObject(), EdgeProcess.start("", file, List.of("--role", "leaf", "--parent",
        "http://127.0.0.1:" + server.server.dataPlanePort(), "--journal", dir.resolve(node).toString())));
    leaves.add(leaf);
    return leaf;
  }

  /** {@code propius_edge_tokens_rejected_total} for {@code reason}, scraped from the leaf's /metrics. */
  private double rejected(Leaf leaf, String reason) {
    String metrics = await(server.http.get(leaf.port(), "127.0.0.1", "/metrics").send()).bodyAsString();
    return metrics.lines().filter(l -> l.startsWith("propius_edge_tokens_rejected_total{")
            && l.contains("reason=\"" + reason + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private static RegisterJobRequest job(String address, String audience) {
    return RegisterJobRequest.newBuilder().setName("t").setTotalRounds(1).setEstDemand(1)
        .setDataPlane(DataPlaneOptions.newBuilder().setAddress(address).setAudience(audience)).build();
  }

  /** Registers the job, opens a one-device round and publishes its spec at the root. */
  private long openRound(RegisterJobRequest job) {
    long jobId = await(server.jobs.registerJob(job)).getJobId();
    await(server.jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(jobId).setDemand(1).build()));
    assertThat(await(server.http.put(server.server.dataPlanePort(), "127.0.0.1", "/v1/rounds/" + jobId + "/1")
        .sendJsonObject(new JsonObject().put("reducer", "sum").put("tensor_length", 1).put("target", 5)))
        .statusCode()).isEqualTo(201);
    return jobId;
  }

  /** The binding a device gets for the job. */
  private JsonObject bind(String device, long jobId) {
    Devices devices = new Devices(server);
    JsonObject offer = devices.awaitOffer(device, new JsonObject(), jobId);
    HttpResponse<Buffer> accepted = await(devices.accept(device, offer.getString("offer")));
    assertThat(accepted.statusCode()).isEqualTo(200);
    return accepted.bodyAsJsonObject();
  }

  private HttpResponse<Buffer> fetchPlan(Leaf leaf, long jobId, String token) {
    return await(server.http.get(leaf.port(), "127.0.0.1", "/v1/rounds/" + jobId + "/1")
        .bearerTokenAuthentication(token).send());
  }

  private static String audienceOf(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]))).getString("aud");
  }

  private static String errorMessage(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject().getJsonObject("error").getString("message");
  }

  @Test
  void aJobsTaskTokenIsGoodOnlyAtItsOwnLeafAndOneLeafsKeysCannotMintForAnother() throws IOException {
    PropiusOptions options = TestServer.testOptions();
    options.security().setTokenSecret(Base64.getEncoder().encodeToString(new byte[32]))
        .setAudiences("leaf-eu, leaf-us").setAdminKeys(Map.of("ops", new AdminKey(WRITE_KEY, true)));
    server = TestServer.start(options);
    Leaf eu = leaf("leaf-eu", "eu-1");
    Leaf us = leaf("leaf-us", "us-1");

    long jobA = openRound(job(eu.url(), "leaf-eu"));
    long jobB = openRound(job(us.url(), "leaf-us"));
    assertThat(await(server.jobs.getJob(GetJobRequest.newBuilder().setJobId(jobA).build())).getDataPlane().getAudience())
        .isEqualTo("leaf-eu");

    JsonObject bindingA = bind("phone-a", jobA);
    String tokenA = bindingA.getString("task_token");
    assertThat(bindingA.getString("data_plane")).isEqualTo(eu.url());
    assertThat(audienceOf(tokenA)).isEqualTo("leaf-eu");
    assertThat(fetchPlan(eu, jobA, tokenA).statusCode()).isEqualTo(200);

    HttpResponse<Buffer> elsewhere = fetchPlan(us, jobA, tokenA);
    assertThat(elsewhere.statusCode()).isEqualTo(401);
    assertThat(errorMessage(elsewhere)).isEqualTo("task token is for data-plane node 'leaf-eu', not 'leaf-us'");
    assertThat(rejected(us, "wrong_audience")).isEqualTo(1);
    assertThat(rejected(eu, "wrong_audience")).isZero();

    String tokenB = bind("phone-b", jobB).getString("task_token");
    assertThat(audienceOf(tokenB)).isEqualTo("leaf-us");
    assertThat(fetchPlan(us, jobB, tokenB).statusCode()).isEqualTo(200);
    assertThat(fetchPlan(eu, jobB, tokenB).statusCode()).isEqualTo(401);

    // A compromised leaf-eu uses its keys file as if it were a master key, for job B's audience.
    TokenSigner rogue = new TokenSigner(KeyRing.fromJson(eu.keysFile().copy().put("signing",
        eu.keysFile().getJsonObject("keys").fieldNames().iterator().next())));
    String forged = new TaskToken(jobB, 1, "phone-b", "leaf-us", System.currentTimeMillis() + 600_000).encode(rogue);
    HttpResponse<Buffer> atUs = fetchPlan(us, jobB, forged);
    assertThat(atUs.statusCode()).isEqualTo(401);
    assertThat(errorMessage(atUs)).isEqualTo("task token has an invalid signature");
    assertThat(rejected(us, "signature")).isEqualTo(1);
    HttpResponse<Buffer> atControlPlane = await(new Devices(server).confirm(forged));
    assertThat(atControlPlane.statusCode()).isEqualTo(401);
    assertThat(server.registry.get("propius.tokens.rejected").tag("reason", "signature").counter().count()).isEqualTo(1);
    // The genuine token of job B still confirms.
    assertThat(await(new Devices(server).confirm(tokenB)).statusCode()).isEqualTo(200);
  }

  /** Registration on both job APIs: the audience is checked, stored, shown by GetJob and named in task tokens. */
  @Test
  void anAudienceIsCheckedAndCarriedOnTheGrpcAndTheWebSocketJobApis() {
    PropiusOptions options = TestServer.testOptions();
    options.security().setAudiences("leaf-eu");
    server = TestServer.start(options);
    GrpcFailure malformed = (GrpcFailure) failure(server.call(JobManagerGrpcClient.RegisterJob,
        job("", "Leaf EU")));
    assertThat(malformed.errorCode).isEqualTo(ErrorCode.INVALID_ARGUMENT.name());
    assertThat(malformed.statusMessage()).contains("data_plane.audience 'Leaf EU' is not valid");
    GrpcFailure unknown = (GrpcFailure) failure(server.call(JobManagerGrpcClient.RegisterJob, job("", "leaf-xx")));
    assertThat(unknown.errorCode).isEqualTo(ErrorCode.INVALID_ARGUMENT.name());
    assertThat(unknown.statusMessage())
        .isEqualTo("data_plane.audience 'leaf-xx' is not one of security.audiences [leaf-eu] nor security.taskAudience 'root'");
    // The configured audience and the default (security.taskAudience) are accepted.
    assertThat(await(server.jobs.registerJob(job("", "leaf-eu"))).getJobId()).isPositive();
    long plain = await(server.jobs.registerJob(job("", ""))).getJobId();
    assertThat(await(server.jobs.getJob(GetJobRequest.newBuilder().setJobId(plain).build())).getDataPlane()
        .getAudience()).isEmpty();

    try (JobSocket socket = JobSocket.connect(server)) {
      JsonObject refused = socket.call("RegisterJob", new JsonObject().put("total_rounds", 1).put("est_demand", 1)
          .put("data_plane", new JsonObject().put("audience", "leaf-xx")));
      assertThat(refused.getJsonObject("error").getString("code")).isEqualTo("INVALID_ARGUMENT");
      assertThat(refused.getJsonObject("error").getString("message")).contains("data_plane.audience 'leaf-xx'");
      long jobId = Long.parseLong(socket.call("RegisterJob", new JsonObject().put("total_rounds", 1).put("est_demand", 1)
          .put("data_plane", new JsonObject().put("audience", "leaf-eu"))).getJsonObject("result").getString("job_id"));
      assertThat(socket.call("GetJob", new JsonObject().put("job_id", jobId)).getJsonObject("result")
          .getJsonObject("data_plane").getString("audience")).isEqualTo("leaf-eu");
      assertThat(socket.call("RequestRound", new JsonObject().put("job_id", jobId).put("demand", 1))
          .containsKey("result")).isTrue();
      assertThat(audienceOf(bind("phone-ws", jobId).getString("task_token"))).isEqualTo("leaf-eu");
    }
  }
}
