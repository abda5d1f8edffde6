package io.propius.server.cli;

import static io.propius.server.testing.TestServer.await;
import static io.propius.server.testing.TestServer.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.server.testing.Devices;
import io.propius.server.testing.FreePort;
import io.propius.server.testing.GrpcFailure;
import io.propius.server.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every {@code propius} subcommand against a real server over HTTP, as an operator runs it. */
class PropiusCommandTest {
  private static TestServer server;
  private static String admin;

  /** What one command printed, and its exit code. */
  record Run(int code, String out, String err) {
  }

  @BeforeAll
  static void start() {
    server = TestServer.start();
    admin = "http://127.0.0.1:" + server.server.adminPort();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Run propius(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = PropiusCommand.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** {@code args} with {@code --server} pointing at the test server. */
  static Run remote(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--server");
    all.add(admin);
    return propius(all.toArray(String[]::new));
  }

  private static long openJob(String name, int demand) {
    long id = await(server.jobs.registerJob(RegisterJobRequest.newBuilder().setName(name).setTotalRounds(3)
        .setEstDemand(demand).build())).getJobId();
    await(server.jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(id).setDemand(demand).build()));
    return id;
  }

  private static List<Long> offeredJobs(Devices devices, String device) {
    return await(devices.checkin(device, new JsonObject().put("cpu_cores", 4))).bodyAsJsonObject()
        .getJsonArray("offers").stream().map(o -> ((JsonObject) o).getLong("job_id")).toList();
  }

  @Test
  void jobsListShowAndCancelChangeWhatTheNextCheckInIsOffered() throws Exception {
    long keep = openJob("keep-me", 2);
    long stop = openJob("stop-me", 2);
    Devices devices = new Devices(server);
    eventually(Duration.ofSeconds(5), () -> offeredJobs(devices, "c1").contains(stop), "an offer of the job to cancel");

    Run list = remote("jobs", "list");
    assertThat(list.code()).isZero();
    assertThat(list.out()).contains("ID", "STATE", "DEMAND", "keep-me", "stop-me", "REQUESTING");
    Run show = remote("jobs", "show", String.valueOf(stop), "--json");
    assertThat(new JsonObject(show.out()).getString("name")).isEqualTo("stop-me");

    CompletableFuture<Run> watch = CompletableFuture.supplyAsync(() -> remote("jobs", "watch", String.valueOf(stop),
        "--interval-ms", "100", "--timeout-s", "20"));
    Thread.sleep(300);
    Run cancel = remote("jobs", "cancel", String.valueOf(stop), "--reason", "dataset withdrawn");
    assertThat(cancel.code()).as(cancel.err()).isZero();
    assertThat(cancel.out()).contains("job " + stop + " cancelled", "dataset withdrawn");

    // The next check-in is not offered the cancelled job any more, and the job is told why.
    eventually(Duration.ofSeconds(5), () -> !offeredJobs(devices, "c2").contains(stop), "no more offers of the job");
    assertThat(offeredJobs(devices, "c3")).contains(keep);
    Throwable refused = TestServer.failure(server.call(JobManagerGrpcClient.RequestRound,
        RequestRoundRequest.newBuilder().setJobId(stop).setDemand(2).build()));
    assertThat(((GrpcFailure) refused).errorCode).isEqualTo("FAILED_PRECONDITION");
    assertThat(refused.getMessage()).contains("finished", "cancelled by an operator: dataset withdrawn");

    Run watched = watch.get(30, TimeUnit.SECONDS);
    assertThat(watched.out()).contains("REQUESTING").contains("FINISHED", "dataset withdrawn");

    Run again = remote("jobs", "cancel", String.valueOf(stop), "--reason", "twice");
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err().strip()).contains("HTTP 409", "is finished").doesNotContain("\n");
    Run unknown = remote("jobs", "cancel", "999999", "--reason", "x");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("HTTP 404");
    assertThat(remote("jobs", "cancel", String.valueOf(keep)).code()).as("--reason is required").isEqualTo(2);
  }

