package io.propius.server;

import static io.propius.testing.Eventually.eventually;
import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.EndRoundRequest;
import io.propius.api.grpc.FinishJobRequest;
import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.JobEvent;
import io.propius.api.grpc.JobState;
import io.propius.api.grpc.JobStatus;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.api.grpc.WatchJobRequest;
import io.propius.server.bus.Addresses;
import io.propius.server.testing.Devices;
import io.propius.server.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The control plane end to end: a job over gRPC, 200 devices over HTTP, one JVM. */
class GrpcControlPlaneTest {
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

  @Test
  void twoHundredDevicesFillARoundOfFiftyExactly() {
    long jobId = await(server.jobs.registerJob(RegisterJobRequest.newBuilder().setName("mnist").setTotalRounds(3)
        .setEstDemand(50).putPublicConstraints("cpu_cores", 2).putPrivateConstraints("dataset_size", 100).build()))
        .getJobId();
    List<JobEvent> events = new CopyOnWriteArrayList<>();
    AtomicBoolean streamEnded = new AtomicBoolean();
    // Attach handlers as the stream opens, on its event loop, so no early event is missed.
    await(server.jobs.watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build())
        .onSuccess(watch -> watch.handler(events::add).endHandler(v -> streamEnded.set(true))));
    eventually(Duration.ofSeconds(5), () -> !events.isEmpty(), "WATCH_STARTED");
    assertThat(events.get(0).getType()).isEqualTo(JobEvent.Type.WATCH_STARTED);
    assertThat(events.get(0).getState()).isEqualTo(JobState.IDLE);

    // A registration event delivered after the watch began (e.g. a slow bus on a cold JVM) is not
    // forwarded: watchers see WATCH_STARTED and what happens after it.
    server.vertx.eventBus().publish(Addresses.JOB_EVENTS, JobEvent.newBuilder()
        .setType(JobEvent.Type.JOB_REGISTERED).setJobId(jobId).setState(JobState.IDLE).build());

