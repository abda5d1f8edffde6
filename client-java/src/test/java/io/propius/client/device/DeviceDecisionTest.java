package io.propius.client.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propius.api.ErrorCode;
import io.propius.api.device.Offer;
import io.propius.client.PropiusClientException;
import io.propius.client.job.JobClient;
import io.propius.client.job.JobClientOptions;
import io.propius.client.job.JobSpec;
import io.propius.client.testing.EmbeddedServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Private constraints are checked on the device only; a device that does not meet them declines. */
class DeviceDecisionTest {
  @Test
  void aDeviceDeclinesOffersItsPrivateAttributesDoNotMeet() {
    try (EmbeddedServer server = EmbeddedServer.start();
         JobClient job = JobClient.create(new JobClientOptions().setServer("127.0.0.1", server.jobsPort()));
         DeviceClient small = DeviceClient.create(new DeviceClientOptions("small-data").setUrl(server.devicesUrl())
             .setPrivateAttributes(PrivateAttributes.of(Map.of("dataset_size", 50.0))));
         DeviceClient large = DeviceClient.create(new DeviceClientOptions("large-data").setUrl(server.devicesUrl())
             .setPrivateAttributes(PrivateAttributes.of(Map.of("dataset_size", 500.0))))) {
      job.register(JobSpec.of("needs-data", 1, 1).requirePrivate("dataset_size", 100));
      job.requestRound(1);

      EmbeddedServer.eventually(Duration.ofSeconds(10), () -> {
        assertThat(small.nextTask(Duration.ofMillis(300))).isEmpty();
        return small.declined() > 0;
      }, "the small device to see and decline an offer");
      assertThat(job.status().getAmount()).isZero();

      Task task = large.nextTask(Duration.ofSeconds(10)).orElseThrow();
      assertThat(task.jobId()).isEqualTo(job.jobId());
      assertThat(large.declined()).isZero();
      assertThat(job.status().getAmount()).isEqualTo(1);
      job.finish();
    }
  }

  @Test
  void aForgedOfferIsRefusedWithTheServersCode() {
    try (EmbeddedServer server = EmbeddedServer.start();
         DeviceClient device = DeviceClient.create(new DeviceClientOptions("forger").setUrl(server.devicesUrl()))) {
      Offer forged = new Offer(1, 1, Map.of(), "po1.not-a-real-offer", System.currentTimeMillis() + 10_000);
      assertThatThrownBy(() -> device.accept(forged))
          .isInstanceOfSatisfying(PropiusClientException.class, e -> {
            assertThat(e.code()).isIn(ErrorCode.OFFER_INVALID, ErrorCode.INVALID_ARGUMENT);
            assertThat(e.isRetryable()).isFalse();
          });
    }
  }

  @Test
  void badDeviceIdsAreRefusedBeforeAnythingIsSent() {
    assertThatThrownBy(() -> DeviceClient.create(new DeviceClientOptions("no spaces allowed")))
        .isInstanceOfSatisfying(PropiusClientException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("device_id");
  }
}
