package io.propius.server.redis;

import static io.propius.server.testing.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.JobState;
import io.propius.api.grpc.JobStatus;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.server.testing.Devices;
import io.propius.server.testing.RedisServers;
import io.propius.server.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Three server instances (each its own Vert.x, client manager port and scheduler) on one Redis:
 * 1,000 devices accept a round of demand 100 at once, spread over the three; exactly 100 are bound.
 */
class RedisMultiInstanceTest {
  private static final JsonObject ATTRIBUTES = new JsonObject().put("cpu_cores", 2);
  @AutoClose
  private RedisServers cluster;

  @Test
  void thousandConcurrentAcceptsOnThreeInstancesBindExactlyTheDemand() {
    cluster = RedisServers.start(3, "multi:", options -> { });
    List<TestServer> servers = cluster.servers;
    TestServer first = servers.get(0);
    long jobId = await(first.jobs.registerJob(RegisterJobRequest.newBuilder().setTotalRounds(1).setEstDemand(100)
        .build())).getJobId();
    await(first.jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(jobId).setDemand(100).build()));

    List<Devices> endpoints = servers.stream().map(Devices::new).toList();
    // Every instance's scheduler reads the job from Redis and offers it.
    for (int s = 0; s < servers.size(); s++) {
      endpoints.get(s).awaitOffer("probe" + s, ATTRIBUTES, jobId);
    }
    List<Future<String>> offers = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      offers.add(endpoints.get(i % 3).checkin("d" + i, ATTRIBUTES).map(r -> r.bodyAsJsonObject().getJsonArray("offers")
          .stream().map(JsonObject.class::cast).filter(o -> o.getLong("job_id") == jobId).findFirst()
          .orElseThrow(() -> new AssertionError("no offer in " + r.bodyAsString())).getString("offer")));
    }
    await(Future.all(offers), Duration.ofSeconds(30));

    List<Future<HttpResponse<Buffer>>> accepts = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      accepts.add(endpoints.get(i % 3).accept("d" + i, offers.get(i).result()));
    }
    await(Future.join(accepts), Duration.ofSeconds(60));

    Map<String, Integer> outcomes = new TreeMap<>();
    Set<String> bound = new HashSet<>();
    Set<Integer> fullVia = new HashSet<>();
    for (int i = 0; i < accepts.size(); i++) {
      HttpResponse<Buffer> r = accepts.get(i).result();
      String outcome = r.statusCode() == 200 ? "BOUND"
          : r.statusCode() + " " + r.bodyAsJsonObject().getJsonObject("error").getString("code");
      outcomes.merge(outcome, 1, Integer::sum);
      if (r.statusCode() == 200) {
        bound.add(r.bodyAsJsonObject().getString("device_id"));
      } else {
        fullVia.add(i % 3);
      }
    }
    assertThat(outcomes).containsExactlyInAnyOrderEntriesOf(Map.of("BOUND", 100, "409 ROUND_FULL", 900));
    assertThat(bound).hasSize(100);
    assertThat(fullVia).as("every instance saw the same round fill up in Redis").hasSize(3);
    for (TestServer server : servers) {
      JobStatus status = await(server.jobs.getJob(GetJobRequest.newBuilder().setJobId(jobId).build()));
      assertThat(status.getAmount()).isEqualTo(100);
      assertThat(status.getAttainedService()).isEqualTo(100);
      assertThat(status.getState()).isEqualTo(JobState.FILLED);
    }
  }
}
