package io.propius.bench.loadgen;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Check-in and binding throughput, and the CPU each costs, of Propius nodes in JVMs of their own on
 * one Redis: a single process (cluster mode off) against clusters of 1, 2, 3… device nodes, each
 * reached through HAProxy and directly (the load spread over the nodes' own ports). CPU is read
 * from the operating system for every Propius process, HAProxy and Redis around each measured phase
 * and charged per completed operation, which is what a shared 2-core machine can still compare:
 * the processes share the cores, so throughput alone says little.
 */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Check-in and binding throughput and CPU per operation: one process vs clusters of N device "
        + "nodes, through HAProxy and direct.")
final class ClusterBench implements Callable<Integer> {
  // Options shaped like LoadGenCli.Run's and the simulator's, but with this command's own defaults and
  // meanings (split over the endpoints, per path), so no shared picocli mixin.
  @Option(names = "--nodes", split = ",", defaultValue = "1,2,3", description = "device nodes per cluster to measure (default ${DEFAULT-VALUE})")
  List<Integer> nodes;
  @Option(names = "--instances", defaultValue = "1", description = "client manager instances per node (default ${DEFAULT-VALUE})")
  int instances;
  @Option(names = "--jobs", defaultValue = "4", description = "jobs that keep a round open (default ${DEFAULT-VALUE})")
  int jobs;
  @Option(names = "--demand", defaultValue = "10000", description = "devices each job asks for per round (default ${DEFAULT-VALUE})")
  int demand;
  @Option(names = "--connections", defaultValue = "64", description = "HTTP connections, split over the endpoints (default ${DEFAULT-VALUE})")
  int connections;
  @Option(names = "--in-flight", defaultValue = "64", description = "operations in flight, split over the endpoints (default ${DEFAULT-VALUE})")
  int inFlight;
  @Option(names = "--warmup", defaultValue = "3", description = "seconds of warm-up per operation and path (default ${DEFAULT-VALUE})")
  double warmupS;
  @Option(names = "--duration", defaultValue = "5", description = "measured seconds per phase (default ${DEFAULT-VALUE})")
  double durationS;
  @Option(names = "--repeat", defaultValue = "3", description = "phases per operation and path, interleaved; medians reported (default ${DEFAULT-VALUE})")
  int repeat;
  @Option(names = "--log-dir", description = "where the nodes', HAProxy's and Redis's logs go (default: a new temporary directory)")
  Path logDir;

  private static final List<DeviceLoad.Op> OPS = List.of(DeviceLoad.Op.CHECKIN, DeviceLoad.Op.BINDING);

  /** One measured phase: throughput and CPU per completed operation, by process kind. */
  record Sample(double perSecond, double propiusMicros, double haproxyMicros, double redisMicros, long unbound) {
  }

  /**
   * The samples of one deployment, path and operation, with the CPU its Propius processes used
   * without load (timers, cluster heartbeats; JIT still at work after warm-up), measured just before:
   * at low throughput this fixed share is most of the CPU per operation.
   */
  record Row(String deployment, String path, DeviceLoad.Op op, double idleMillisPerSecond, List<Sample> samples) {
    double median(ToDoubleFunction<Sample> f) {
      List<Double> v = samples.stream().map(f::applyAsDouble).sorted().toList();
      return v.get(v.size() / 2);
    }

