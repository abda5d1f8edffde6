package io.propius.server;

import static io.propius.testing.Eventually.eventually;
import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.server.config.PropiusOptions;
import io.propius.server.testing.Devices;
import io.propius.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** Offers follow the configured policy's order and the jobs' public constraints. */
class SchedulingTest {
  private static List<Long> offeredJobs(Devices devices, String device, JsonObject attributes) {
    return await(devices.checkin(device, attributes)).bodyAsJsonObject().getJsonArray("offers").stream()
        .map(o -> ((JsonObject) o).getLong("job_id")).toList();
  }

  @Test
  void fifoOffersOlderJobsFirstAndOnlyEligibleOnes() {
    try (TestServer server = TestServer.start()) {
      Devices devices = new Devices(server);
      long gpuJob = server.openJob(5, "gpu", 1);    // oldest, needs a GPU
      long cpuJob = server.openJob(5, "cpu_cores", 4);
      long anyJob = server.openJob(5, null, 0);     // newest, no constraints
      JsonObject strong = new JsonObject().put("gpu", 1).put("cpu_cores", 8);
      eventually(Duration.ofSeconds(5), () -> offeredJobs(devices, "strong", strong).size() == 3, "three offers");
      assertThat(offeredJobs(devices, "strong", strong)).containsExactly(gpuJob, cpuJob, anyJob);
      assertThat(offeredJobs(devices, "weak", new JsonObject().put("cpu_cores", 2))).containsExactly(anyJob);
      assertThat(offeredJobs(devices, "no-gpu", new JsonObject().put("cpu_cores", 4))).containsExactly(cpuJob, anyJob);
      // A device lacking an attribute a constraint names is not eligible.
      assertThat(offeredJobs(devices, "bare", new JsonObject())).containsExactly(anyJob);
    }
  }

  @Test
  void atMostKOffers() {
    PropiusOptions options = TestServer.testOptions();
    options.devices().setMaxOffers(2);
    try (TestServer server = TestServer.start(options)) {
      Devices devices = new Devices(server);
      long a = server.openJob(1, null, 0);
      long b = server.openJob(1, null, 0);
      server.openJob(1, null, 0);
      eventually(Duration.ofSeconds(5), () -> offeredJobs(devices, "d", new JsonObject()).size() == 2, "two offers");
      assertThat(offeredJobs(devices, "d", new JsonObject())).containsExactly(a, b);
    }
  }

  @Test
  void aThirdPartyPolicyJarOnTheClassPathIsFoundByName() {
    PropiusOptions options = TestServer.testOptions();
    options.scheduler().setPolicy("largest-demand-first");
    try (TestServer server = TestServer.start(options)) {
      Devices devices = new Devices(server);
      long small = server.openJob(3, null, 0);
      long large = server.openJob(30, null, 0);
      long medium = server.openJob(10, null, 0);
      eventually(Duration.ofSeconds(5), () -> offeredJobs(devices, "d", new JsonObject()).equals(List.of(large, medium, small)),
          "offers in largest-demand-first order");
      JsonObject policies = await(server.http.get(server.server.adminPort(), "127.0.0.1", "/v1/admin/policies").send())
          .bodyAsJsonObject();
      assertThat(policies.getString("configured")).isEqualTo("largest-demand-first");
      assertThat(policies.getJsonArray("available").getList())
          .contains("fifo", "random", "srsf", "srtf", "las", "largest-demand-first");
    }
  }

  @Test
  void anUnknownPolicyFailsTheStartWithTheAvailableNames() {
    PropiusOptions options = TestServer.testOptions();
    options.scheduler().setPolicy("fastest");
    assertThat(Assertions.catchThrowable(() -> TestServer.start(options)))
        .hasMessageContaining("no scheduling policy named 'fastest'").hasMessageContaining("fifo");
  }
}
