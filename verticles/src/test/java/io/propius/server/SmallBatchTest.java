package io.propius.server;

import static io.propius.testing.Eventually.eventually;
import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.JobStatus;
import io.propius.server.config.PropiusOptions;
import io.propius.server.testing.Devices;
import io.propius.server.testing.Journey;
import io.propius.server.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Small-batch mode end to end on a real server: devices long-poll their check-ins over real HTTP,
 * the scheduler's job groups assign them, devices accept through the atomic reservation.
 */
class SmallBatchTest {
  /** How a device's attempt ended: bound to a job, or answered without an offer. */
  private record Outcome(String deviceId, long jobId, long retryAfterMs) {
  }

  private static PropiusOptions smallBatch(String policy, long holdMs) {
    PropiusOptions options = TestServer.testOptions();
    options.scheduler().setMode("small-batch").setPolicy(policy);
    options.devices().setHoldMs(holdMs);
    return options;
  }

  /**
   * A device as the SDK would behave: long-poll a check-in; on an offer accept it; if the round
   * turned out full (another instance's plan offered the same slot), check in again.
   */
  private static Future<Outcome> device(Devices devices, String id, JsonObject attributes) {
    return devices.checkin(id, attributes).compose(r -> {
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
      JsonObject body = r.bodyAsJsonObject();
      if (body.getJsonArray("offers").isEmpty()) {
        return Future.succeededFuture(new Outcome(id, 0, body.getLong("retry_after_ms")));
      }
      assertThat(body.getJsonArray("offers")).hasSize(1);
      String offer = body.getJsonArray("offers").getJsonObject(0).getString("offer");
      return devices.accept(id, offer).compose(a -> {
        if (a.statusCode() == 200) {
          return Future.succeededFuture(new Outcome(id, a.bodyAsJsonObject().getLong("job_id"), 0));
        }
        assertThat(a.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("ROUND_FULL");
        return device(devices, id, attributes);
      });
    });
  }

  private static JobStatus status(TestServer server, long jobId) {
    return await(server.jobs.getJob(GetJobRequest.newBuilder().setJobId(jobId).build()));
  }

  private static double metric(TestServer server, String series) {
    String scrape = server.registry.scrape();
    return scrape.lines().filter(l -> l.startsWith(series + " ") || l.startsWith(series + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void heldDevicesFillEveryRoundExactlyOnceScarceDevicesFirst() {
    try (TestServer server = TestServer.start(smallBatch("irs", 2_000))) {
      Devices devices = new Devices(server);
      long gpuJob = server.openJob(2, "gpu", 1);
      long a = server.openJob(3, null, 0);
      long b = server.openJob(2, null, 0);
      // 3 GPU devices and 9 plain ones for 7 slots: 5 devices must end their wait without an offer.
      List<Future<Outcome>> all = new ArrayList<>();
      Map<String, Boolean> hasGpu = new HashMap<>();
      for (int i = 0; i < 12; i++) {
        String id = "dev-" + i;
        boolean gpu = i % 4 == 0;
        hasGpu.put(id, gpu);
        all.add(device(devices, id, new JsonObject().put("gpu", gpu ? 1 : 0).put("cpu_cores", 4)));
      }
      List<Outcome> outcomes = await(Future.all(all).map(f -> f.<Outcome>list()), Duration.ofSeconds(20));

      Map<Long, List<String>> boundByJob = new HashMap<>();
      int unassigned = 0;
      for (Outcome o : outcomes) {
        if (o.jobId() == 0) {
          unassigned++;
          assertThat(o.retryAfterMs()).isPositive();
        } else {
          boundByJob.computeIfAbsent(o.jobId(), k -> new ArrayList<>()).add(o.deviceId());
        }
      }
      assertThat(boundByJob.get(gpuJob)).hasSize(2).allMatch(hasGpu::get);
      assertThat(boundByJob.get(a)).hasSize(3);
      assertThat(boundByJob.get(b)).hasSize(2);
      assertThat(unassigned).isEqualTo(5);
      assertThat(boundByJob.values().stream().flatMap(List::stream).distinct().count()).as("no device bound twice")
          .isEqualTo(7);
      for (long job : List.of(gpuJob, a, b)) {
        JobStatus s = status(server, job);
        assertThat(s.getAmount()).as("round of job %d filled, never overfilled", job).isEqualTo(s.getDemand());
      }
      eventually(Duration.ofSeconds(5), () -> metric(server, "propius_batch_held_devices") == 0, "no device held");
      assertThat(metric(server, "propius_batch_assignments_total")).isGreaterThanOrEqualTo(7);
      assertThat(metric(server, "propius_batch_released_total{reason=\"wait_ended\"}")).isEqualTo(5);
      assertThat(metric(server, "propius_batch_plans_total")).isPositive();
    }
  }

  @ParameterizedTest(name = "{0} client manager instance(s)")
  @ValueSource(ints = {1, 2, 4})
  void aHundredHeldDevicesAreOfferedExactlyTheEightySlotsOfTwoRounds(int instances) {
    // IRS, rounds of 30 and 50, 100 devices held across the instances: with devices.overOffer 1.0
    // the instances together offer each open slot once (the store grants their claims), so every
    // offer binds and nobody hears ROUND_FULL; 20 devices end their wait without an offer.
    PropiusOptions options = smallBatch("irs", 2_000);
    options.devices().setInstances(instances);
    try (TestServer server = TestServer.start(options)) {
      long small = server.openJob(30, null, 0);
      long large = server.openJob(50, null, 0);
      List<Journey> journeys = Journey.of(Devices.withConnections(server, 128), 100);

      int offers = Journey.offers(journeys);
      System.out.printf("small batch, %d instance(s), overOffer 1.0: %d offers for 80 slots, %d ROUND_FULL%n",
          instances, offers, Journey.roundFull(journeys));
      assertThat(Journey.boundTo(journeys, small)).isEqualTo(30);
      assertThat(Journey.boundTo(journeys, large)).isEqualTo(50);
      assertThat(journeys).as("no device offered twice").allMatch(j -> j.offers() <= 1);
      assertThat(offers).isEqualTo(80);
      assertThat(Journey.roundFull(journeys)).isZero();
      assertThat(status(server, small).getAmount()).isEqualTo(30);
      assertThat(status(server, large).getAmount()).isEqualTo(50);
      assertThat(metric(server, "propius_batch_assignments_total")).isEqualTo(80);
      assertThat(metric(server, "propius_accepts_rejected_total{reason=\"full\"}")).isZero();
    }
  }

  @Test
  void anOverOfferOfOnePointThreeOffersAtMostThirteenTenthsOfTheOpenSlots() {
    // One round of 50 and 100 devices: at most 65 offers are out at once. Those beyond the 50 that
    // bind hear ROUND_FULL, and a full round offers nothing more, so 65 is also the total.
    PropiusOptions options = smallBatch("irs", 2_000);
    options.devices().setOverOffer(1.3);
    try (TestServer server = TestServer.start(options)) {
      long job = server.openJob(50, null, 0);
      List<Journey> journeys = Journey.of(Devices.withConnections(server, 128), 100);

      int offers = Journey.offers(journeys);
      int roundFull = Journey.roundFull(journeys);
      System.out.printf("small batch, overOffer 1.3: %d offers for 50 slots, %d ROUND_FULL%n", offers, roundFull);
      assertThat(Journey.boundTo(journeys, job)).isEqualTo(50);
      assertThat(offers).isBetween(50, 65);
      assertThat(roundFull).isEqualTo(offers - 50);
      assertThat(metric(server, "propius_accepts_rejected_total{reason=\"full\"}")).isEqualTo(roundFull);
      assertThat(status(server, job).getAmount()).isEqualTo(50);
    }
  }

  private static final JsonObject GPU = new JsonObject().put("gpu", 1).put("cpu_cores", 4);

  /** Checks the device in and returns the one offer its long-poll must end with. */
  private static JsonObject oneOffer(Devices devices, String deviceId, JsonObject attributes) {
    JsonObject body = await(devices.checkin(deviceId, attributes), Duration.ofSeconds(10)).bodyAsJsonObject();
    assertThat(body.getJsonArray("offers")).as(body.encode()).hasSize(1);
    return body.getJsonArray("offers").getJsonObject(0);
  }

  @Test
  void anOfferAcceptedThroughAnotherInstanceNoLongerHoldsASlotOnTheInstanceThatMadeIt() {
    // The default two client manager instances. A device is offered the job's first slot by one
    // instance and accepts through the other. The offering instance must stop counting its offer as
    // pending once the store counts the binding, or it sees the first slot taken twice and offers the
    // second to nobody until the offer expires (30 s).
    try (TestServer server = TestServer.start(smallBatch("irs", 3_000))) {
      Devices first = Devices.onOneConnection(server);
      Devices second = Devices.onOneConnection(server);
      long job = server.openJob(2, "gpu", 1);

      var accepted = await(second.accept("gpu-1", oneOffer(first, "gpu-1", GPU).getString("offer")));
      assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(200);
      eventually(Duration.ofSeconds(5), () -> status(server, job).getAmount() == 1, "the binding in the store");

      assertThat(oneOffer(first, "gpu-2", GPU).getLong("job_id")).as("the second slot").isEqualTo(job);
    }
  }

  @Test
  void aDeviceThatChecksInAgainOnAnotherInstanceFreesTheSlotItWasOfferedOnTheFirst() {
    // Checking in again, a device says it did not take its last offer. The instance that made the
    // offer releases it in the store, or the job's only slot stays offered to it until the offer
    // expires. Here the device comes back without its GPU, so nothing offers it the slot again.
    try (TestServer server = TestServer.start(smallBatch("irs", 3_000))) {
      Devices first = Devices.onOneConnection(server);
      Devices second = Devices.onOneConnection(server);
      long job = server.openJob(1, "gpu", 1);

      oneOffer(first, "gpu-1", GPU);
      var back = second.checkin("gpu-1", new JsonObject().put("gpu", 0).put("cpu_cores", 4)); // on the other instance

      assertThat(oneOffer(first, "gpu-2", GPU).getLong("job_id")).as("the slot gpu-1 did not take").isEqualTo(job);
      assertThat(await(back, Duration.ofSeconds(10)).bodyAsJsonObject().getJsonArray("offers")).isEmpty();
    }
  }

  @Test
  void aDeviceThatChecksInAgainOnAnotherInstanceIsOfferedItsSlotAgainAndNoOtherDeviceIs() {
    // The store counts a round's offers by device across instances: the second instance offers the
    // returning device the slot again, and the first, with another device held, offers nothing
    // while that offer is out (over-offer 1.0).
    try (TestServer server = TestServer.start(smallBatch("irs", 1_500))) {
      Devices first = Devices.onOneConnection(server);
      Devices second = Devices.onOneConnection(server);
      long job = server.openJob(1, "gpu", 1);

      oneOffer(first, "gpu-1", GPU);
      assertThat(oneOffer(second, "gpu-1", GPU).getLong("job_id")).as("its slot, offered again").isEqualTo(job);
      JsonObject other = await(first.checkin("gpu-2", GPU), Duration.ofSeconds(10)).bodyAsJsonObject();
      assertThat(other.getJsonArray("offers")).as("the only slot is offered to gpu-1").isEmpty();
      assertThat(metric(server, "propius_batch_offer_claims_total{outcome=\"refused\"}")).isPositive();
    }
  }

  @Test
  void fairShareSplitsAShortBatchInProportionToDemand() {
    // Demands 6 and 3, only 6 devices in the batch: 4 and 2. The one run that plans them must see both
    // open rounds and all 6 held devices. So the devices are held before any job exists, and the two
    // jobs' four events fall into one coalescing window: a run that saw the first job alone, or some of
    // the devices, would hand them out before the split could be made.
    PropiusOptions options = smallBatch("fair-share", 10_000);
    options.scheduler().setTickMs(600_000).setCoalesceMs(3_000);
    try (TestServer server = TestServer.start(options)) {
      Devices devices = new Devices(server);
      eventually(Duration.ofSeconds(10), () -> metric(server, "propius_scheduler_runs_total") >= 1,
          "the new leader's first run, so that its timer does not split the jobs' events");
      List<Future<Outcome>> all = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        all.add(device(devices, "dev-" + i, new JsonObject().put("cpu_cores", 2)));
      }
      eventually(Duration.ofSeconds(5), () -> admin(server, "/v1/admin/devices").getLong("held") == 6,
          "the scheduler's statistics to show 6 held devices");
      long big = server.openJob(6, null, 0);
      long small = server.openJob(3, null, 0);
      List<Outcome> outcomes = await(Future.all(all).map(f -> f.<Outcome>list()), Duration.ofSeconds(20));
      assertThat(outcomes).allMatch(o -> o.jobId() != 0);
      assertThat(status(server, big).getAmount()).isEqualTo(4);
      assertThat(status(server, small).getAmount()).isEqualTo(2);
    }
  }

  private static JsonObject admin(TestServer server, String path) {
    return await(server.http.get(server.server.adminPort(), "127.0.0.1", path).send()).bodyAsJsonObject();
  }

  @Test
  void aSecondCheckInReplacesTheFirstAndAPingExtendsTheWait() {
    try (TestServer server = TestServer.start(smallBatch("fifo", 800))) {
      Devices devices = new Devices(server);
      JsonObject attrs = new JsonObject().put("cpu_cores", 2);
      // No job at all: nothing can be assigned, so only the rules of holding decide the answers.
      Future<Outcome> first = device(devices, "phone", attrs);
      eventually(Duration.ofSeconds(5), () -> metric(server, "propius_batch_held_devices") == 1, "first check-in held");
      long started = System.nanoTime();
      Future<Outcome> second = device(devices, "phone", attrs);
      assertThat(await(first).jobId()).isZero();
      assertThat(metric(server, "propius_batch_released_total{reason=\"superseded\"}")).isEqualTo(1);
      assertThat((System.nanoTime() - started) / 1_000_000).as("superseded at once, not after the wait").isLessThan(700);

      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      JsonObject ping = await(devices.post("/v1/ping", new JsonObject().put("device_id", "phone"))).bodyAsJsonObject();
      assertThat(ping.getLong("held_for_ms")).isEqualTo(800);
      assertThat(await(second).jobId()).isZero();
      long waited = (System.nanoTime() - started) / 1_000_000;
      assertThat(waited).as("the ping at ~500 ms moved the end of the wait to ~1300 ms").isGreaterThanOrEqualTo(1_200);

      assertThat(await(devices.post("/v1/ping", new JsonObject().put("device_id", "bad id!"))).statusCode()).isEqualTo(400);
    }
  }

  @Test
  void aPolicyWhoseGroupQueryDoesNotParseAssignsNothing() {
    try (TestServer server = TestServer.start(smallBatch("test-bad-groups", 600))) {
      Devices devices = new Devices(server);
      long job = server.openJob(1, null, 0);
      Outcome o = await(device(devices, "phone", new JsonObject().put("cpu_cores", 2)));
      assertThat(o.jobId()).isZero();
      assertThat(status(server, job).getAmount()).isZero();
      assertThat(metric(server, "propius_batch_plans_rejected_total")).isPositive();
      assertThat(metric(server, "propius_batch_plans_total")).isZero();
    }
  }

  @Test
  void aBadPolicyOptionStopsTheStartWithItsName() {
    PropiusOptions options = smallBatch("irs", 1_000);
    options.scheduler().getPolicyOptions().put("fairness", "-2");
    assertThat(Assertions.catchThrowable(() -> TestServer.start(options)))
        .hasMessageContaining("policy option 'fairness' must be a number >= 0");
  }

  @Test
  void pingIsRefusedInOnlineMode() {
    try (TestServer server = TestServer.start()) {
      var r = await(new Devices(server).post("/v1/ping", new JsonObject().put("device_id", "phone")));
      assertThat(r.statusCode()).isEqualTo(409);
      assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("small-batch mode");
    }
  }
}
