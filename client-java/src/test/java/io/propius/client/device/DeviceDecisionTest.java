package io.propius.client.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propius.api.ErrorCode;
import io.propius.api.device.Offer;
import io.propius.client.PropiusClientException;
import io.propius.client.job.JobClient;
import io.propius.client.job.JobClientOptions;
import io.propius.client.job.JobSpec;
import io.propius.client.testing.QuickOptions;
import io.propius.server.config.PropiusOptions;
import io.propius.server.testing.TestServer;
import io.propius.testing.Eventually;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Private constraints are checked on the device only; a device that does not meet them declines. */
class DeviceDecisionTest {
  @Test
  void aDeviceDeclinesOffersItsPrivateAttributesDoNotMeet() {
    try (TestServer server = TestServer.start(QuickOptions.options());
         JobClient job = JobClient.create(new JobClientOptions().setServer("127.0.0.1", server.jobsPort()));
         DeviceClient small = DeviceClient.create(new DeviceClientOptions("small-data").setUrl(server.devicesUrl())
             .setPrivateAttributes(PrivateAttributes.of(Map.of("dataset_size", 50.0))));
         DeviceClient large = DeviceClient.create(new DeviceClientOptions("large-data").setUrl(server.devicesUrl())
             .setPrivateAttributes(PrivateAttributes.of(Map.of("dataset_size", 500.0))))) {
      job.register(JobSpec.of("needs-data", 1, 1).requirePrivate("dataset_size", 100));
      job.requestRound(1);

      Eventually.eventually(Duration.ofSeconds(10), () -> {
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
  void withoutOffersTheDeviceComesBackAfterTheServersRetryWindowWithJitter() {
    PropiusOptions options = QuickOptions.options();
    options.devices().setRetryMinMs(400).setRetryMaxMs(400);
    List<Long> checkins = new CopyOnWriteArrayList<>();
    try (TestServer server = TestServer.start(options);
         DeviceClient device = DeviceClient.create(new DeviceClientOptions("patient").setUrl(server.devicesUrl())
             .setRetryJitter(0.25).setDecision((offers, attributes) -> {
               checkins.add(System.nanoTime());
               return Optional.empty();
             }))) {
      assertThat(device.nextTask(Duration.ofMillis(2000))).isEmpty();
      // 400 ms ± 25 % apart: 4 to 6 check-ins in 2 s, never a tight loop.
      assertThat(checkins).hasSizeBetween(4, 6);
      for (int i = 1; i < checkins.size(); i++) {
        long gapMs = (checkins.get(i) - checkins.get(i - 1)) / 1_000_000;
        assertThat(gapMs).isBetween(290L, 700L);
      }
    }
  }

  @Test
  void aForgedOfferIsRefusedWithTheServersCode() {
    try (TestServer server = TestServer.start(QuickOptions.options());
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
