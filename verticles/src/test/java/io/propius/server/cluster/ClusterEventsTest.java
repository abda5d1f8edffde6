package io.propius.server.cluster;

import static io.propius.testing.Eventually.eventually;
import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.propius.api.grpc.JobEvent;
import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.api.grpc.WatchJobRequest;
import io.propius.api.tensor.DType;
import io.propius.api.tensor.Tensors;
import io.propius.server.bus.Addresses;
import io.propius.server.config.PropiusOptions;
import io.propius.server.testing.ClusterNodes;
import io.propius.server.testing.Devices;
import io.propius.testing.FreePort;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two Propius JVMs clustered on one Redis: node A runs the job API, the scheduler, the data plane
 * and the admin API; node B the device and job APIs. A job watching on A sees the devices binding on
 * B; a job watching on B hears from A's root edge node that its aggregate is ready.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterEventsTest {
  private static final JsonObject ATTRIBUTES = new JsonObject().put("cpu_cores", 4);
  private static ClusterNodes cluster;
  private static ClusterNodes.Node a;
  private static ClusterNodes.Node b;
  private static Vertx vertx;
  private static WebClient http;

  @BeforeAll
  static void startCluster() {
    cluster = new ClusterNodes();
    List<ClusterNodes.Node> nodes = cluster.startAll("jobs,scheduler,data-plane,admin", "devices,jobs");
    a = nodes.get(0);
    b = nodes.get(1);
    vertx = Vertx.vertx();
    http = WebClient.create(vertx);
  }

  // client-java's ClusterThroughHaproxyTest closes the same way; the modules share no test classes.
  @AfterAll
  static void stopCluster() {
    // Processes first: the clients' connections then end at once instead of shutting down gracefully.
    if (cluster != null) {
      cluster.close();
    }
    if (vertx != null) {
      await(vertx.close(), Duration.ofSeconds(30));
    }
  }

  @Test
  @Order(1)
  void aJobWatchingOnOneNodeSeesDevicesBindOnAnother() {
    JobManagerGrpcClient jobs = a.jobs(ClusterNodes.grpc(vertx));
    long jobId = await(jobs.registerJob(RegisterJobRequest.newBuilder().setTotalRounds(1).setEstDemand(3).build()))
        .getJobId();
    List<JobEvent> events = new CopyOnWriteArrayList<>();
    await(jobs.watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build()).onSuccess(w -> w.handler(events::add)));
    eventually(Duration.ofSeconds(10), () -> !events.isEmpty(), "WATCH_STARTED");
    await(jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(jobId).setDemand(3).build()));

    Devices devices = Devices.at(http, b.devicesPort());
    for (int i = 0; i < 3; i++) {
      JsonObject offer = devices.awaitOffer("dev-" + i, ATTRIBUTES, jobId);
      assertThat(await(devices.accept("dev-" + i, offer.getString("offer"))).statusCode()).isEqualTo(200);
    }
    eventually(Duration.ofSeconds(10), () -> events.stream().anyMatch(e -> e.getType() == JobEvent.Type.ROUND_FILLED),
        "ROUND_FILLED on node A's watch stream");
    assertThat(events.stream().filter(e -> e.getType() == JobEvent.Type.DEVICE_BOUND).map(JobEvent::getDeviceId))
        .containsExactlyInAnyOrder("dev-0", "dev-1", "dev-2");
    assertThat(events.stream().filter(e -> e.getType() == JobEvent.Type.ROUND_FILLED)).hasSize(1);
  }

  /**
   * A member of another version: this JVM joins the cluster and sends what the nodes cannot read,
   * a window report whose bytes are not the JSON the codec of that name expects, and a text where
   * job events go. The nodes drop, log and count both and keep serving.
   */
  @Test
  @Order(5) // last: a third member joins for a moment
  void messagesThatDoNotDecodeAreDroppedAndCounted() {
    PropiusOptions options = new PropiusOptions();
    int port = FreePort.find();
    options.cluster().setEnabled(true).setHost("127.0.0.1").setPort(port).setName(cluster.name)
        .setMembers("127.0.0.1:" + a.clusterPort());
    Vertx member = await(ClusterNode.vertx(options, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)),
        Duration.ofSeconds(60));
    try {
      member.eventBus().registerDefaultCodec(Garbage.class, new GarbageCodec());
      double before = metric(a, "propius_bus_messages_dropped_total");
      member.eventBus().publish(Addresses.CLIENT_STATS, new Garbage());
      member.eventBus().publish(Addresses.JOB_EVENTS, "not a job event");
      // The scheduler drops the report; the scheduler and the job manager each drop the text.
      eventually(Duration.ofSeconds(15), () -> metric(a, "propius_bus_messages_dropped_total") >= before + 3,
          "node A to count three dropped messages");
      assertThat(metric(b, "propius_bus_messages_dropped_total")).as("B's client manager dropped the text")
          .isGreaterThanOrEqualTo(1);
      assertThat(await(http.get(a.adminPort(), "127.0.0.1", "/readyz").send()).statusCode()).isEqualTo(200);
    } finally {
      await(member.close(), Duration.ofSeconds(30));
    }
  }

  /** What a node of another version might send under the name of the window-stats codec. */
  private static final class Garbage {
  }

  private static final class GarbageCodec implements MessageCodec<Garbage, Garbage> {
    @Override
    public void encodeToWire(Buffer buffer, Garbage garbage) {
      byte[] bytes = "{\"instance\": [not json".getBytes(StandardCharsets.UTF_8);
      buffer.appendInt(bytes.length).appendBytes(bytes);
    }

    @Override
    public Garbage decodeFromWire(int pos, Buffer buffer) {
      return new Garbage();
    }

    @Override
    public Garbage transform(Garbage garbage) {
      return garbage;
    }

    @Override
    public String name() {
      return "propius-window-stats";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }

  private static double metric(ClusterNodes.Node node, String name) {
    String scrape = await(http.get(node.adminPort(), "127.0.0.1", "/metrics").send()).bodyAsString();
    Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  @Test
  @Order(2)
  void aggregateReadyReachesAJobWatchingOnAnotherNode() {
    JobManagerGrpcClient jobs = b.jobs(ClusterNodes.grpc(vertx));
    long jobId = await(jobs.registerJob(RegisterJobRequest.newBuilder().setTotalRounds(1).setEstDemand(1).build()))
        .getJobId();
    List<JobEvent> events = new CopyOnWriteArrayList<>();
    await(jobs.watchJob(WatchJobRequest.newBuilder().setJobId(jobId).build()).onSuccess(w -> w.handler(events::add)));
    int round = await(jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(jobId).setDemand(1).build()))
        .getRound();
    int dp = a.dataPlanePort();
    assertThat(await(http.put(dp, "127.0.0.1", "/v1/rounds/" + jobId + "/" + round).sendJsonObject(new JsonObject()
        .put("reducer", "fedavg").put("tensor_length", 2).put("target", 1))).statusCode()).isEqualTo(201);
    Devices devices = Devices.at(http, b.devicesPort());
    JsonObject offer = devices.awaitOffer("trainer", ATTRIBUTES, jobId);
    JsonObject binding = await(devices.accept("trainer", offer.getString("offer"))).bodyAsJsonObject();
    assertThat(binding.getString("data_plane")).isEqualTo("http://127.0.0.1:" + dp);
    assertThat(await(http.put(dp, "127.0.0.1", "/v1/results/" + jobId + "/" + round).addQueryParam("samples", "10")
        .bearerTokenAuthentication(binding.getString("task_token"))
        .sendBuffer(Buffer.buffer(Tensors.encode(new double[] {0.5, -0.5}, DType.FLOAT32)))).statusCode())
        .as("the task token B signed verifies on A").isEqualTo(200);
    eventually(Duration.ofSeconds(10), () -> events.stream().anyMatch(e -> e.getType() == JobEvent.Type.AGGREGATE_READY),
        "AGGREGATE_READY from A's root edge node on B's watch stream");
  }

  @Test
  @Order(4)
  void theAdminApiListsTheMembersAndTheActiveScheduler() {
    eventually(Duration.ofSeconds(15), () -> {
      JsonObject view = await(http.get(a.adminPort(), "127.0.0.1", "/v1/admin/cluster").send()).bodyAsJsonObject();
      return view.getJsonArray("members").size() == 2 && view.getJsonObject("scheduler") != null;
    }, "two members and a scheduler in the admin view");
    JsonObject view = await(http.get(a.adminPort(), "127.0.0.1", "/v1/admin/cluster").send()).bodyAsJsonObject();
    JsonArray members = view.getJsonArray("members");
    JsonObject self = members.stream().map(JsonObject.class::cast)
        .filter(m -> m.getString("node_id").equals(view.getString("node_id"))).findFirst().orElseThrow();
    assertThat(self.getJsonArray("roles")).containsExactly("jobs", "scheduler", "data-plane", "admin");
    assertThat(self.getString("address")).isEqualTo("127.0.0.1:" + a.clusterPort());
    assertThat(self.getLong("up_since_ms")).isPositive();
    assertThat(view.getJsonObject("scheduler").getString("node_id")).as("A is the only scheduler")
        .isEqualTo(view.getString("node_id"));
    assertThat(members.stream().map(JsonObject.class::cast).map(m -> m.getJsonArray("roles").encode()))
        .contains("[\"jobs\",\"devices\"]");

    String metricsA = await(http.get(a.adminPort(), "127.0.0.1", "/metrics").send()).bodyAsString();
    String metricsB = await(http.get(b.adminPort(), "127.0.0.1", "/metrics").send()).bodyAsString();
    assertThat(metricsA).contains("propius_scheduler_leader 1.0", "propius_cluster_members 2.0");
    assertThat(metricsB).contains("propius_scheduler_leader 0.0", "propius_cluster_members 2.0");
    assertThat(await(http.get(b.adminPort(), "127.0.0.1", "/readyz").send()).statusCode()).isEqualTo(200);
    assertThat(await(http.get(b.adminPort(), "127.0.0.1", "/v1/admin/cluster").send()).statusCode())
        .as("the admin API only on a node with the admin role").isEqualTo(404);
  }
}
