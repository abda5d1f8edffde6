package io.propius.examples.fl;

import io.propius.api.round.RoundMode;
import io.propius.client.device.DeviceConnections;
import io.propius.client.job.JobClient;
import io.propius.client.job.JobClientOptions;
import io.propius.client.job.JobSpec;
import io.propius.examples.fl.device.FleetStats;
import io.propius.examples.fl.device.SimulatedDevice;
import io.propius.examples.fl.job.FederatedJob;
import io.propius.examples.fl.job.JobSettings;
import io.propius.examples.fl.job.RoundReport;
import io.propius.examples.fl.report.DemoReport;
import io.propius.server.logging.OneLineLogging;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * Propius's main job: three federated-learning jobs at once, with different constraints and round
 * modes, share a population of simulated devices and train real models (multinomial logistic
 * regression and an MLP) with FedAvg through the data plane, on Fashion-MNIST split non-IID across
 * the devices (or on seeded synthetic data).
 */
public final class FlDemo {
  /** Samples per data shard, the unit DAB allocates. */
  private static final int SHARD = 10;

  private FlDemo() {
  }

  /**
   * What a run produced.
   *
   * @param chance accuracy of guessing, per job
   * @param png the report picture
   */
  public record Result(List<FederatedJob> jobs, List<Double> chance, Path png, Path csv, String printedLabel) {
  }

  public static void main(String[] args) {
    OneLineLogging.install();
    System.exit(new CommandLine(new Command()).execute(args));
  }

  /** The demo as a picocli command; exit 0 when every job learned, 1 otherwise. */
  @CommandLine.Command(name = "demo")
  static final class Command implements Callable<Integer> {
    @CommandLine.Mixin
    DemoOptions options = new DemoOptions();

    @Override
    public Integer call() throws Exception {
      options.validate();
      Result r = run(options, System.out);
      boolean learned = true;
      for (int i = 0; i < r.jobs().size(); i++) {
        learned &= r.jobs().get(i).finalAccuracy() > r.chance().get(i) + 0.15;
      }
      return learned ? 0 : 1;
    }
  }

  /** Runs the demo against an embedded server, or the one in {@code options}, printing to {@code out}. */
  public static Result run(DemoOptions options, PrintStream out) throws Exception {
    long started = System.currentTimeMillis();
    DemoData data = DemoData.load(options, out);
    try (Endpoints endpoints = options.server == null ? Endpoints.embedded(out, options.policy, data.label())
        : Endpoints.remote(options)) {
      return run(options, data, endpoints, out, started);
    }
  }

  /**
   * The three jobs: a logistic regression in sync rounds with a deadline, an MLP with
   * over-selection, and a logistic regression in buffered async rounds; each with its own public
   * and private constraints, all competing for the same devices.
   */
  static List<JobSettings> jobs(DemoOptions o, DemoData data) {
    int demandA = Math.max(2, o.devices / 15);
    int demandB = Math.max(2, o.devices / 20);
    int demandC = Math.max(2, o.devices / 20);
    int backups = Math.max(1, demandB / 5);
    boolean real = data.source() == DemoOptions.DataSource.FASHION_MNIST;
    return List.of(
        new JobSettings(data.task(false), "logreg", 0, o.rounds, demandA, RoundMode.SYNC, 0, o.roundMs,
            real ? 0.2 : 0.3, 2, 10, SHARD, "cpu_cores>=2; dataset_size>=50",
            JobSpec.of("logreg-sync", o.rounds, demandA).requirePublic("cpu_cores", 2)
                .requirePrivate("dataset_size", 50)),
        new JobSettings(data.task(true), "mlp", 32, o.rounds, demandB, RoundMode.OVERSELECT, backups, o.roundMs,
            real ? 0.02 : 0.2, 2, 10, SHARD, "ram_gb>=4; battery>=30",
            JobSpec.of("mlp-overselect", o.rounds, demandB + backups).requirePublic("ram_gb", 4)
                .requirePrivate("battery", 30)),
        new JobSettings(data.task(false), "logreg", 0, o.rounds, demandC, RoundMode.ASYNC, 2, o.roundMs,
            real ? 0.2 : 0.3, 2, 10, SHARD, "cpu_cores>=4; battery>=15",
            JobSpec.of("logreg-async", o.rounds, demandC).requirePublic("cpu_cores", 4)
                .requirePrivate("battery", 15)));
  }

