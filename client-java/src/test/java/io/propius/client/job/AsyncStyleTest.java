package io.propius.client.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.JobEvent;
import io.propius.client.device.DeviceClient;
import io.propius.client.device.DeviceClientOptions;
import io.propius.client.device.DeviceConnections;
import io.propius.client.device.Task;
import io.propius.client.testing.QuickOptions;
import io.propius.server.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Future style: one composed chain on the application's own Vert.x, devices sharing one
 * connection pool, nothing blocking until the test waits for the end result.
 */
class AsyncStyleTest {
  @Test
  void aJobAndTwentyDevicesComposeWithoutBlocking() throws Exception {
    try (TestServer server = TestServer.start(QuickOptions.options())) {
      Vertx app = Vertx.vertx();
      try {
        JobClient job = JobClient.create(new JobClientOptions().setServer("127.0.0.1", server.jobsPort()).setVertx(app));
        DeviceConnections pool = DeviceConnections.create(app, 16);
        List<DeviceClient> devices = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          devices.add(DeviceClient.create(new DeviceClientOptions("async-" + i).setUrl(server.devicesUrl())
              .setConnections(pool).setPublic("ram_gb", 4)));
        }
        Future<Integer> bound = job.registerAsync(JobSpec.of("async", 1, 20))
            .compose(id -> job.requestRoundAsync(20))
            .compose(round -> {
              List<Future<Optional<Task>>> tasks = new ArrayList<>();
              devices.forEach(d -> tasks.add(d.nextTaskAsync(Duration.ofSeconds(20))));
              return Future.all(tasks).map(all -> round);
            })
            .compose(round -> job.awaitRoundFilledAsync(round, Duration.ofSeconds(10)))
            .compose((JobEvent filled) -> job.endRoundAsync(filled.getRound()))
            .compose(ended -> job.finishAsync().map(f -> ended.getBound()));
        assertThat(bound.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)).isEqualTo(20);
        job.closeAsync().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        pool.close();
      } finally {
        app.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }
}
