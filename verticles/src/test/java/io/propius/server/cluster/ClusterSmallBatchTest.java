package io.propius.server.cluster;

import static io.propius.server.testing.TestServer.await;
import static io.propius.server.testing.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.server.testing.ClusterNodes;
import io.propius.server.testing.Devices;
import io.propius.server.testing.Journey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Small-batch mode in a cluster of real Propius JVMs on one Redis: the scheduler's plans reach the
 * client managers of every node, each applies them to the devices it holds, and the offer claims in
 * Redis keep each round's offers within {@code devices.overOffer} × its open slots across the nodes.
 */
class ClusterSmallBatchTest {
  private ClusterNodes cluster;
  private Vertx vertx;
  private WebClient http;

  @BeforeEach
  void start() {
    cluster = new ClusterNodes();
    vertx = Vertx.vertx();
    // Up to 100 long-polls at once, spread over the nodes.
    http = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(128));
  }

  @AfterEach
  void stop() {
    if (vertx != null) {
      await(vertx.close());
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Map<String, String> smallBatch(String overOffer) {
    return Map.of("PROPIUS_SCHEDULER_MODE", "small-batch", "PROPIUS_SCHEDULER_POLICY", "irs",
        "PROPIUS_DEVICES_HOLD_MS", "5000", "PROPIUS_DEVICES_OVER_OFFER", overOffer);
  }

  /** Starts the nodes one after another with these roles, all in small-batch mode. */
  private List<ClusterNodes.Node> nodes(String overOffer, String... roles) {
    List<ClusterNodes.Node> nodes = new ArrayList<>();
    for (String r : roles) {
      ClusterNodes.Node node = cluster.start(r, smallBatch(overOffer));
      node.process().awaitUp();
      nodes.add(node);
    }
    return nodes;
  }

  private long openRound(JobManagerGrpcClient jobs, int demand) {
    long id = await(jobs.registerJob(RegisterJobRequest.newBuilder().setTotalRounds(1).setEstDemand(demand).build()))
        .getJobId();
    await(jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(id).setDemand(demand).build()));
    return id;
  }

  /** Every node's client managers hold devices and report them: the plan can split them. */
  private void awaitMembers(ClusterNodes.Node admin, int members) {
    eventually(Duration.ofSeconds(30), () -> await(http.get(admin.adminPort(), "127.0.0.1", "/v1/admin/cluster").send())
        .bodyAsJsonObject().getJsonArray("members").size() == members, members + " cluster members");
  }

  private double metric(ClusterNodes.Node node, String series) {
    String scrape = await(http.get(node.adminPort(), "127.0.0.1", "/metrics").send()).bodyAsString();
    return scrape.lines().filter(l -> l.startsWith(series + " ") || l.startsWith(series + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void irsGroupsFillRoundsWithDevicesHeldOnTwoNodesAndNoDeviceIsOfferedTwice() {
    List<ClusterNodes.Node> nodes = nodes("1.0", "jobs,scheduler,devices,admin", "devices");
    awaitMembers(nodes.get(0), 2);
    JobManagerGrpcClient jobs = nodes.get(0).jobs(ClusterNodes.grpc(vertx));
    long small = openRound(jobs, 30);
    long large = openRound(jobs, 50);

    List<Devices> endpoints = nodes.stream().map(n -> Devices.at(http, n.devicesPort())).toList();
    List<Journey> journeys = Journey.of(i -> endpoints.get(i % 2), 100);

    System.out.printf("small batch, 2 nodes: %d offers for 80 slots, %d ROUND_FULL%n", Journey.offers(journeys),
        Journey.roundFull(journeys));
    assertThat(Journey.boundTo(journeys, small)).isEqualTo(30);
    assertThat(Journey.boundTo(journeys, large)).isEqualTo(50);
    for (int node = 0; node < 2; node++) {
      int n = node;
      assertThat(journeys.stream().filter(j -> j.jobId() != 0 && Integer.parseInt(j.deviceId().substring(6)) % 2 == n))
          .as("devices bound through node %d", n).isNotEmpty();
    }
    assertThat(journeys).as("no device offered twice").allMatch(j -> j.offers() <= 1);
    assertThat(Journey.offers(journeys)).isEqualTo(80);
    assertThat(Journey.roundFull(journeys)).isZero();
    assertThat(await(jobs.getJob(GetJobRequest.newBuilder().setJobId(small).build())).getAmount()).isEqualTo(30);
    assertThat(await(jobs.getJob(GetJobRequest.newBuilder().setJobId(large).build())).getAmount()).isEqualTo(50);
    assertThat(metric(nodes.get(0), "propius_batch_offer_claims_total{outcome=\"granted\"}")
        + metric(nodes.get(1), "propius_batch_offer_claims_total{outcome=\"granted\"}")).isEqualTo(80);
  }

  @Test
  void threeNodesOfferARoundAtMostOverOfferTimesAndCountEveryRoundFullTheyAnswer() {
    // devices.overOffer 1.3 on three devices nodes, a round of 50, and 100 devices that take their
    // time to accept: exactly 65 offers go out across the cluster. Then all of them accept at once:
    // 50 bind, 15 are refused ROUND_FULL, and the nodes' counters add up to exactly those 15.
    List<ClusterNodes.Node> nodes = nodes("1.3", "jobs,scheduler,devices,admin", "devices", "devices");
    awaitMembers(nodes.get(0), 3);
    JobManagerGrpcClient jobs = nodes.get(0).jobs(ClusterNodes.grpc(vertx));
    long job = openRound(jobs, 50);

    List<Devices> endpoints = nodes.stream().map(n -> Devices.at(http, n.devicesPort())).toList();
    List<Future<HttpResponse<Buffer>>> checkins = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      checkins.add(endpoints.get(i % 3).checkin("phone-" + i, new JsonObject().put("cpu_cores", 4)));
    }
    await(Future.all(checkins), Duration.ofSeconds(30));
    List<Future<HttpResponse<Buffer>>> accepts = new ArrayList<>();
    Set<Integer> offeredVia = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      JsonArray offers = checkins.get(i).result().bodyAsJsonObject().getJsonArray("offers");
      if (!offers.isEmpty()) {
        offeredVia.add(i % 3);
        accepts.add(endpoints.get(i % 3).accept("phone-" + i, offers.getJsonObject(0).getString("offer")));
      }
    }
    assertThat(accepts).as("offers out across the three nodes: 1.3 x 50 open slots").hasSize(65);
    // The budget goes to whichever nodes claim first; no node holds 65 devices, so it took several.
    assertThat(offeredVia).as("nodes whose held devices were offered a slot").hasSizeGreaterThanOrEqualTo(2);
    await(Future.join(accepts), Duration.ofSeconds(30));
    long bound = accepts.stream().filter(a -> a.result().statusCode() == 200).count();
    long roundFull = accepts.stream().filter(a -> a.result().statusCode() == 409
        && "ROUND_FULL".equals(a.result().bodyAsJsonObject().getJsonObject("error").getString("code"))).count();
    assertThat(bound).isEqualTo(50);
    assertThat(roundFull).isEqualTo(15);
    double counted = 0;
    for (ClusterNodes.Node node : nodes) {
      counted += metric(node, "propius_accepts_rejected_total{reason=\"full\"}");
    }
    assertThat(counted).as("ROUND_FULL counted on the nodes that answered it").isEqualTo(15);
    assertThat(await(jobs.getJob(GetJobRequest.newBuilder().setJobId(job).build())).getAmount()).isEqualTo(50);
  }
}
