package io.propius.server;

import static io.propius.server.testing.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.JobStatus;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.api.grpc.EndRoundRequest;
import io.propius.api.token.OfferToken;
import io.propius.api.token.TaskToken;
import io.propius.api.token.TokenSigner;
import io.propius.server.testing.Devices;
import io.propius.server.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every malformed device request gets a clear error and binds nothing. */
class DeviceApiBadInputTest {
  private TestServer server;
  private Devices devices;
  private long jobId;
  private final JsonObject attributes = new JsonObject().put("cpu_cores", 4);

  @BeforeEach
  void start() {
    server = TestServer.start();
    devices = new Devices(server);
    jobId = await(server.jobs.registerJob(RegisterJobRequest.newBuilder().setTotalRounds(2).setEstDemand(1).build()))
        .getJobId();
    await(server.jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(jobId).setDemand(1).build()));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static void assertError(HttpResponse<Buffer> r, int status, String code, String... messageParts) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).startsWith("application/json");
    JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    for (String part : messageParts) {
      assertThat(error.getString("message")).contains(part);
    }
  }

  private int amount() {
    JobStatus status = await(server.jobs.getJob(GetJobRequest.newBuilder().setJobId(jobId).build()));
    return status.getAmount();
  }

  @Test
  void malformedCheckins() {
    assertError(await(devices.postRaw("/v1/checkin", Buffer.buffer("{\"device_id\": "))), 400, "INVALID_ARGUMENT",
        "not a JSON object");
    assertError(await(devices.postRaw("/v1/checkin", Buffer.buffer("[1,2]"))), 400, "INVALID_ARGUMENT",
        "not a JSON object");
    assertError(await(devices.postRaw("/v1/checkin", Buffer.buffer(""))), 400, "INVALID_ARGUMENT", "empty");
    assertError(await(devices.post("/v1/checkin", new JsonObject().put("attributes", attributes))), 400,
        "INVALID_ARGUMENT", "'device_id' is missing");
    assertError(await(devices.post("/v1/checkin", new JsonObject().put("device_id", 17))), 400, "INVALID_ARGUMENT",
        "'device_id' must be a string");
    assertError(await(devices.post("/v1/checkin", new JsonObject().put("device_id", "bad id!"))), 400,
        "INVALID_ARGUMENT", "device_id 'bad id!' is not valid");
    assertError(await(devices.checkin("d1", new JsonObject().put("cpu_cores", "eight"))), 400, "INVALID_ARGUMENT",
        "attributes.cpu_cores must be a finite number");
    assertError(await(devices.checkin("d1", new JsonObject().put("CPU", 1))), 400, "INVALID_ARGUMENT",
        "attribute name 'CPU' is not valid");
    assertError(await(devices.post("/v1/checkin", new JsonObject().put("device_id", "d1").put("attributes", "x"))),
        400, "INVALID_ARGUMENT", "'attributes' must be an object");
    JsonObject many = new JsonObject();
    for (int i = 0; i < 65; i++) {
      many.put("a" + i, i);
    }
    assertError(await(devices.checkin("d1", many)), 400, "INVALID_ARGUMENT", "65 attributes, at most 64");
    String huge = "x".repeat(20_000);
    assertError(await(devices.post("/v1/checkin", new JsonObject().put("device_id", "d1").put("pad", huge))), 413,
        "PAYLOAD_TOO_LARGE", "over the limit");
    assertError(await(server.http.get(server.devicesPort(), "127.0.0.1", "/v1/nowhere").send()), 404, "NOT_FOUND",
        "no such endpoint");
    assertThat(await(server.http.get(server.devicesPort(), "127.0.0.1", "/v1/checkin").send()).statusCode())
        .isEqualTo(405);
  }

  @Test
  void badAcceptsBindNothing() {
    String offer = devices.awaitOffer("d1", attributes, jobId).getString("offer");
    String late = devices.awaitOffer("d3", attributes, jobId).getString("offer");

    assertError(await(devices.accept("d2", offer)), 403, "OFFER_INVALID", "issued to another device");
    assertError(await(devices.accept("d1", offer.substring(0, offer.length() - 3) + "AAA")), 403, "OFFER_INVALID",
        "invalid signature");
    String forged = new OfferToken("d1", jobId, 1, System.currentTimeMillis() + 60_000).encode(TokenSigner.random());
    assertError(await(devices.accept("d1", forged)), 403, "OFFER_INVALID", "not issued by Propius");
    assertError(await(devices.accept("d1", "nonsense")), 403, "OFFER_INVALID");
    assertError(await(devices.post("/v1/accept", new JsonObject().put("device_id", "d1"))), 400, "INVALID_ARGUMENT",
        "'offer' is missing");
    assertThat(amount()).isZero();

    // The real offer binds once; a retry is acknowledged without counting again.
    HttpResponse<Buffer> first = await(devices.accept("d1", offer));
    assertThat(first.statusCode()).isEqualTo(200);
    HttpResponse<Buffer> retry = await(devices.accept("d1", offer));
    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(retry.bodyAsJsonObject().getLong("lease_expires_at_ms"))
        .isEqualTo(first.bodyAsJsonObject().getLong("lease_expires_at_ms"));
    assertThat(amount()).isEqualTo(1);

    // A second device on the full round (demand 1), with an offer it got before the fill.
    HttpResponse<Buffer> full = await(devices.accept("d3", late));
    assertError(full, 409, "ROUND_FULL", "is full (1 of 1");
    assertThat(full.getHeader("Retry-After")).isNotNull();
    assertThat(amount()).isEqualTo(1);
  }

  @Test
  void acceptOfAClosedRoundIsRejected() {
    String offer = devices.awaitOffer("d1", attributes, jobId).getString("offer");
    await(server.jobs.endRound(EndRoundRequest.newBuilder().setJobId(jobId).build()));
    assertError(await(devices.accept("d1", offer)), 409, "ROUND_CLOSED", "round 1 of job " + jobId);
    assertThat(amount()).isZero();
  }

  @Test
  void badConfirms() {
    String forged = new TaskToken(1, 1, "d1", "root", System.currentTimeMillis() + 60_000).encode(TokenSigner.random());
    assertError(await(devices.confirm(forged)), 401, "UNAUTHENTICATED", "invalid signature");
    assertError(await(devices.confirm("e30.e30.AAAA")), 401, "UNAUTHENTICATED", "malformed");
    assertError(await(devices.confirm("garbage")), 401, "UNAUTHENTICATED", "malformed");
    assertError(await(devices.post("/v1/confirm", new JsonObject())), 400, "INVALID_ARGUMENT", "'task_token' is missing");
  }
}
