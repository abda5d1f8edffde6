package io.propius.server.redis;

import static io.propius.server.testing.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.server.testing.Devices;
import io.propius.server.testing.Journey;
import io.propius.server.testing.RedisServers;
import io.propius.server.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Small-batch mode on two servers that share only a Redis (each its own Vert.x, event bus,
 * scheduler and two client manager instances, as two nodes would be): each applies its own plans
 * to the devices it holds, and the offer claims in Redis keep the rounds' offers within their open
 * slots across both.
 */
class RedisSmallBatchTest {
  @AutoClose
  private RedisServers cluster;

  @Test
  void twoServersOfferTheEightySlotsOfTwoRoundsExactlyOnceBetweenThem() {
    cluster = RedisServers.start(2, "batch:", options -> {
      options.scheduler().setMode("small-batch").setPolicy("irs");
      options.devices().setHoldMs(2_000);
    });
    List<TestServer> servers = cluster.servers;
    TestServer first = servers.get(0);
    List<Long> jobs = new ArrayList<>();
    for (int demand : new int[] {30, 50}) {
      long id = await(first.jobs.registerJob(RegisterJobRequest.newBuilder().setTotalRounds(1).setEstDemand(demand)
          .build())).getJobId();
      await(first.jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(id).setDemand(demand).build()));
      jobs.add(id);
    }

    List<Devices> endpoints = servers.stream().map(s -> Devices.withConnections(s, 64)).toList();
    List<Journey> journeys = Journey.of(i -> endpoints.get(i % 2), 100);

    System.out.printf("small batch, 2 servers on one Redis: %d offers for 80 slots, %d ROUND_FULL%n",
        Journey.offers(journeys), Journey.roundFull(journeys));
    assertThat(Journey.boundTo(journeys, jobs.get(0))).isEqualTo(30);
    assertThat(Journey.boundTo(journeys, jobs.get(1))).isEqualTo(50);
    assertThat(journeys).as("no device offered twice").allMatch(j -> j.offers() <= 1);
    assertThat(Journey.offers(journeys)).isEqualTo(80);
    assertThat(Journey.roundFull(journeys)).isZero();
    for (int k = 0; k < 2; k++) {
      long id = jobs.get(k);
      assertThat(await(first.jobs.getJob(GetJobRequest.newBuilder().setJobId(id).build())).getAmount())
          .isEqualTo(k == 0 ? 30 : 50);
    }
  }
}
