package io.propius.client.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.JobEvent;
import io.propius.client.device.DeviceClient;
import io.propius.client.device.DeviceClientOptions;
import io.propius.client.testing.CuttableProxy;
import io.propius.client.testing.QuickOptions;
import io.propius.server.testing.TestServer;
import io.propius.testing.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The job reaches the server through a TCP proxy that the test cuts: the client reconnects,
 * re-issues its watch (WATCH_STARTED first) and carries on with the round.
 */
class ReconnectTest {
  @ParameterizedTest
  @EnumSource(JobTransportType.class)
  void theJobClientSurvivesADroppedConnection(JobTransportType transport) throws Exception {
    try (TestServer server = TestServer.start(QuickOptions.options());
         CuttableProxy proxy = CuttableProxy.start(server.vertx, server.jobsPort());
         JobClient job = JobClient.create(new JobClientOptions().setServer("127.0.0.1", proxy.port())
             .setTransport(transport).setReconnectBackoff(20, 200));
         DeviceClient device = DeviceClient.create(new DeviceClientOptions("survivor").setUrl(server.devicesUrl()))) {
      List<JobEvent> events = new CopyOnWriteArrayList<>();
      job.addListener(events::add);
      long id = job.register(JobSpec.of("reconnect-" + transport, 2, 1));
      assertThat(proxy.cut()).isPositive();

      int round = job.requestRound(1);
      assertThat(round).isEqualTo(1);
      Eventually.eventually(Duration.ofSeconds(10), () -> job.reconnects() >= 1, "a re-established watch");
      assertThat(device.nextTask(Duration.ofSeconds(10))).isPresent();
      JobEvent filled = job.awaitRoundFilled(1, Duration.ofSeconds(10));
      assertThat(filled.getJobId()).isEqualTo(id);
      assertThat(events).filteredOn(e -> e.getType() == JobEvent.Type.WATCH_STARTED).hasSizeGreaterThanOrEqualTo(2);

      // Cut again while the round is filled: the state after reconnecting still says so.
      proxy.cut();
      assertThat(job.endRound(1).getBound()).isEqualTo(1);
      assertThat(job.status().getRoundsCompleted()).isEqualTo(1);
      job.finish();
    }
  }
}
