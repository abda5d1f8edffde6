package io.propius.client.cluster;

import static io.propius.testing.Eventually.eventually;
import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.JobEvent;
import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.grpc.JobState;
import io.propius.api.grpc.JobStatus;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.client.job.JobClient;
import io.propius.client.job.JobClientOptions;
import io.propius.client.job.JobSpec;
import io.propius.client.job.JobTransportType;
import io.propius.server.testing.ClusterNodes;
import io.propius.server.testing.Devices;
import io.propius.server.testing.HaproxyProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
 * Three Propius JVMs clustered on one Redis behind a real HAProxy running deploy/haproxy/haproxy.cfg:
 * A (scheduler, jobs, data plane, admin), B and C (devices, jobs, scheduler; B also admin, so the
 * admin API outlives A). One cluster serves the tests in order: 600 devices through HAProxy while a
 * job watches on A; then C dies (kill -9) while devices bind; then A, the scheduler lease's holder, dies.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterThroughHaproxyTest {
  private static final JsonObject ATTRIBUTES = new JsonObject().put("cpu_cores", 4);
  private static final long FAILOVER_MS = 5_000;
  private static ClusterNodes cluster;
  private static ClusterNodes.Node a;
  private static ClusterNodes.Node b;
  private static ClusterNodes.Node c;
  private static HaproxyProcess haproxy;
  private static Vertx vertx;
  private static WebClient http;
  private static GrpcClient grpc;
  private static Devices devices;

  @BeforeAll
  static void startCluster() {
    cluster = new ClusterNodes();
    a = cluster.start("scheduler,jobs,data-plane,admin");
    a.process().awaitUp();
    b = cluster.start("devices,jobs,scheduler,admin");
    c = cluster.start("devices,jobs,scheduler");
    b.process().awaitUp();
    c.process().awaitUp();
    haproxy = new HaproxyProcess(List.of(a, b, c));
    vertx = Vertx.vertx();
    http = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(32));
    grpc = ClusterNodes.grpc(vertx);
    devices = Devices.at(http, haproxy.devicesPort);
  }

  @AfterAll
  static void stopCluster() {
    // Processes first: the clients' connections then end at once instead of shutting down gracefully.
    if (cluster != null) {
      cluster.close();
    }
    if (vertx != null) {
      await(vertx.close(), Duration.ofSeconds(30));
    }
    if (haproxy != null) {
      haproxy.close();
    }
  }

  @Test
  @Order(1)
  void sixHundredDevicesThroughHaproxyFillARoundWatchedOnA() {
    int demand = 300;
    try (JobClient job = JobClient.create(new JobClientOptions().setServer("127.0.0.1", a.jobsPort()))) {
      List<JobEvent> events = new CopyOnWriteArrayList<>();
      job.addListener(events::add);
      long jobId = job.register(JobSpec.of("cluster", 1, demand));
      int round = job.requestRound(demand);
      // Round robin: consecutive probes reach B and C; both must have the schedule before the load.
      for (int i = 0; i < 4; i++) {
        devices.awaitOffer("probe-" + i, ATTRIBUTES, jobId);
      }

      Map<String, Integer> outcomes = accept(jobId, "d", 600);
      assertThat(outcomes).containsExactlyInAnyOrderEntriesOf(Map.of("200", demand, "409 ROUND_FULL", 600 - demand));
      JobEvent filled = job.awaitRoundFilled(round, Duration.ofSeconds(30));
      assertThat(filled.getAmount()).isEqualTo(demand);
      eventually(Duration.ofSeconds(20), () -> events.stream().filter(e -> e.getType() == JobEvent.Type.DEVICE_BOUND)
          .count() == demand, "every DEVICE_BOUND on A");
      assertThat(events.stream().filter(e -> e.getType() == JobEvent.Type.DEVICE_BOUND).map(JobEvent::getDeviceId)
          .distinct()).hasSize(demand);
      assertThat(events.stream().filter(e -> e.getType() == JobEvent.Type.ROUND_FILLED)).hasSize(1);
      JobStatus status = job.status();
      assertThat(status.getAmount()).isEqualTo(demand);
      assertThat(status.getState()).isEqualTo(JobState.FILLED);
    }
    assertThat(metric(b, "propius_bindings_total")).as("B bound some").isPositive();
    assertThat(metric(c, "propius_bindings_total")).as("C bound some").isPositive();
    // The window reports of both device nodes reach the scheduler on A: its clients portal counts all
    // 604 devices (a probe that checked in on both nodes is in both windows).
    eventually(Duration.ofSeconds(10), () -> await(http.get(b.adminPort(), "127.0.0.1", "/v1/admin/devices").send())
        .bodyAsJsonObject().getLong("window") >= 604, "the scheduler to count the devices of B and C");
  }

  @Test
  @Order(2)
  void losingADevicesNodeWhileBindingNeitherOverfillsNorLosesAnAcknowledgedBinding() {
    JobManagerGrpcClient jobs = b.jobs(grpc);
    int demand = 100;
    long jobId = await(jobs.registerJob(RegisterJobRequest.newBuilder().setTotalRounds(1).setEstDemand(demand).build()))
        .getJobId();
    await(jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(jobId).setDemand(demand).build()));
    for (int i = 0; i < 4; i++) {
      devices.awaitOffer("probe2-" + i, ATTRIBUTES, jobId);
    }
    List<String> offers = checkIn(jobId, "k", 300);
    List<Future<HttpResponse<Buffer>>> accepts = new ArrayList<>();
    for (int i = 0; i < offers.size(); i++) {
      if (i == 60) {
        c.process().kill(); // mid-way: some accepts are on C's sockets, some still to come
      }
      accepts.add(devices.accept("k" + i, offers.get(i)));
    }
    await(Future.join(accepts).otherwiseEmpty(), Duration.ofSeconds(60));
    Set<String> acknowledged = new HashSet<>();
    for (int i = 0; i < accepts.size(); i++) {
      Future<HttpResponse<Buffer>> r = accepts.get(i);
      if (r.succeeded() && r.result().statusCode() == 200) {
        acknowledged.add("k" + i);
      }
    }
    Map<String, String> bound = boundInRedis(jobId);
    assertThat(bound.size()).as("no overfill").isLessThanOrEqualTo(demand);
    assertThat(bound.keySet()).as("every 200 is bound in Redis").containsAll(acknowledged);
    JobStatus status = await(jobs.getJob(GetJobRequest.newBuilder().setJobId(jobId).build()));
    assertThat(status.getAmount()).isEqualTo(bound.size());
    assertThat(acknowledged).as("B kept binding through HAProxy").isNotEmpty();
  }

  @Test
  @Order(3)
  void whenTheSchedulerNodeDiesAnotherTakesOverWithinFailoverMs() {
    assertThat(metric(a, "propius_scheduler_leader")).isEqualTo(1);
    long killedAt = System.nanoTime();
    a.process().kill();
    eventually(Duration.ofMillis(FAILOVER_MS + 10_000), () -> metric(b, "propius_scheduler_leader") == 1,
        "B's scheduler to take the lease");
    long tookMs = (System.nanoTime() - killedAt) / 1_000_000;
    System.out.println("scheduler failover after kill -9 took " + tookMs + " ms (metric polled every 20 ms)");
    assertThat(tookMs).as("failover time").isLessThanOrEqualTo(FAILOVER_MS + 1_000);
    JsonObject view = await(http.get(b.adminPort(), "127.0.0.1", "/v1/admin/cluster").send()).bodyAsJsonObject();
    assertThat(view.getJsonObject("scheduler").getString("node_id")).isEqualTo(view.getString("node_id"));
    assertThat(view.getJsonObject("scheduler").getLong("fencing_token")).isGreaterThan(1);

    // A new round requested after the kill, over gRPC through HAProxy, fills through HAProxy.
    JobManagerGrpcClient jobs = JobManagerGrpcClient.create(grpc,
        SocketAddress.inetSocketAddress(haproxy.jobsPort, "127.0.0.1"));
    int demand = 20;
    long jobId = await(jobs.registerJob(RegisterJobRequest.newBuilder().setTotalRounds(1).setEstDemand(demand).build()))
        .getJobId();
    await(jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(jobId).setDemand(demand).build()));
    devices.awaitOffer("probe3", ATTRIBUTES, jobId);
    assertThat(accept(jobId, "f", 2 * demand)).containsEntry("200", demand);
    assertThat(await(jobs.getJob(GetJobRequest.newBuilder().setJobId(jobId).build())).getState())
        .isEqualTo(JobState.FILLED);

    // The WebSocket job API through HAProxy's job port as well, with the SDK waiting for the fill.
    try (JobClient ws = JobClient.create(new JobClientOptions().setServer("127.0.0.1", haproxy.jobsPort)
        .setTransport(JobTransportType.WEBSOCKET))) {
      long wsJob = ws.register(JobSpec.of("over-websocket", 1, 5));
      int round = ws.requestRound(5);
      devices.awaitOffer("probe4", ATTRIBUTES, wsJob);
      assertThat(accept(wsJob, "w", 5)).containsExactly(Map.entry("200", 5));
      assertThat(ws.awaitRoundFilled(round, Duration.ofSeconds(30)).getAmount()).isEqualTo(5);
    }
  }

  /** Checks {@code n} devices in through HAProxy; each must get an offer of the job. */
  private static List<String> checkIn(long jobId, String prefix, int n) {
    List<Future<String>> offers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      offers.add(devices.offerOf(prefix + i, ATTRIBUTES, jobId));
    }
    await(Future.all(offers), Duration.ofSeconds(60));
    return offers.stream().map(Future::result).toList();
  }

  /** Checks {@code n} devices in, then has all accept at once; outcomes by status (and error code). */
  private static Map<String, Integer> accept(long jobId, String prefix, int n) {
    List<String> offers = checkIn(jobId, prefix, n);
    List<Future<HttpResponse<Buffer>>> accepts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      accepts.add(devices.accept(prefix + i, offers.get(i)));
    }
    await(Future.all(accepts), Duration.ofSeconds(60));
    Map<String, Integer> outcomes = new TreeMap<>();
    for (Future<HttpResponse<Buffer>> f : accepts) {
      HttpResponse<Buffer> r = f.result();
      outcomes.merge(r.statusCode() == 200 ? "200"
          : r.statusCode() + " " + r.bodyAsJsonObject().getJsonObject("error").getString("code"), 1, Integer::sum);
    }
    return outcomes;
  }

  private static Map<String, String> boundInRedis(long jobId) {
    Redis redis = Redis.createClient(vertx, cluster.redis.uri());
    try {
      Map<String, String> bound = new TreeMap<>();
      await(redis.send(Request.cmd(Command.HGETALL).arg("propius:job:" + jobId + ":bound")))
          .getKeys().forEach(k -> bound.put(k, "bound"));
      return bound;
    } finally {
      redis.close();
    }
  }

  /** A series without labels from the node's /metrics, or -1 when the node does not answer. */
  private static double metric(ClusterNodes.Node node, String name) {
    try {
      String scrape = await(http.get(node.adminPort(), "127.0.0.1", "/metrics").send()).bodyAsString();
      Matcher m = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(scrape);
      return m.find() ? Double.parseDouble(m.group(1)) : -1;
    } catch (RuntimeException e) {
      return -1;
    }
  }
}
