package io.propius.client.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.JobState;
import io.propius.client.testing.QuickOptions;
import io.propius.server.config.PropiusOptions;
import io.propius.server.testing.TestServer;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The client keeps an idle job alive; a closed client's job is expired by the server. */
class HeartbeatTest {
  @Test
  void backgroundHeartbeatsKeepAnIdleJobAliveAndStopOnClose() throws Exception {
    PropiusOptions options = QuickOptions.options();
    options.jobs().setHeartbeatTimeoutMs(1500);
    try (TestServer server = TestServer.start(options)) {
      JobClientOptions clientOptions = new JobClientOptions().setServer("127.0.0.1", server.jobsPort());
      long closedEarly;
      try (JobClient gone = JobClient.create(clientOptions)) {
        closedEarly = gone.register(JobSpec.of("closed-early", 1, 1));
      }
      try (JobClient job = JobClient.create(clientOptions)) {
        long id = job.register(JobSpec.of("idle", 1, 1));
        Thread.sleep(4000); // over two timeouts without any call of the application
        assertThat(job.status().getState()).isEqualTo(JobState.IDLE);
        assertThat(server.jobState(id)).isEqualTo("IDLE");
        // The control: nothing heartbeats for a closed client, so its job was expired.
        assertThat(server.jobState(closedEarly)).isEqualTo("EXPIRED");
      }
    }
  }

  @Test
  void blockingCallsOnAnEventLoopAreRefused() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (JobClient job = JobClient.create(new JobClientOptions().setServer("127.0.0.1", 1).setVertx(vertx))) {
      Promise<Throwable> failure = Promise.promise();
      vertx.runOnContext(v -> {
        try {
          job.requestRound(1);
          failure.complete(null);
        } catch (RuntimeException e) {
          failure.complete(e);
        }
      });
      assertThat(failure.future().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("event loop");
    } finally {
      vertx.close();
    }
  }
}
