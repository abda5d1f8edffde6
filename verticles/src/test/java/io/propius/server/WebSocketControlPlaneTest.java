package io.propius.server;

import static io.propius.testing.Eventually.eventually;
import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.server.testing.Devices;
import io.propius.server.testing.JobSocket;
import io.propius.server.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The control plane end to end with the job on the WebSocket JSON protocol. */
class WebSocketControlPlaneTest {
  // The same lifecycle as GrpcControlPlaneTest's, kept in each class: a base class for six lines
  // would hide where the server under test comes from.
  private TestServer server;
  private Devices devices;

  @BeforeEach
  void start() {
    server = TestServer.start();
    devices = new Devices(server);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static List<String> types(List<JsonObject> events) {
    return events.stream().map(e -> e.getString("type")).toList();
  }

  @Test
  void twoHundredDevicesFillARoundOfFiftyExactly() {
    try (JobSocket job = JobSocket.connect(server)) {
      JsonObject registered = job.call("RegisterJob", new JsonObject().put("name", "ws-job").put("total_rounds", 2)
          .put("est_demand", 50).put("public_constraints", new JsonObject().put("ram_gb", 2)));
      long jobId = Long.parseLong(registered.getJsonObject("result").getString("job_id"));
      assertThat(job.call("WatchJob", new JsonObject().put("job_id", jobId)).containsKey("result")).isTrue();
      eventually(Duration.ofSeconds(5), () -> !job.events.isEmpty(), "WATCH_STARTED");
      assertThat(job.events.get(0).getString("type")).isEqualTo("WATCH_STARTED");

      JsonObject round = job.call("RequestRound", new JsonObject().put("job_id", jobId).put("demand", 50));
      assertThat(round.getJsonObject("result").getInteger("round")).isEqualTo(1);
      JsonObject attributes = new JsonObject().put("ram_gb", 4);
      devices.awaitOffer("probe", attributes, jobId);

      List<Future<HttpResponse<Buffer>>> accepts = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String device = "ws-phone-" + i;
        accepts.add(devices.checkin(device, attributes).compose(r -> {
          var offers = r.bodyAsJsonObject().getJsonArray("offers");
          return offers.isEmpty() ? Future.succeededFuture(null)
              : devices.accept(device, offers.getJsonObject(0).getString("offer"));
        }));
      }
      Set<String> bound = new HashSet<>();
      for (Future<HttpResponse<Buffer>> f : accepts) {
        HttpResponse<Buffer> r = await(f);
        if (r != null && r.statusCode() == 200) {
          bound.add(r.bodyAsJsonObject().getString("device_id"));
        } else if (r != null) {
          assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("ROUND_FULL");
        }
      }
      assertThat(bound).hasSize(50);
      eventually(Duration.ofSeconds(5), () -> types(job.events).contains("ROUND_FILLED"), "ROUND_FILLED");
      assertThat(job.events.stream().filter(e -> "DEVICE_BOUND".equals(e.getString("type")))
          .map(e -> e.getString("device_id")).toList()).containsExactlyInAnyOrderElementsOf(bound);

      JsonObject status = job.call("GetJob", new JsonObject().put("job_id", jobId)).getJsonObject("result");
      assertThat(status.getInteger("amount")).isEqualTo(50);
      assertThat(status.getString("state")).isEqualTo("FILLED");

      assertThat(job.call("EndRound", new JsonObject().put("job_id", jobId)).getJsonObject("result")
          .getInteger("bound")).isEqualTo(50);
      assertThat(job.call("FinishJob", new JsonObject().put("job_id", jobId)).containsKey("result")).isTrue();
      eventually(Duration.ofSeconds(5), () -> types(job.events).contains("JOB_FINISHED"), "JOB_FINISHED");
      assertThat(types(job.events)).containsSubsequence("ROUND_REQUESTED", "ROUND_FILLED", "ROUND_CLOSED", "JOB_FINISHED");
    }
  }

