package io.propius.bench.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A tiny setting of the load generator against a real embedded server: a few seconds, run by CI. */
class LoadGenSmokeTest {
  @Test
  void drivesCheckinsAndBindingsAgainstAnEmbeddedServerAndTheBareBaseline() throws Exception {
    check(run("memory"));
  }

  @Test
  void drivesTheServerOnTheRedisStore() throws Exception {
    check(run("redis"));
  }

  private static LoadReport run(String store) throws Exception {
    LoadGenCli.Run options = new LoadGenCli.Run();
    new CommandLine(options).parseArgs("--warmup", "0.5", "--duration", "1", "--in-flight", "4", "--connections", "4",
        "--jobs", "2", "--demand", "10", "--store", store, "--repeat", "1");
    return new LoadGenCli.LoadGen(options).run();
  }

  private static void check(LoadReport report) {
    assertThat(report.phases()).hasSize(6);
    for (String op : List.of("bare", "checkin", "binding")) {
      PhaseResult peak = report.peak(op);
      assertThat(peak.latencies().ok()).as(op).isPositive();
      assertThat(peak.latencies().failed()).as(op).isZero();
      assertThat(report.rated(op).latencies().ok()).as(op).isPositive();
    }
    // Demand 10 per round: the bindings only kept going because the jobs ended filled rounds and
    // asked for new ones over gRPC.
    assertThat(report.roundsFilled()).isPositive();
    assertThat(report.bodyBytes()).isGreaterThan(100);
    assertThat(report.markdown()).contains("| binding | closed(4) |");
  }

  @Test
  void comparesASingleProcessWithAClusterNodeThroughHaproxyAndDirect() throws Exception {
    ClusterBench bench = new ClusterBench();
    new CommandLine(bench).parseArgs("--nodes", "1", "--warmup", "0.2", "--duration", "0.5", "--in-flight", "4",
        "--connections", "4", "--jobs", "1", "--demand", "10", "--repeat", "1");
    List<ClusterBench.Row> rows = bench.measureAll();
    assertThat(rows).hasSize(8); // 2 deployments x 2 paths x 2 operations
    for (ClusterBench.Row row : rows) {
      assertThat(row.median(ClusterBench.Sample::perSecond)).as(row.toString()).isPositive();
      // CPU read from the OS for the Propius processes, charged per completed operation.
      assertThat(row.median(ClusterBench.Sample::propiusMicros)).as(row.toString()).isPositive();
    }
    assertThat(bench.markdown(rows)).contains("| cluster, 1 device node | HAProxy | checkin |",
        "against the single process: cluster, 1 device node");
  }

  @Test
  void rejectsHalfARemoteServer() {
    LoadGenCli.Run options = new LoadGenCli.Run();
    new CommandLine(options).parseArgs("--server-devices", "127.0.0.1:1");
    assertThatThrownBy(() -> new LoadGenCli.LoadGen(options)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--server-jobs");
  }

  @Test
  void measuresTheSlidingWindowPerDevice() {
    WindowFootprint.Measurement m = WindowFootprint.measure(20_000, 4, 16);
    // 8 B id + 8 B time + 16 × 6 B attributes + the index: about 150 B; the heap agrees within noise.
    assertThat(m.arrayBytesPerDevice()).isBetween(100.0, 300.0);
    assertThat(m.heapBytesPerDevice()).isBetween(50.0, 400.0);
  }
}
