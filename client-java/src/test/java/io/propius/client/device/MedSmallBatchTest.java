package io.propius.client.device;

import static io.propius.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.DataWork;
import io.propius.api.round.RoundSpec;
import io.propius.client.allocation.DeadlineAwareAllocation;
import io.propius.client.allocation.DeviceBenchmark;
import io.propius.client.job.JobClient;
import io.propius.client.job.JobClientOptions;
import io.propius.client.job.JobSpec;
import io.propius.client.testing.QuickOptions;
import io.propius.server.config.PropiusOptions;
import io.propius.server.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Small-batch mode with the {@code med} policy on a real server, through the SDK: a round that
 * declares data work has its held devices offered shard counts that add up to its total, no device
 * is offered twice, and each device trains no more shards than its own DAB cap allows; the
 * confirm-to-upload durations of its tasks reach the instance that offered them.
 */
class MedSmallBatchTest {
  private static final int DEVICES = 10;
  private static final int TOTAL_SHARDS = 30;
  private static final long MODEL_BYTES = 1_000_000;
  private static final long DEADLINE_MS = 60_000;
  /** 1 MB/s and 0.05 shards/s: (60 − 2·1) / 20 = 2.9, so DAB allows 2 shards in 60 s. */
  private static final DeviceBenchmark SLOW = new DeviceBenchmark(1e6, 0.05);

