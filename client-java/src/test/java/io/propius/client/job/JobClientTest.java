package io.propius.client.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propius.api.ErrorCode;
import io.propius.api.grpc.JobEvent;
import io.propius.api.grpc.JobState;
import io.propius.client.PropiusClientException;
import io.propius.client.device.DeviceClient;
import io.propius.client.device.DeviceClientOptions;
import io.propius.client.device.Task;
import io.propius.client.testing.QuickOptions;
import io.propius.server.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The blocking style over both transports, against a real server: a whole round and bad calls. */
class JobClientTest {
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(QuickOptions.options());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static JobClient job(JobTransportType transport) {
    return JobClient.create(new JobClientOptions().setServer("127.0.0.1", server.jobsPort()).setTransport(transport));
  }

  @ParameterizedTest
  @EnumSource(JobTransportType.class)
  void aRoundFillsWithDevicesAndEnds(JobTransportType transport) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (JobClient job = job(transport)) {
      List<JobEvent> events = new CopyOnWriteArrayList<>();
      job.addListener(events::add);
      String tag = transport.name().toLowerCase();
      long id = job.register(JobSpec.of("blocking-" + tag, 2, 3).requirePublic("cpu_cores", 2)
          .dataPlaneAudience("sdk-" + tag));
      assertThat(id).isPositive();
      assertThat(job.status().getDataPlane().getAudience()).isEqualTo("sdk-" + tag);
      int round = job.requestRound(3);
      assertThat(round).isEqualTo(1);

      List<Future<Optional<Task>>> tasks = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String deviceId = tag + "-dev-" + i;
        tasks.add(pool.submit(() -> {
          try (DeviceClient device = DeviceClient.create(new DeviceClientOptions(deviceId)
              .setUrl(server.devicesUrl()).setPublic("cpu_cores", 4))) {
            return device.nextTask(Duration.ofSeconds(15));
          }
        }));
      }
      for (Future<Optional<Task>> t : tasks) {
        Optional<Task> task = t.get();
        assertThat(task).isPresent();
        assertThat(task.get().jobId()).isEqualTo(id);
        assertThat(task.get().round()).isEqualTo(1);
      }
      JobEvent filled = job.awaitRoundFilled(1, Duration.ofSeconds(10));
      assertThat(filled.getAmount()).isEqualTo(3);
      assertThat(job.status().getState()).isEqualTo(JobState.FILLED);
      assertThat(job.endRound(1).getBound()).isEqualTo(3);
      assertThat(job.finish().getRoundsCompleted()).isEqualTo(1);
      assertThat(events).extracting(JobEvent::getType).contains(JobEvent.Type.WATCH_STARTED,
          JobEvent.Type.ROUND_REQUESTED, JobEvent.Type.DEVICE_BOUND, JobEvent.Type.ROUND_FILLED);
    } finally {
      pool.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(JobTransportType.class)
  void badCallsFailWithTheServersCodeAndChangeNothing(JobTransportType transport) {
    try (JobClient job = job(transport)) {
      assertThatThrownBy(() -> job.requestRound(1)).isInstanceOf(PropiusClientException.class)
          .satisfies(e -> assertThat(((PropiusClientException) e).code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
          .hasMessageContaining("register");
      assertThatThrownBy(() -> job.register(JobSpec.of("zero", 1, 0)))
          .isInstanceOfSatisfying(PropiusClientException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
          .hasMessageContaining("est_demand");
      job.register(JobSpec.of("twice-" + transport, 3, 2));
      job.requestRound(2);
      assertThatThrownBy(() -> job.requestRound(2))
          .isInstanceOfSatisfying(PropiusClientException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION))
          .hasMessageContaining("still open");
      assertThat(job.status().getRound()).isEqualTo(1);
      job.finish();
    }
  }
}