  @Test
  void policySetChangesTheOrderOfTheNextOffers() {
    assertThat(remote("policy", "set", "fifo").code()).isZero();
    long small = openJob("small", 2);
    long large = openJob("large", 20);
    Devices devices = new Devices(server);
    // Other tests' jobs may be live on the shared server: only these two's order matters.
    List<Long> mine = List.of(small, large);
    eventually(Duration.ofSeconds(5), () -> offeredJobs(devices, "p1").stream().filter(mine::contains).toList()
            .equals(List.of(small, large)),
        "fifo: the older job first");

    Run set = remote("policy", "set", "largest-demand-first");
    assertThat(set.code()).as(set.err()).isZero();
    assertThat(set.out()).contains("policy switched from fifo to largest-demand-first");
    eventually(Duration.ofSeconds(5), () -> offeredJobs(devices, "p2").stream().filter(mine::contains).toList()
            .equals(List.of(large, small)),
        "largest-demand-first: the larger job first, from the next run");
    Run show = remote("policy", "show");
    assertThat(show.out()).contains("largest-demand-first", "available:", "irs");
    assertThat(scrape()).contains("propius_policy_switches_total{policy=\"largest-demand-first\"} 1.0");

    Run unknown = remote("policy", "set", "no-such-policy");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("HTTP 400", "no scheduling policy named 'no-such-policy'", "available:");
    Run badOption = remote("policy", "set", "irs", "--option", "fairness=-1");
    assertThat(badOption.code()).isEqualTo(1);
    assertThat(badOption.err()).contains("fairness");
    assertThat(new JsonObject(remote("policy", "show", "--json").out()).getString("policy"))
        .as("a refused switch changes nothing").isEqualTo("largest-demand-first");
    for (long id : List.of(small, large)) {
      remote("jobs", "cancel", String.valueOf(id), "--reason", "test over");
    }
  }

  @Test
  void devicesCountAndEdgeStatus() {
    Devices devices = new Devices(server);
    await(devices.checkin("big", new JsonObject().put("cpu_cores", 16)));
    eventually(Duration.ofSeconds(5), () -> new JsonObject(remote("devices", "count", "--query", "cpu_cores >= 16",
        "--json").out()).getLong("matching") == 1, "one device with 16 cores");
    Run table = remote("devices", "count", "--query", "cpu_cores >= 16");
    assertThat(table.out()).contains("matching", "cpu_cores >= 16");
    Run bad = remote("devices", "count", "--query", "cpu_cores = 4");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err()).contains("HTTP 400", "'=' is not an operator");

    Run edge = propius("edge", "status", "http://127.0.0.1:" + server.server.dataPlanePort());
    assertThat(edge.code()).as(edge.err()).isZero();
    assertThat(edge.out()).contains("role", "root", "rounds", "cache_bytes", "journal_bytes", "parent");
  }

  @Test
  void usageErrorsExit2AndAnUnreachableServerExits1WithOneLine() throws Exception {
    Run unknownCommand = propius("jobs", "lst");
    assertThat(unknownCommand.code()).isEqualTo(2);
    assertThat(unknownCommand.err()).contains("Unmatched argument", "Did you mean: jobs list?");
    Run unknownFlag = propius("--bogus");
    assertThat(unknownFlag.code()).isEqualTo(2);
    assertThat(unknownFlag.err()).contains("Unknown option: '--bogus'", "Usage: propius");
    assertThat(propius("policy", "set").code()).as("NAME missing").isEqualTo(2);
    assertThat(propius("jobs", "show", "not-a-number").code()).isEqualTo(2);
    assertThat(propius("--help").code()).isZero();

    int closed = FreePort.find();
    Run down = propius("jobs", "list", "--server", "http://127.0.0.1:" + closed);
    assertThat(down.code()).isEqualTo(1);
    assertThat(down.err().strip()).isEqualTo("propius: cannot reach http://127.0.0.1:" + closed
        + ": connection refused (is a node running there?)");
  }

  private static String scrape() {
    return await(server.http.get(server.server.adminPort(), "127.0.0.1", "/metrics").send()).bodyAsString();
  }
}
