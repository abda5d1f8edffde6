package io.propius.client.device;

import static io.propius.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.DataWork;
import io.propius.api.round.RoundSpec;
import io.propius.client.job.JobClient;
import io.propius.client.job.JobClientOptions;
import io.propius.client.job.JobSpec;
import io.propius.client.testing.QuickOptions;
import io.propius.server.config.PropiusOptions;
import io.propius.server.config.SecurityOptions.AdminKey;
import io.propius.server.testing.TestServer;
import io.propius.testing.EdgeProcess;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durations learned from a separate edge leaf: a device of a {@code med} small-batch round uploads
 * to a leaf process, the leaf's partial push carries the upload up to the root, and the control
 * plane pairs it with the device's confirm, once.
 */
class LeafDurationsTest {
  private static final String WRITE_KEY = "operator-write-key-0001";
  private static final long DEADLINE_MS = 60_000;

  @TempDir
  Path dir;

  private static double metric(TestServer server, String series) {
    return server.registry.scrape().lines().filter(l -> l.startsWith(series + " ") || l.startsWith(series + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** A leaf process below the server's root, with the keys file the admin API issues for it. */
  private EdgeProcess leaf(TestServer server) throws Exception {
    HttpResponse<Buffer> issued = server.http.post(server.server.adminPort(), "127.0.0.1", "/v1/admin/keys/node")
        .bearerTokenAuthentication(WRITE_KEY)
        .sendJsonObject(new JsonObject().put("audience", "leaf-eu").put("node", "eu-1").put("parent_audience", "root"))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertThat(issued.statusCode()).isEqualTo(200);
    Path keys = Files.writeString(dir.resolve("eu-1-keys.json"), issued.bodyAsString());
    return EdgeProcess.start("", keys, List.of("--role", "leaf", "--parent",
        "http://127.0.0.1:" + server.server.dataPlanePort(), "--journal", dir.resolve("eu-1").toString()));
  }

  @Test
  void anUploadAtALeafTeachesTheControlPlaneItsDurationOnce() throws Exception {
    PropiusOptions options = QuickOptions.options();
    options.scheduler().setMode("small-batch").setPolicy("med").setPolicyOptions(Map.of("solveMs", "500"));
    options.devices().setHoldMs(4_000).setInstances(1);
    options.security().setTokenSecret(Base64.getEncoder().encodeToString(new byte[32])).setAudiences("leaf-eu")
        .setAdminKeys(Map.of("ops", new AdminKey(WRITE_KEY, true)));
    Vertx clients = Vertx.vertx();
    try (TestServer server = TestServer.start(options);
         JobClient job = JobClient.create(new JobClientOptions().setServer("127.0.0.1", server.jobsPort())
             .setDataPlaneUrl(server.dataPlaneUrl()))) {
      EdgeProcess leaf = leaf(server);
      DeviceClient device = DeviceClient.create(new DeviceClientOptions("phone-1").setUrl(server.devicesUrl())
          .setVertx(clients).setPublic("cpu_cores", 4));
      try {
        job.register(JobSpec.of("fedavg", 1, 1).dataPlaneAddress("http://127.0.0.1:" + leaf.port())
            .dataPlaneAudience("leaf-eu"));
        job.publishRound(1, RoundSpec.sync("fedavg", 1, 1, System.currentTimeMillis() + DEADLINE_MS),
            "plan".getBytes());
        var attempt = device.nextTaskAsync(Duration.ofSeconds(15));
        eventually(Duration.ofSeconds(10), () -> metric(server, "propius_batch_held_devices") == 1, "device held");
        job.requestRound(1, DataWork.newBuilder().setTotalShards(4).setModelBytes(1_000).setDeadlineMs(DEADLINE_MS)
            .build());
        Optional<Task> task = attempt.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertThat(task).isPresent();
        assertThat(task.get().binding().dataPlane()).isEqualTo("http://127.0.0.1:" + leaf.port());
        assertThat(metric(server, "propius_med_durations_total")).isZero();

        assertThat(task.get().upload(new double[] {1}, task.get().shards()).accepted()).isTrue();
        // The root learns of the upload only through the leaf's push.
        eventually(Duration.ofSeconds(30), () -> metric(server, "propius_med_durations_total") == 1,
            "a duration learned from the leaf's push");
        // A retry at the leaf is a duplicate there: no second duration, even after further pushes.
        assertThat(task.get().upload(new double[] {1}, task.get().shards()).accepted()).isTrue();
        Thread.sleep(2_000);
        assertThat(metric(server, "propius_med_durations_total")).isEqualTo(1);
      } finally {
        device.close();
        leaf.close();
      }
    } finally {
      clients.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
