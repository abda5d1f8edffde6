package io.propius.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propius.api.ErrorCode;
import io.propius.api.round.RoundSpec;
import io.propius.api.tls.TlsOptions;
import io.propius.client.dataplane.Aggregate;
import io.propius.client.device.DeviceClient;
import io.propius.client.device.DeviceClientOptions;
import io.propius.client.device.Task;
import io.propius.client.job.JobClient;
import io.propius.client.job.JobClientOptions;
import io.propius.client.job.JobSpec;
import io.propius.client.job.JobTransportType;
import io.propius.client.testing.QuickOptions;
import io.propius.server.config.PropiusOptions;
import io.propius.server.testing.TestServer;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The SDK over https against a server in the dev mode ({@code tls.selfSigned}): the job client
 * (gRPC and WebSocket), a device and the data plane all verify the generated certificate by the
 * file the server names; a device that does not trust it gets nothing through.
 */
class SdkOverTlsTest {
  @Test
  void aRoundRunsOverHttpsWithTheServersSelfSignedCertificateTrusted() {
    PropiusOptions options = QuickOptions.options();
    options.tls().setSelfSigned(true);
    try (TestServer server = TestServer.start(options)) {
      TlsOptions trust = new TlsOptions().setTrustPath(options.devices().getTls().getCertPath());
      String devicesUrl = "https://localhost:" + server.server.devicesPort();
      String dataPlaneUrl = "https://localhost:" + server.server.dataPlanePort();
      try (JobClient job = JobClient.create(new JobClientOptions().setServer("https://localhost:" + server.jobsPort())
               .setTls(trust).setDataPlaneUrl(dataPlaneUrl));
           JobClient overWebSocket = JobClient.create(new JobClientOptions()
               .setServer("https://localhost:" + server.jobsPort()).setTls(trust)
               .setTransport(JobTransportType.WEBSOCKET));
           DeviceClient device = DeviceClient.create(new DeviceClientOptions("tls-phone").setUrl(devicesUrl)
               .setTls(trust));
           DeviceClient untrusting = DeviceClient.create(new DeviceClientOptions("blind-phone").setUrl(devicesUrl))) {
        job.register(JobSpec.of("fedavg", 1, 1));
        assertThat(overWebSocket.register(JobSpec.of("fedavg", 1, 1))).isPositive();
        RoundSpec spec = RoundSpec.sync("fedavg", 2, 1, System.currentTimeMillis() + 30_000);
        job.publishRound(1, spec, "plan".getBytes());
        assertThat(job.requestRound(1)).isEqualTo(1);

        assertThatThrownBy(untrusting::checkin).isInstanceOfSatisfying(PropiusClientException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        Task task = device.nextTask(Duration.ofSeconds(10)).orElseThrow();
        assertThat(task.fetchPlan()).isEqualTo("plan".getBytes());
        assertThat(task.upload(new double[] {1, 2}, 1).accepted()).isTrue();
        Optional<Aggregate> aggregate = job.awaitAggregate(1, Duration.ofSeconds(10));
        assertThat(aggregate).isPresent();
        assertThat(aggregate.get().values()).containsExactly(1, 2);
      }
    }
  }
}