    int round = await(server.jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(jobId).setDemand(50).build()))
        .getRound();
    assertThat(round).isEqualTo(1);
    JsonObject attributes = new JsonObject().put("cpu_cores", 4).put("ram_gb", 8);
    JsonObject probe = devices.awaitOffer("probe", attributes, jobId);
    assertThat(probe.getJsonObject("private_constraints").getDouble("dataset_size")).isEqualTo(100.0);

    // 200 devices check in and accept at once.
    List<Future<HttpResponse<Buffer>>> accepts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String device = "phone-" + i;
      accepts.add(devices.checkin(device, attributes).compose(r -> {
        JsonObject offer = r.bodyAsJsonObject().getJsonArray("offers").stream().map(o -> (JsonObject) o)
            .filter(o -> o.getLong("job_id") == jobId).findFirst().orElse(null);
        return offer == null ? Future.succeededFuture(null) : devices.accept(device, offer.getString("offer"));
      }));
    }
    Set<String> bound = ConcurrentHashMap.newKeySet();
    int full = 0;
    for (Future<HttpResponse<Buffer>> f : accepts) {
      HttpResponse<Buffer> r = await(f);
      if (r == null) {
        continue; // the snapshot without the filled round reached this device's check-in first
      }
      if (r.statusCode() == 200) {
        JsonObject binding = r.bodyAsJsonObject();
        assertThat(binding.getLong("job_id")).isEqualTo(jobId);
        assertThat(binding.getInteger("round")).isEqualTo(1);
        assertThat(binding.getString("task_token")).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"); // compact JWS
        assertThat(binding.getString("data_plane")).isEqualTo(server.options.devices().getDataPlaneUrl());
        bound.add(binding.getString("device_id"));
      } else {
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("ROUND_FULL");
        full++;
      }
    }
    assertThat(bound).hasSize(50);
    assertThat(full).isGreaterThan(0);

    JobStatus status = await(server.jobs.getJob(GetJobRequest.newBuilder().setJobId(jobId).build()));
    assertThat(status.getAmount()).isEqualTo(50);
    assertThat(status.getAttainedService()).isEqualTo(50);
    assertThat(status.getState()).isEqualTo(JobState.FILLED);

    eventually(Duration.ofSeconds(5), () -> events.stream().anyMatch(e -> e.getType() == JobEvent.Type.ROUND_FILLED),
        "ROUND_FILLED on the watch stream");
    List<String> boundEvents = events.stream().filter(e -> e.getType() == JobEvent.Type.DEVICE_BOUND)
        .map(JobEvent::getDeviceId).toList();
    assertThat(boundEvents).hasSize(50).containsExactlyInAnyOrderElementsOf(bound);
    assertThat(events.stream().filter(e -> e.getType() == JobEvent.Type.ROUND_FILLED)).hasSize(1);
    assertThat(events).noneMatch(e -> e.getType() == JobEvent.Type.JOB_REGISTERED);

    // A filled round is not offered any more.
    eventually(Duration.ofSeconds(5), () -> await(devices.checkin("late", attributes)).bodyAsJsonObject()
        .getJsonArray("offers").isEmpty(), "the filled round to leave the schedule");

    assertThat(await(server.jobs.endRound(EndRoundRequest.newBuilder().setJobId(jobId).build())).getBound())
        .isEqualTo(50);
    assertThat(await(server.jobs.finishJob(FinishJobRequest.newBuilder().setJobId(jobId).build()))
        .getRoundsCompleted()).isEqualTo(1);
    eventually(Duration.ofSeconds(5), streamEnded::get, "the watch stream to end after JOB_FINISHED");
    List<JobEvent.Type> tail = events.stream().map(JobEvent::getType)
        .filter(t -> t == JobEvent.Type.ROUND_CLOSED || t == JobEvent.Type.JOB_FINISHED).toList();
    assertThat(tail).containsExactly(JobEvent.Type.ROUND_CLOSED, JobEvent.Type.JOB_FINISHED);
  }

  @Test
  void finishingAJobWithItsRoundOpenTellsTheWatcherTheRoundClosedAndTheJobFinished() {
    long jobId = await(server.jobs.registerJob(RegisterJobRequest.newBuilder().setName("open-finish").setTotalRounds(2)
        .setEstDemand(5).build())).getJobId();
    List<JobEvent> events = new CopyOnWriteArrayList<>();
    AtomicBoolean streamEnded = new AtomicBoolean();
    await(server.jobs.watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build())
        .onSuccess(watch -> watch.handler(events::add).endHandler(v -> streamEnded.set(true))));
    eventually(Duration.ofSeconds(15), () -> !events.isEmpty(), "WATCH_STARTED");
    await(server.jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(jobId).setDemand(5).build()));

    await(server.jobs.finishJob(FinishJobRequest.newBuilder().setJobId(jobId).build()));
    eventually(Duration.ofSeconds(15), streamEnded::get, "the watch stream to end");
    assertThat(events.stream().map(JobEvent::getType).toList()).containsExactly(JobEvent.Type.WATCH_STARTED,
        JobEvent.Type.ROUND_REQUESTED, JobEvent.Type.ROUND_CLOSED, JobEvent.Type.JOB_FINISHED);
    assertThat(events.get(3).getState()).isEqualTo(JobState.FINISHED);
  }

  /**
   * A device's bind and confirmation go on the event bus only while someone in this (single,
   * online-mode) process watches a job: unwatched, nothing reads them. Once a watch is open, every
   * bind and confirmation reaches it, and the bus again.
   */
  @Test
  void deviceEventsGoOutOnlyWhileAJobIsWatched() {
    long jobId = await(server.jobs.registerJob(RegisterJobRequest.newBuilder().setName("quiet").setTotalRounds(1)
        .setEstDemand(10).putPublicConstraints("cpu_cores", 2).build())).getJobId();
    List<JobEvent.Type> onTheBus = new CopyOnWriteArrayList<>();
    await(server.vertx.eventBus().<JobEvent>consumer(Addresses.JOB_EVENTS, msg -> onTheBus.add(msg.body().getType()))
        .completion());
    await(server.jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(jobId).setDemand(10).build()));
    JsonObject attributes = new JsonObject().put("cpu_cores", 4);
    devices.awaitOffer("probe", attributes, jobId);
    for (int i = 0; i < 4; i++) {
      bindAndConfirm("unwatched-" + i, attributes, jobId);
    }
    eventually(Duration.ofSeconds(5), () -> onTheBus.contains(JobEvent.Type.ROUND_REQUESTED), "ROUND_REQUESTED");
    assertThat(onTheBus).doesNotContain(JobEvent.Type.DEVICE_BOUND, JobEvent.Type.DEVICE_CONFIRMED);

    List<JobEvent> watched = new CopyOnWriteArrayList<>();
    await(server.jobs.watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build())
        .onSuccess(watch -> watch.handler(watched::add)));
    eventually(Duration.ofSeconds(5), () -> !watched.isEmpty(), "WATCH_STARTED");
    assertThat(watched.get(0).getAmount()).as("the watch starts from the binds it did not see").isEqualTo(4);
    for (int i = 0; i < 6; i++) {
      bindAndConfirm("watched-" + i, attributes, jobId);
    }
    eventually(Duration.ofSeconds(5), () -> watched.stream().filter(e -> e.getType() == JobEvent.Type.DEVICE_CONFIRMED)
        .count() == 6, "six confirmations on the watch");
    assertThat(watched.stream().filter(e -> e.getType() == JobEvent.Type.DEVICE_BOUND).map(JobEvent::getDeviceId))
        .containsExactlyInAnyOrder("watched-0", "watched-1", "watched-2", "watched-3", "watched-4", "watched-5");
    eventually(Duration.ofSeconds(5), () -> watched.stream().anyMatch(e -> e.getType() == JobEvent.Type.ROUND_FILLED),
        "ROUND_FILLED on the watch");
    assertThat(onTheBus.stream().filter(t -> t == JobEvent.Type.DEVICE_BOUND)).hasSize(6);
  }

  private void bindAndConfirm(String device, JsonObject attributes, long jobId) {
    HttpResponse<Buffer> accepted = await(devices.accept(device, await(devices.offerOf(device, attributes, jobId))));
    assertThat(accepted.statusCode()).isEqualTo(200);
    assertThat(await(devices.confirm(accepted.bodyAsJsonObject().getString("task_token"))).statusCode()).isEqualTo(200);
  }
}
