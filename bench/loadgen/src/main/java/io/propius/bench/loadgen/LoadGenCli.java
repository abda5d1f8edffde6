package io.propius.bench.loadgen;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.propius.server.PropiusServer;
import io.propius.server.config.PropiusOptions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The load generator's command line: {@code run} drives a live server (embedded by default) and the
 * bare baseline; {@code cluster} compares one process with clusters of device nodes behind HAProxy;
 * {@code window-memory} measures the sliding window's bytes per device; {@code bare} and
 * {@code hold-jobs} set up a run of an external load generator ({@code bench/checkin/run.sh}).
 */
@Command(name = "propius-loadgen", mixinStandardHelpOptions = true,
    subcommands = {LoadGenCli.Run.class, ClusterBench.class, LoadGenCli.WindowMemory.class, BareCommand.class,
        HoldJobsCommand.class, OpenLoopCommand.class},
    description = "Load generator for a live Propius server, with a bare Vert.x baseline in the same run.")
public final class LoadGenCli {
  // The same handler as SimulatorCli's: the two bench tools share no module (the simulator needs only
  // policy-spi), and five lines of picocli set-up are not worth one.
  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadGenCli())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          if (!(e instanceof IllegalArgumentException)) {
            throw e;
          }
          cmd.getErr().println("error: " + e.getMessage());
          return 2;
        })
        .execute(args));
  }

  @Command(name = "run", mixinStandardHelpOptions = true,
      description = "Peak (closed loop) and half-peak (open loop) throughput and latency of the bare endpoint, "
          + "check-in and binding.")
  static final class Run implements Callable<Integer> {
    @Option(names = "--server-devices", description = "host:port of a running server's device API (default: start an embedded server)")
    String serverDevices;
    @Option(names = "--server-jobs", description = "host:port of a running server's job API (gRPC); with --server-devices")
    String serverJobs;
    @Option(names = "--store", defaultValue = "memory", description = "embedded server's job store: memory or redis (default ${DEFAULT-VALUE})")
    String store;
    @Option(names = "--redis-uri", description = "Redis for --store redis (default: start a throw-away redis-server on a free port)")
    String redisUri;
    @Option(names = "--redis-max-batch", description = "embedded server's store.maxBatch: most reservations or confirmations per Redis script call, 1 for none (default: the server's)")
    Integer redisMaxBatch;
    @Option(names = "--instances", defaultValue = "2", description = "embedded server's client manager instances, and the bare endpoint's (default ${DEFAULT-VALUE})")
    int instances;
    @Option(names = "--jobs", defaultValue = "4", description = "jobs that keep a round open (default ${DEFAULT-VALUE})")
    int jobs;
    @Option(names = "--demand", defaultValue = "10000", description = "devices each job asks for per round (default ${DEFAULT-VALUE})")
    int demand;
    @Option(names = "--connections", defaultValue = "64", description = "HTTP connections (default ${DEFAULT-VALUE})")
    int connections;
    @Option(names = "--in-flight", defaultValue = "64", description = "operations in flight in the closed-loop (peak) phases (default ${DEFAULT-VALUE})")
    int inFlight;
    @Option(names = "--rate", description = "run only open-loop phases at this many operations per second (default: peak, then half of it)")
    Double rate;
    @Option(names = "--warmup", defaultValue = "3", description = "seconds of warm-up per phase (default ${DEFAULT-VALUE})")
    double warmupS;
    @Option(names = "--duration", defaultValue = "10", description = "measured seconds per phase (default ${DEFAULT-VALUE})")
    double durationS;
    @Option(names = "--repeat", defaultValue = "3", description = "closed-loop (peak) phases per operation, interleaved; the median is the peak (default ${DEFAULT-VALUE})")
    int repeat;
    @Option(names = "--ops", split = ",", defaultValue = "bare,checkin,binding", description = "operations (default ${DEFAULT-VALUE})")
    List<String> ops;

    @Override
    public Integer call() throws Exception {
      LoadReport report = new LoadGen(this).run();
      System.out.println(report.markdown());
      return 0;
    }
  }

  /** One run: the server (embedded or remote), the bare endpoint, the jobs and the devices. */
  static final class LoadGen {
    private final Run o;

    LoadGen(Run options) {
      this.o = options;
      if ((options.serverDevices == null) != (options.serverJobs == null)) {
        throw new IllegalArgumentException("--server-devices and --server-jobs go together");
      }
    }

    LoadReport run() throws Exception {
      Vertx serverVertx = null;
      PropiusServer server = null;
      LocalRedis redis = null;
      String devicesHost;
      int devicesPort;
      String jobsHost;
      int jobsPort;
      if (o.serverDevices == null) {
        PrometheusMeterRegistry registry = PropiusServer.newRegistry();
        serverVertx = PropiusServer.newVertx(registry);
        PropiusOptions options = new PropiusOptions();
        options.jobs().setHost("127.0.0.1").setPort(0);
        options.devices().setHost("127.0.0.1").setPort(0).setInstances(o.instances);
        options.admin().setHost("127.0.0.1").setPort(0);
        options.dataPlane().setHost("127.0.0.1").setPort(0);
        options.store().setType(o.store);
        if (o.store.equals("redis")) {
          if (o.redisUri == null) {
            redis = LocalRedis.start();
          }
          options.store().setRedisUri(o.redisUri != null ? o.redisUri : redis.uri());
          if (o.redisMaxBatch != null) {
            options.store().setMaxBatch(o.redisMaxBatch);
          }
        }
        server = await(PropiusServer.deploy(serverVertx, options.validate(), registry));
        devicesHost = "127.0.0.1";
        devicesPort = server.devicesPort();
        jobsHost = "127.0.0.1";
        jobsPort = server.jobsPort();
      } else {
        String[] d = hostPort(o.serverDevices);
        String[] j = hostPort(o.serverJobs);
        devicesHost = d[0];
        devicesPort = Integer.parseInt(d[1]);
        jobsHost = j[0];
        jobsPort = Integer.parseInt(j[1]);
      }
      // The bare endpoint runs where the server's event loops are (embedded) or in this process.
      Vertx bareVertx = serverVertx != null ? serverVertx : Vertx.vertx();
      Vertx clientVertx = Vertx.vertx();
      JobDriver driver = new JobDriver(clientVertx, jobsHost, jobsPort, o.demand);
      DeviceLoad devices = null;
      try {
        await(driver.start(o.jobs));
        devices = new DeviceLoad(clientVertx, devicesHost, devicesPort, 0, o.connections);
        // The scheduler publishes the jobs' rounds asynchronously: wait for a check-in with offers.
        Buffer sample = awaitOffers(devices);
        int barePort = deployBare(bareVertx, sample, o.instances);
        devices.close();
        devices = new DeviceLoad(clientVertx, devicesHost, devicesPort, barePort, o.connections);
        List<DeviceLoad.Op> ops = new ArrayList<>();
        for (String name : o.ops) {
          try {
            ops.add(DeviceLoad.Op.valueOf(name.toUpperCase(Locale.ROOT)));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown operation '" + name + "'; operations: bare, checkin, binding");
          }
        }
        // Warm every code path up (JIT, connections) before measuring any, so order does not favour one.
        for (DeviceLoad.Op op : ops) {
          await(devices.run(op, o.inFlight, 0, 0, o.warmupS));
        }
        List<PhaseResult> results = new ArrayList<>();
        if (o.rate != null) {
          for (DeviceLoad.Op op : ops) {
            results.add(print(await(devices.run(op, 0, o.rate, o.warmupS, o.durationS))));
          }
        } else {
          // Peaks interleaved (bare, checkin, binding, bare, ...) so that a shared machine's load
          // swings hit every operation alike; the median of each is its peak.
          Map<DeviceLoad.Op, List<PhaseResult>> peaks = new EnumMap<>(DeviceLoad.Op.class);
          for (int r = 0; r < o.repeat; r++) {
            for (DeviceLoad.Op op : ops) {
              peaks.computeIfAbsent(op, k -> new ArrayList<>())
                  .add(print(await(devices.run(op, o.inFlight, 0, o.warmupS, o.durationS))));
            }
          }
          for (DeviceLoad.Op op : ops) {
            List<PhaseResult> runs = new ArrayList<>(peaks.get(op));
            runs.sort(Comparator.comparingDouble(PhaseResult::perSecond));
            PhaseResult peak = runs.get(runs.size() / 2);
            if (peak.perSecond() == 0) {
              throw new IllegalStateException(op.name().toLowerCase(Locale.ROOT) + " completed nothing in its peak"
                  + " phase (" + o.durationS + " s measured), so it has no half of peak to run at; see the"
                  + " server's log, or measure for longer");
            }
            results.add(peak.withRuns(peaks.get(op)));
            results.add(print(await(devices.run(op, 0, peak.perSecond() / 2, o.warmupS, o.durationS))));
          }
        }
        return new LoadReport(results, sample.length(), o.store, o.serverDevices == null, o.instances,
            o.connections, o.inFlight, driver.roundsFilled());
      } finally {
        if (devices != null) {
          await(devices.close());
        }
        await(driver.stop());
        await(clientVertx.close());
        if (server != null) {
          await(server.undeploy());
        }
        await(bareVertx.close());
        if (redis != null) {
          redis.close();
        }
      }
    }

    static Buffer awaitOffers(DeviceLoad devices) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (System.nanoTime() < deadline) {
        Buffer b = await(devices.sampleCheckinResponse());
        if (!b.toJsonObject().getJsonArray("offers").isEmpty()) {
          return b;
        }
        Thread.sleep(50);
      }
      throw new IllegalStateException("the server gave no offers within 15 s: are the jobs' rounds open?");
    }

    private static int deployBare(Vertx vertx, Buffer sample, int instances) {
      Buffer body = BareEndpoint.jsonOfSize(sample.length());
      List<BareEndpoint> deployed = new CopyOnWriteArrayList<>();
      await(vertx.deployVerticle(() -> {
        BareEndpoint e = new BareEndpoint(body, 0);
        deployed.add(e);
        return e;
      }, new DeploymentOptions().setInstances(instances)));
      return deployed.get(0).actualPort();
    }

    private static PhaseResult print(PhaseResult r) {
      System.err.println(r);
      return r;
    }

    static String[] hostPort(String s) {
      int i = s.lastIndexOf(':');
      if (i <= 0) {
        throw new IllegalArgumentException("expected host:port, got '" + s + "'");
      }
      return new String[] {s.substring(0, i), s.substring(i + 1)};
    }
  }

  @Command(name = "window-memory", mixinStandardHelpOptions = true,
      description = "Bytes per device held by a client manager's sliding window (heap after GC, before and after filling it).")
  static final class WindowMemory implements Callable<Integer> {
    @Option(names = "--devices", defaultValue = "1000000", description = "devices to check in (default ${DEFAULT-VALUE})")
    int devices;
    @Option(names = "--attributes", defaultValue = "4", description = "attributes per device (default ${DEFAULT-VALUE})")
    int attributes;
    @Option(names = "--stride", defaultValue = "16", description = "attributes the window keeps per device, devices.windowAttributes (default ${DEFAULT-VALUE})")
    int stride;

    @Override
    public Integer call() {
      WindowFootprint.Measurement m = WindowFootprint.measure(devices, attributes, stride);
      System.out.printf(Locale.ROOT, "devices=%d attributes=%d stride=%d heapBytesPerDevice=%.1f arrayBytesPerDevice=%.1f "
          + "heapDelta=%.1fMB%n", m.devices(), attributes, stride, m.heapBytesPerDevice(), m.arrayBytesPerDevice(),
          m.heapDeltaBytes() / 1e6);
      return 0;
    }
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