    String spread(ToDoubleFunction<Sample> f, String format) {
      List<Double> v = samples.stream().map(f::applyAsDouble).sorted().toList();
      return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", median(f), v.get(0),
          v.get(v.size() - 1));
    }
  }

  @Override
  public Integer call() throws Exception {
    // Interrupted (Ctrl-C), the nodes, HAProxy and Redis this run started go with it.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants()
        .forEach(ProcessHandle::destroy)));
    System.out.println(markdown(measureAll()));
    return 0;
  }

  /** The single process, then each cluster size, one after another. */
  List<Row> measureAll() throws Exception {
    Path dir = logDir != null ? Files.createDirectories(logDir) : Files.createTempDirectory("propius-cluster-bench");
    System.err.println("logs in " + dir);
    List<Row> rows = new ArrayList<>(measure("single process", 0, dir));
    for (int n : nodes) {
      rows.addAll(measure("cluster, " + n + " device node" + (n == 1 ? "" : "s"), n, dir));
    }
    return rows;
  }

  /**
   * Starts a deployment on a fresh Redis and measures it: {@code deviceNodes} = 0 is one process with
   * every role and cluster mode off; otherwise a cluster whose first node also runs the job API and
   * the scheduler, and whose others only serve devices.
   */
  private List<Row> measure(String name, int deviceNodes, Path dir) throws Exception {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    String secret = Base64.getEncoder().encodeToString(bytes);
    List<NodeProcess> started = new ArrayList<>();
    LocalHaproxy haproxy = null;
    try (LocalRedis redis = LocalRedis.start()) {
      Map<String, String> common = new HashMap<>(Map.of("PROPIUS_STORE_TYPE", "redis", "PROPIUS_STORE_REDIS_URI",
          redis.uri(), "PROPIUS_SECURITY_TOKEN_SECRET", secret, "PROPIUS_DEVICES_INSTANCES", Integer.toString(instances)));
      if (deviceNodes == 0) {
        started.add(NodeProcess.start(common, dir.resolve("single.log")));
      } else {
        String cluster = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        int seed = NodeProcess.freePort();
        for (int i = 0; i < deviceNodes; i++) {
          Map<String, String> env = new HashMap<>(common);
          env.putAll(Map.of("PROPIUS_CLUSTER_ENABLED", "true", "PROPIUS_CLUSTER_HOST", "127.0.0.1",
              "PROPIUS_CLUSTER_PORT", Integer.toString(i == 0 ? seed : NodeProcess.freePort()),
              "PROPIUS_CLUSTER_MEMBERS", "127.0.0.1:" + seed, "PROPIUS_CLUSTER_NAME", cluster,
              "PROPIUS_NODE_ROLES", i == 0 ? "jobs,scheduler,admin,devices" : "devices"));
          started.add(NodeProcess.start(env, dir.resolve(cluster + "-node" + i + ".log")));
        }
      }
      haproxy = LocalHaproxy.start(started.stream().map(n -> n.devicesPort).toList(), dir);
      return measure(name, started, haproxy, redis);
    } finally {
      if (haproxy != null) {
        haproxy.close();
      }
      for (NodeProcess node : started) {
        node.close();
      }
    }
  }

  private List<Row> measure(String name, List<NodeProcess> nodes, LocalHaproxy haproxy, LocalRedis redis)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    JobDriver driver = new JobDriver(vertx, "127.0.0.1", nodes.get(0).jobsPort, demand);
    Map<String, List<DeviceLoad>> paths = new LinkedHashMap<>();
    try {
      LoadGenCli.await(driver.start(jobs));
      paths.put("HAProxy", List.of(new DeviceLoad(vertx, "127.0.0.1", haproxy.port, 0, connections)));
      List<DeviceLoad> direct = new ArrayList<>();
      for (NodeProcess node : nodes) {
        direct.add(new DeviceLoad(vertx, "127.0.0.1", node.devicesPort, 0, Math.max(1, connections / nodes.size())));
      }
      paths.put("direct", direct);
      // Every node must offer the jobs' rounds (the schedule reached it) before anything is measured.
      for (DeviceLoad load : direct) {
        LoadGenCli.LoadGen.awaitOffers(load);
      }
      for (List<DeviceLoad> loads : paths.values()) {
        for (DeviceLoad.Op op : OPS) {
          run(loads, op, warmupS);
        }
      }
      List<ProcessHandle> propius = nodes.stream().map(NodeProcess::handle).toList();
      Duration idle0 = total(propius);
      long idleStart = System.nanoTime();
      Thread.sleep((long) (durationS * 1000));
      double idlePerSecond = total(propius).minus(idle0).toNanos() / ((System.nanoTime() - idleStart) / 1e9);
      System.err.printf(Locale.ROOT, "%s: Propius CPU without load %.1f ms/s%n", name, idlePerSecond / 1e6);
      Map<String, List<Sample>> samples = new HashMap<>();
      for (int r = 0; r < repeat; r++) {
        for (Map.Entry<String, List<DeviceLoad>> path : paths.entrySet()) {
          for (DeviceLoad.Op op : OPS) {
            Duration p0 = total(propius);
            Duration h0 = NodeProcess.cpu(haproxy.handle());
            Duration r0 = NodeProcess.cpu(redis.handle());
            List<PhaseResult> results = run(path.getValue(), op, durationS);
            double seconds = results.stream().mapToDouble(PhaseResult::seconds).max().orElseThrow();
            long ok = results.stream().mapToLong(x -> x.latencies().ok()).sum();
            Sample s = new Sample(ok / seconds, micros(total(propius).minus(p0), ok),
                micros(NodeProcess.cpu(haproxy.handle()).minus(h0), ok), micros(NodeProcess.cpu(redis.handle()).minus(r0), ok),
                results.stream().mapToLong(PhaseResult::noOffer).sum());
            System.err.printf(Locale.ROOT, "%s, %s, %s: %.0f ops/s, Propius %.0f µs/op, HAProxy %.0f µs/op, Redis %.0f µs/op%n",
                name, path.getKey(), op, s.perSecond(), s.propiusMicros(), s.haproxyMicros(), s.redisMicros());
            samples.computeIfAbsent(path.getKey() + "/" + op, k -> new ArrayList<>()).add(s);
          }
        }
      }
      List<Row> rows = new ArrayList<>();
      for (String path : paths.keySet()) {
        for (DeviceLoad.Op op : OPS) {
          rows.add(new Row(name, path, op, idlePerSecond / 1e6, samples.get(path + "/" + op)));
        }
      }
      return rows;
    } finally {
      for (List<DeviceLoad> loads : paths.values()) {
        for (DeviceLoad load : loads) {
          LoadGenCli.await(load.close());
        }
      }
      LoadGenCli.await(driver.stop());
      LoadGenCli.await(vertx.close());
    }
  }

  /** One phase on every endpoint at once, the operations in flight split among them. */
  private List<PhaseResult> run(List<DeviceLoad> loads, DeviceLoad.Op op, double seconds) {
    List<Future<PhaseResult>> all = new ArrayList<>();
    for (DeviceLoad load : loads) {
      all.add(load.run(op, Math.max(1, inFlight / loads.size()), 0, 0, seconds));
    }
    return LoadGenCli.await(Future.all(all)).list();
  }

  private static Duration total(List<ProcessHandle> processes) {
    return processes.stream().map(NodeProcess::cpu).reduce(Duration.ZERO, Duration::plus);
  }

  private static double micros(Duration cpu, long ops) {
    return ops == 0 ? Double.NaN : cpu.toNanos() / 1_000.0 / ops;
  }

  String markdown(List<Row> rows) {
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
        "%d client manager instance(s) per node; %d connections and %d operations in flight in all, split over the "
            + "endpoints; %d × %.0f s per phase, interleaved; median (min–max)%n%n", instances, connections, inFlight,
        repeat, durationS));
    out.append("| deployment | path | operation | ops/s | Propius CPU µs/op | HAProxy CPU µs/op | Redis CPU µs/op "
        + "| unbound | Propius CPU without load, ms/s |\n");
    out.append("|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.0f | %.0f | %d | %.0f |%n", r.deployment(), r.path(),
          r.op().name().toLowerCase(Locale.ROOT), r.spread(Sample::perSecond, "%.0f"), r.spread(Sample::propiusMicros, "%.0f"),
          r.median(Sample::haproxyMicros), r.median(Sample::redisMicros),
          r.samples().stream().mapToLong(Sample::unbound).sum(), r.idleMillisPerSecond()));
    }
    Row single = rows.stream().filter(r -> r.deployment().equals("single process") && r.path().equals("HAProxy")
        && r.op() == DeviceLoad.Op.CHECKIN).findFirst().orElseThrow();
    out.append("\nPropius CPU per check-in through HAProxy, against the single process:");
    rows.stream().filter(r -> !r.deployment().equals("single process") && r.path().equals("HAProxy")
            && r.op() == DeviceLoad.Op.CHECKIN).sorted(Comparator.comparing(Row::deployment))
        .forEach(r -> out.append(String.format(Locale.ROOT, " %s %.2f×;", r.deployment(),
            r.median(Sample::propiusMicros) / single.median(Sample::propiusMicros))));
    out.setLength(out.length() - 1);
    return out.append('\n').toString();
  }
}