  @Test
  void finishingAJobWithItsRoundOpenTellsTheWatcherTheRoundClosedAndTheJobFinished() {
    try (JobSocket job = JobSocket.connect(server)) {
      long jobId = Long.parseLong(job.call("RegisterJob", new JsonObject().put("name", "ws-open-finish")
          .put("total_rounds", 2).put("est_demand", 5)).getJsonObject("result").getString("job_id"));
      job.call("WatchJob", new JsonObject().put("job_id", jobId));
      eventually(Duration.ofSeconds(15), () -> !job.events.isEmpty(), "WATCH_STARTED");
      job.call("RequestRound", new JsonObject().put("job_id", jobId).put("demand", 5));

      assertThat(job.call("FinishJob", new JsonObject().put("job_id", jobId)).containsKey("result")).isTrue();
      eventually(Duration.ofSeconds(15), () -> types(job.events).contains("JOB_FINISHED"), "JOB_FINISHED");
      assertThat(types(job.events)).containsExactly("WATCH_STARTED", "ROUND_REQUESTED", "ROUND_CLOSED", "JOB_FINISHED");
    }
  }

  @Test
  void aRoundSpecsDataWorkIsValidatedAsOverGrpcAndStoredWithTheRound() {
    try (JobSocket job = JobSocket.connect(server)) {
      long jobId = Long.parseLong(job.call("RegisterJob", new JsonObject().put("total_rounds", 1).put("est_demand", 4))
          .getJsonObject("result").getString("job_id"));
      JsonObject work = new JsonObject().put("total_shards", 40).put("model_bytes", 1_000_000).put("deadline_ms", 60_000);
      JsonObject negative = job.call("RequestRound", new JsonObject().put("job_id", jobId).put("demand", 4)
          .put("data_work", work.copy().put("shard_bytes", -1)));
      assertThat(negative.getJsonObject("error").getString("code")).isEqualTo("INVALID_ARGUMENT");
      assertThat(negative.getJsonObject("error").getString("message")).contains("shard_bytes must be between 0 and");
      JsonObject absurd = job.call("RequestRound", new JsonObject().put("job_id", jobId).put("demand", 4)
          .put("data_work", work.copy().put("total_shards", 5_000_000)));
      assertThat(absurd.getJsonObject("error").getString("message")).contains("total_shards");
      JsonObject opened = job.call("RequestRound", new JsonObject().put("job_id", jobId).put("demand", 4)
          .put("data_work", work));
      assertThat(opened.getJsonObject("result").getInteger("round")).as("refused requests opened nothing").isEqualTo(1);
      JsonObject shown = job.call("GetJob", new JsonObject().put("job_id", jobId)).getJsonObject("result")
          .getJsonObject("data_work");
      assertThat(shown).as("GetJob shows the round's data work").isNotNull();
      assertThat(shown.getValue("total_shards").toString()).isEqualTo("40");
      assertThat(shown.getValue("deadline_ms").toString()).isEqualTo("60000");
      JsonObject plan = await(server.http.get(server.server.adminPort(), "127.0.0.1", "/v1/admin/schedule").send())
          .bodyAsJsonObject();
      eventually(Duration.ofSeconds(5), () -> await(server.http.get(server.server.adminPort(), "127.0.0.1",
          "/v1/admin/schedule").send()).bodyAsString().contains("\"work\":[40,0,1000000,60000]"),
          "the schedule snapshot carries the round's data work: " + plan.encode());
    }
  }

  @Test
  void malformedFramesGetClearErrorsAndTheConnectionStaysUsable() {
    try (JobSocket job = JobSocket.connect(server)) {
      assertThat(job.raw("{not json").getJsonObject("error").getString("message")).contains("not a JSON object");
      JsonObject unknown = job.call("Launch", new JsonObject());
      assertThat(unknown.getJsonObject("error").getString("code")).isEqualTo("INVALID_ARGUMENT");
      assertThat(unknown.getJsonObject("error").getString("message")).contains("unknown method 'Launch'", "RegisterJob");
      JsonObject badParams = job.call("RegisterJob", new JsonObject().put("total_rounds", "many"));
      assertThat(badParams.getJsonObject("error").getString("code")).isEqualTo("INVALID_ARGUMENT");
      JsonObject typo = job.call("RegisterJob", new JsonObject().put("est_demnd", 3));
      assertThat(typo.getJsonObject("error").getString("message")).contains("est_demnd");
      JsonObject missing = job.call("GetJob", new JsonObject().put("job_id", 999));
      assertThat(missing.getJsonObject("error").getString("code")).isEqualTo("NOT_FOUND");
      // Still usable after all that.
      JsonObject ok = job.call("RegisterJob", new JsonObject().put("total_rounds", 1).put("est_demand", 1));
      assertThat(ok.containsKey("result")).isTrue();
    }
  }
}