  private static double metric(TestServer server, String series) {
    return server.registry.scrape().lines().filter(l -> l.startsWith(series + " ") || l.startsWith(series + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private static HttpResponse<String> confirm(TestServer server, String taskToken, long trainedShards)
      throws Exception {
    String body = new JsonObject().put("task_token", taskToken).put("trained_shards", trainedShards).encode();
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.devicesUrl() + "/v1/confirm"))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void heldDevicesGetShardCountsThatAddUpToTheRoundsTotalCappedByTheirOwnDab() throws Exception {
    PropiusOptions options = QuickOptions.options();
    options.scheduler().setMode("small-batch").setPolicy("med").setPolicyOptions(Map.of("solveMs", "500"));
    options.devices().setHoldMs(4_000); // the default two client manager instances
    int cap = DeadlineAwareAllocation.maxShards(SLOW, DEADLINE_MS, MODEL_BYTES, 0, 1);
    assertThat(cap).isEqualTo(2);
    Vertx clients = Vertx.vertx();
    List<DeviceClient> devices = new ArrayList<>();
    try (TestServer server = TestServer.start(options);
         JobClient job = JobClient.create(new JobClientOptions().setServer("127.0.0.1", server.jobsPort())
             .setDataPlaneUrl(server.dataPlaneUrl()))) {
      for (int i = 0; i < DEVICES; i++) {
        devices.add(DeviceClient.create(new DeviceClientOptions("med-" + i).setUrl(server.devicesUrl())
            .setVertx(clients).setPublic("cpu_cores", i % 2 == 0 ? 8 : 2).setBenchmark(SLOW, 1)));
      }
      List<Future<Optional<Task>>> attempts = new ArrayList<>();
      devices.forEach(d -> attempts.add(d.nextTaskAsync(Duration.ofSeconds(3))));
      // Every device held before the round opens, so the first solve sees all of them.
      eventually(Duration.ofSeconds(10), () -> metric(server, "propius_batch_held_devices") == DEVICES,
          "every device held");
      job.register(JobSpec.of("fedavg", 1, DEVICES));
      job.publishRound(1, RoundSpec.sync("fedavg", 1, DEVICES, System.currentTimeMillis() + DEADLINE_MS),
          "plan".getBytes());
      job.requestRound(DEVICES, DataWork.newBuilder().setTotalShards(TOTAL_SHARDS).setModelBytes(MODEL_BYTES)
          .setDeadlineMs(DEADLINE_MS).build());

      List<Task> tasks = new ArrayList<>();
      for (Future<Optional<Task>> a : attempts) {
        a.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS).ifPresent(tasks::add);
      }
      assertThat(tasks).isNotEmpty();
      assertThat(tasks.stream().mapToInt(Task::offeredShards).sum()).as("shards offered to the round")
          .isEqualTo(TOTAL_SHARDS);
      assertThat(tasks).allSatisfy(t -> {
        assertThat(t.offeredShards()).isPositive();
        assertThat(t.shards()).as("DAB caps what the device trains").isEqualTo(Math.min(t.offeredShards(), cap));
      });
      assertThat(tasks).as("the cap mattered").anyMatch(t -> t.offeredShards() > cap);
      assertThat(job.status().getAmount()).as("every offered device bound once").isEqualTo(tasks.size());
      assertThat(job.status().getDataWork().getTotalShards()).as("GetJob shows the round's data work")
          .isEqualTo(TOTAL_SHARDS);
      assertThat(metric(server, "propius_batch_assignments_total")).as("no device offered twice")
          .isEqualTo(tasks.size());
      assertThat(metric(server, "propius_med_shards_total")).isEqualTo(TOTAL_SHARDS);
      assertThat(metric(server, "propius_med_solve_seconds_count")).isPositive();
      assertThat(metric(server, "propius_med_fallbacks_total")).isZero();

      // What a device says it trains is checked against its offer, and a bad value changes nothing.
      Task capped = tasks.stream().filter(t -> t.offeredShards() > cap).findFirst().orElseThrow();
      for (long bad : new long[] {capped.offeredShards() + 1L, 0}) {
        HttpResponse<String> refused = confirm(server, capped.binding().taskToken(), bad);
        assertThat(refused.statusCode()).as("trained_shards " + bad).isEqualTo(400);
        assertThat(refused.body()).contains("trained_shards");
      }
      assertThat(confirm(server, capped.binding().taskToken(), capped.shards()).statusCode()).as("idempotent")
          .isEqualTo(200);

      // Each device reports what it trained (its shards as the sample weight); the root counts the
      // upload, and the offering instance pairs it with the confirm on the event bus.
      for (Task t : tasks) {
        assertThat(t.upload(new double[] {1}, t.shards()).accepted()).isTrue();
      }
      eventually(Duration.ofSeconds(10), () -> metric(server, "propius_med_durations_total") == tasks.size(),
          "a confirm-to-upload duration per task");
    } finally {
      devices.forEach(DeviceClient::close);
      clients.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theShardsOfAnOfferNeverAcceptedGoBackToTheRoundAndAreOfferedAgain() throws Exception {
    PropiusOptions options = QuickOptions.options();
    options.scheduler().setMode("small-batch").setPolicy("med").setPolicyOptions(Map.of("solveMs", "500"));
    options.devices().setHoldMs(4_000).setOfferTtlMs(1_000).setInstances(1);
    Vertx clients = Vertx.vertx();
    List<DeviceClient> devices = new ArrayList<>();
    try (TestServer server = TestServer.start(options);
         JobClient job = JobClient.create(new JobClientOptions().setServer("127.0.0.1", server.jobsPort())
             .setDataPlaneUrl(server.dataPlaneUrl()))) {
      job.register(JobSpec.of("fedavg", 1, 3));
      job.publishRound(1, RoundSpec.sync("fedavg", 1, 3, System.currentTimeMillis() + DEADLINE_MS),
          "plan".getBytes());
      DeviceClient silent = DeviceClient.create(new DeviceClientOptions("silent").setUrl(server.devicesUrl())
          .setVertx(clients).setPublic("cpu_cores", 4));
      devices.add(silent);
      Future<io.propius.api.device.CheckinResponse> held = silent.checkinAsync();
      eventually(Duration.ofSeconds(10), () -> metric(server, "propius_batch_held_devices") == 1, "held");
      job.requestRound(3, DataWork.newBuilder().setTotalShards(TOTAL_SHARDS).setModelBytes(MODEL_BYTES)
          .setDeadlineMs(DEADLINE_MS).build());
      List<io.propius.api.device.Offer> offers = held.toCompletionStage().toCompletableFuture()
          .get(20, TimeUnit.SECONDS).offers();
      assertThat(offers).as("the only held device gets every shard").hasSize(1);
      assertThat(offers.get(0).work().shards()).isEqualTo(TOTAL_SHARDS);

      // It never accepts. Once its offer can no longer turn into a binding, its shards go back to
      // the round, and a later plan gives them to the devices held then.
      List<Future<Optional<Task>>> attempts = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        DeviceClient d = DeviceClient.create(new DeviceClientOptions("later-" + i).setUrl(server.devicesUrl())
            .setVertx(clients).setPublic("cpu_cores", 4));
        devices.add(d);
        attempts.add(d.nextTaskAsync(Duration.ofSeconds(15)));
      }
      List<Task> tasks = new ArrayList<>();
      for (Future<Optional<Task>> a : attempts) {
        a.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).ifPresent(tasks::add);
      }
      assertThat(tasks).as("the returned shards were offered again").isNotEmpty();
      assertThat(tasks.stream().mapToInt(Task::offeredShards).sum()).as("accepted shards: the total, not more")
          .isEqualTo(TOTAL_SHARDS);
      assertThat(metric(server, "propius_med_shards_returned_total")).isEqualTo(TOTAL_SHARDS);
      assertThat(metric(server, "propius_med_shards_total")).isEqualTo(2 * TOTAL_SHARDS);
      assertThat(job.status().getAmount()).isEqualTo(tasks.size());
    } finally {
      devices.forEach(DeviceClient::close);
      clients.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRoundWhoseDataWorkCannotBeDoneIsScheduledByDeviceCountAndCountedOnce() throws Exception {
    PropiusOptions options = QuickOptions.options();
    options.scheduler().setMode("small-batch").setPolicy("med");
    options.devices().setHoldMs(3_000).setInstances(1);
    Vertx clients = Vertx.vertx();
    List<DeviceClient> devices = new ArrayList<>();
    try (TestServer server = TestServer.start(options);
         JobClient job = JobClient.create(new JobClientOptions().setServer("127.0.0.1", server.jobsPort())
             .setDataPlaneUrl(server.dataPlaneUrl()))) {
      job.register(JobSpec.of("fedavg", 1, 2));
      assertThat(job.status().hasDataWork()).as("no round, no data work").isFalse();
      // 1 ms cannot even fetch the model: no device class can do one shard in time.
      job.requestRound(2, DataWork.newBuilder().setTotalShards(8).setModelBytes(MODEL_BYTES).setDeadlineMs(1).build());
      List<Future<Optional<Task>>> attempts = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        DeviceClient d = DeviceClient.create(new DeviceClientOptions("late-" + i).setUrl(server.devicesUrl())
            .setVertx(clients).setPublic("cpu_cores", 4));
        devices.add(d);
        attempts.add(d.nextTaskAsync(Duration.ofSeconds(10)));
      }
      List<Task> tasks = new ArrayList<>();
      for (Future<Optional<Task>> a : attempts) {
        a.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS).ifPresent(tasks::add);
      }
      assertThat(tasks).as("both slots filled by device count").hasSize(2)
          .allSatisfy(t -> assertThat(t.offeredShards()).as("no shard count").isEqualTo(-1));
      assertThat(metric(server, "propius_med_fallbacks_total{reason=\"infeasible\"}")).as("counted once")
          .isEqualTo(1);
      assertThat(metric(server, "propius_med_shards_total")).isZero();
    } finally {
      devices.forEach(DeviceClient::close);
      clients.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
