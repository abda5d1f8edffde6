package io.propius.client.dataplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.propius.api.ErrorCode;
import io.propius.api.grpc.JobEvent;
import io.propius.api.round.RoundSpec;
import io.propius.client.PropiusClientException;
import io.propius.client.device.DeviceClient;
import io.propius.client.device.DeviceClientOptions;
import io.propius.client.device.Task;
import io.propius.client.job.JobClient;
import io.propius.client.job.JobClientOptions;
import io.propius.client.job.JobSpec;
import io.propius.client.testing.QuickOptions;
import io.propius.server.config.PropiusOptions;
import io.propius.server.testing.TestServer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A round through the data plane of a real server: the job publishes its plan, two devices fetch
 * it and upload results, the job reads the FedAvg aggregate.
 */
class DataPlaneFlowTest {
  @Test
  void planOutResultsInAggregateBack() {
    try (TestServer server = TestServer.start(QuickOptions.options());
         JobClient job = JobClient.create(new JobClientOptions().setServer("127.0.0.1", server.jobsPort())
             .setDataPlaneUrl(server.dataPlaneUrl()));
         DeviceClient a = DeviceClient.create(new DeviceClientOptions("dp-a").setUrl(server.devicesUrl()));
         DeviceClient b = DeviceClient.create(new DeviceClientOptions("dp-b").setUrl(server.devicesUrl()))) {
      job.register(JobSpec.of("fedavg", 1, 2));
      byte[] plan = "weights and config".getBytes();
      RoundSpec spec = RoundSpec.sync("fedavg", 3, 2, System.currentTimeMillis() + 30_000);
      job.publishRound(1, spec, plan);
      job.publishRound(1, spec, plan); // an identical re-publish is acknowledged
      assertThatThrownBy(() -> job.publishRound(1, spec, "other bytes".getBytes()))
          .isInstanceOfSatisfying(PropiusClientException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION));
      assertThat(job.requestRound(2)).isEqualTo(1);

      Task ta = a.nextTask(Duration.ofSeconds(10)).orElseThrow();
      // The round still has a free slot, but a device does not take a round it already holds.
      assertThat(a.nextTask(Duration.ofMillis(400))).isEmpty();
      Task tb = b.nextTask(Duration.ofSeconds(10)).orElseThrow();
      assertThat(ta.fetchPlan()).isEqualTo(plan);
      assertThat(ta.roundSpec().tensorLength()).isEqualTo(3);
      assertThatThrownBy(() -> ta.upload(new double[] {1, 2}, 10))
          .isInstanceOfSatisfying(PropiusClientException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
      assertThat(job.fetchAggregate(1)).isEmpty();

      assertThat(ta.upload(new double[] {1, 2, 3}, 10).duplicate()).isFalse();
      assertThat(ta.upload(new double[] {1, 2, 3}, 10).duplicate()).isTrue();
      assertThat(tb.upload(new double[] {4, 5, 6}, 30).accepted()).isTrue();

      JobEvent ready = job.awaitEvent(e -> e.getType() == JobEvent.Type.AGGREGATE_READY, Duration.ofSeconds(10));
      assertThat(ready.getRound()).isEqualTo(1);
      assertThat(ready.getAmount()).isEqualTo(2);
      Optional<Aggregate> aggregate = job.awaitAggregate(1, Duration.ofSeconds(10));
      assertThat(aggregate).isPresent();
      assertThat(aggregate.get().complete()).isTrue();
      assertThat(aggregate.get().contributors()).isEqualTo(2);
      assertThat(aggregate.get().weight()).isEqualTo(40.0);
      // FedAvg: (10·[1,2,3] + 30·[4,5,6]) / 40
      assertThat(aggregate.get().values()).containsExactly(new double[] {3.25, 4.25, 5.25}, within(1e-6));
      job.endRound(1);
      job.finish();
    }
  }

  @Test
  void withApiKeysEachJobUsesItsTenantsKeyOnTheDataPlane() {
    PropiusOptions options = QuickOptions.options();
    options.security().setJobApiKeys(Map.of("team-a", "key-a-0123456789abcdef", "team-b", "key-b-0123456789abcdef"));
    try (TestServer server = TestServer.start(options);
         JobClient a = JobClient.create(new JobClientOptions().setServer("127.0.0.1", server.jobsPort())
             .setDataPlaneUrl(server.dataPlaneUrl()).setApiKey("key-a-0123456789abcdef"));
         JobClient b = JobClient.create(new JobClientOptions().setServer("127.0.0.1", server.jobsPort())
             .setDataPlaneUrl(server.dataPlaneUrl()).setApiKey("key-b-0123456789abcdef"))) {
      a.register(JobSpec.of("fedavg", 1, 1));
      b.register(JobSpec.of("fedavg", 1, 1));
      RoundSpec spec = RoundSpec.sync("fedavg", 2, 1, System.currentTimeMillis() + 30_000);
      a.publishRound(1, spec, "plan of a".getBytes());
      b.publishRound(1, spec, "plan of b".getBytes());
      assertThat(a.fetchAggregate(1)).isEmpty();
      assertThat(b.fetchAggregate(1)).isEmpty();
    }
  }
}