  private static Result run(DemoOptions options, DemoData data, Endpoints endpoints, PrintStream out, long started)
      throws Exception {
    String label = data.label();
    List<JobSettings> jobs = jobs(options, data);
    Vertx deviceVertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(4));
    DeviceConnections connections = DeviceConnections.create(deviceVertx, 128);
    FleetStats stats = new FleetStats();
    List<SimulatedDevice> devices = new ArrayList<>();
    SplittableRandom seeds = new SplittableRandom(options.seed + 1);
    for (DemoData.Device d : data.devices()) {
      devices.add(new SimulatedDevice(d.profile(), d.data(), deviceVertx, connections, endpoints.devicesUrl(), stats,
          seeds.nextLong()));
    }
    out.printf("%s%d simulated devices (public: cpu_cores, ram_gb; private: dataset_size, battery, speed, link;"
        + " one in eight flaky) against %s, policy %s%n", label, devices.size(), endpoints.describe(), options.policy);
    devices.forEach(SimulatedDevice::start);
    // A live deployment has devices checking in before a job arrives: wait until each simulated
    // device has checked in about twice, so that their start-up burst is not the first round's.
    long warmUpUntil = System.currentTimeMillis() + 10_000;
    while (stats.checkins.get() < 2L * devices.size() && System.currentTimeMillis() < warmUpUntil) {
      Thread.sleep(50);
    }

    ExecutorService pool = Executors.newFixedThreadPool(jobs.size());
    List<FederatedJob> done = new ArrayList<>();
    List<JobClient> clients = new ArrayList<>();
    long t0 = System.currentTimeMillis();
    try {
      // Qualified: the simple name Future is Vert.x's in this file.
      List<java.util.concurrent.Future<FederatedJob>> running = new ArrayList<>();
      for (JobSettings s : jobs) {
        JobClient client = JobClient.create(new JobClientOptions().setServer(endpoints.jobsHost(), endpoints.jobsPort())
            .setTransport(options.transport).setDataPlaneUrl(endpoints.dataPlaneUrl()).setApiKey(options.apiKey));
        clients.add(client);
        FederatedJob job = new FederatedJob(s, client, data.tests().get(s.task()), out, label,
            (j, r) -> printRound(out, label, j, r));
        running.add(pool.submit(() -> {
          job.run();
          return job;
        }));
      }
      for (java.util.concurrent.Future<FederatedJob> r : running) {
        done.add(r.get(10, TimeUnit.MINUTES));
      }
    } finally {
      pool.shutdownNow();
      devices.forEach(SimulatedDevice::stop);
      Future.all(devices.stream().map(SimulatedDevice::close).toList())
          .compose(v -> connections.close()).compose(v -> deviceVertx.close())
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      clients.forEach(JobClient::close);
    }
    Path png = DemoReport.write(options.reportDir, done, t0, data.title()).toAbsolutePath();
    Summary.print(out, label, done, stats, devices, System.currentTimeMillis() - started);
    out.printf("%sreport: %s (and %s)%n", label, png, png.resolveSibling(DemoReport.CSV));
    List<Double> chance = done.stream().map(j -> 1.0 / data.tests().get(j.settings().task()).classes()).toList();
    return new Result(done, chance, png, png.resolveSibling(DemoReport.CSV), label);
  }

  private static void printRound(PrintStream out, String label, FederatedJob job, RoundReport r) {
    JobSettings s = job.settings();
    out.printf("%s[%-14s] round %2d/%d  bound %3d/%d  fill %5.2fs%s  results %3d  loss %.3f  test acc %.3f%n", label,
        s.name(), r.round(), s.rounds(), r.bound(), s.requested(), r.fillMs() / 1000.0, r.filled() ? " " : "*",
        r.contributors(), r.loss(), r.accuracy());
  }
}
