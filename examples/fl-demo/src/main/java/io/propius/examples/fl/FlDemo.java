package io.propius.examples.fl;

import io.propius.client.device.DeviceConnections;
import io.propius.client.job.JobClient;
import io.propius.client.job.JobClientOptions;
import io.propius.client.job.JobSpec;
import io.propius.examples.fl.data.Dataset;
import io.propius.examples.fl.data.GaussianMixture;
import io.propius.examples.fl.device.DeviceProfile;
import io.propius.examples.fl.device.FleetStats;
import io.propius.examples.fl.device.SimulatedDevice;
import io.propius.examples.fl.job.FederatedJob;
import io.propius.examples.fl.job.JobSettings;
import io.propius.examples.fl.job.RoundReport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Propius's main job: two federated-learning jobs at once, with different constraints, share a
 * population of simulated devices and train real models (multinomial logistic regression and an
 * MLP) with FedAvg through the data plane, on seeded synthetic data split non-IID across devices.
 */
public final class FlDemo {
  /** Samples per data shard, the unit DAB allocates. */
  private static final int SHARD = 10;

  private FlDemo() {
  }

  /** One job's outcome. */
  public record JobOutcome(FederatedJob job, double chance) {
    public double initialAccuracy() {
      return job.initial().accuracy();
    }

    public double finalAccuracy() {
      List<RoundReport> r = job.reports();
      return r.isEmpty() ? job.initial().accuracy() : r.get(r.size() - 1).accuracy();
    }
  }

  public static void main(String[] args) throws Exception {
    DemoOptions options;
    try {
      options = DemoOptions.parse(args);
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println(e.getMessage());
      }
      System.err.print(DemoOptions.USAGE);
      System.exit(2);
      return;
    }
    List<JobOutcome> outcomes = run(options, System.out);
    boolean learned = outcomes.stream().allMatch(o -> o.finalAccuracy() > o.chance() + 0.15);
    System.exit(learned ? 0 : 1);
  }

  /** Runs the demo against an embedded server, or the one in {@code options}, printing to {@code out}. */
  public static List<JobOutcome> run(DemoOptions options, PrintStream out) throws Exception {
    long started = System.currentTimeMillis();
    try (Endpoints endpoints = options.server == null ? Endpoints.embedded(out) : Endpoints.remote(options)) {
      return run(options, endpoints, out, started);
    }
  }

  private static List<JobOutcome> run(DemoOptions options, Endpoints endpoints, PrintStream out, long started)
      throws Exception {
    GaussianMixture blobs = new GaussianMixture(options.seed, 20, 10, 1, 0.6, 1.0);
    GaussianMixture pockets = new GaussianMixture(options.seed + 1, 6, 4, 4, 1.0, 0.6);
    SplittableRandom rnd = new SplittableRandom(options.seed);
    Dataset blobsTest = blobs.sample(2000, null, rnd.split());
    Dataset pocketsTest = pockets.sample(2000, null, rnd.split());

    int demandA = Math.max(2, options.devices / 15);
    int demandB = Math.max(2, options.devices / 20);
    List<JobSettings> jobs = List.of(
        new JobSettings("blobs", "logreg", 0, options.rounds, demandA, 0, options.roundMs, 0.3, 2, 10, SHARD,
            JobSpec.of("logreg-blobs", options.rounds, demandA).requirePublic("cpu_cores", 2)
                .requirePrivate("dataset_size", 40)),
        new JobSettings("pockets", "mlp", 32, options.rounds, demandB, Math.max(1, demandB / 5), options.roundMs, 0.2, 3, 10, SHARD,
            JobSpec.of("mlp-pockets", options.rounds, demandB + Math.max(1, demandB / 5)).requirePublic("ram_gb", 4)
                .requirePrivate("battery", 30)));

    Vertx deviceVertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(4));
    DeviceConnections connections = DeviceConnections.create(deviceVertx, 128);
    FleetStats stats = new FleetStats();
    List<SimulatedDevice> devices = new ArrayList<>();
    for (int i = 0; i < options.devices; i++) {
      DeviceProfile profile = DeviceProfile.random(String.format("sim-%04d", i), rnd);
      SplittableRandom own = rnd.split();
      Map<String, Dataset> data = new HashMap<>();
      data.put("blobs", blobs.sample(profile.samples(), blobs.skewedClassWeights(2, 0.8, own), own));
      data.put("pockets", pockets.sample(profile.samples(), pockets.skewedClassWeights(1, 0.7, own), own));
      devices.add(new SimulatedDevice(profile, data, deviceVertx, connections, endpoints.devicesUrl(), stats,
          own.nextLong()));
    }
    out.printf("%d simulated devices (public: cpu_cores, ram_gb; private: dataset_size, battery, speed, link)"
        + " against %s%n", devices.size(), endpoints.describe());
    devices.forEach(SimulatedDevice::start);
    // A live deployment has devices checking in before a job arrives: wait until each simulated
    // device has checked in about twice, so that their start-up burst is not the first round's.
    long warmUpUntil = System.currentTimeMillis() + 10_000;
    while (stats.checkins.get() < 2L * devices.size() && System.currentTimeMillis() < warmUpUntil) {
      Thread.sleep(50);
    }

    ExecutorService pool = Executors.newFixedThreadPool(jobs.size());
    List<JobOutcome> outcomes = new ArrayList<>();
    List<JobClient> clients = new ArrayList<>();
    try {
      List<java.util.concurrent.Future<FederatedJob>> running = new ArrayList<>();
      for (JobSettings s : jobs) {
        JobClient client = JobClient.create(new JobClientOptions().setServer(endpoints.jobsHost(), endpoints.jobsPort())
            .setTransport(options.transport).setDataPlaneUrl(endpoints.dataPlaneUrl()).setApiKey(options.apiKey));
        clients.add(client);
        Dataset test = s.task().equals("blobs") ? blobsTest : pocketsTest;
        FederatedJob job = new FederatedJob(s, client, test, out);
        running.add(pool.submit(() -> {
          job.run();
          return job;
        }));
      }
      for (int i = 0; i < running.size(); i++) {
        FederatedJob job = running.get(i).get(10, TimeUnit.MINUTES);
        outcomes.add(new JobOutcome(job, 1.0 / (i == 0 ? blobs.classes() : pockets.classes())));
      }
    } finally {
      pool.shutdownNow();
      devices.forEach(SimulatedDevice::stop);
      Future.all(devices.stream().map(SimulatedDevice::close).toList())
          .compose(v -> connections.close()).compose(v -> deviceVertx.close())
          .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      clients.forEach(JobClient::close);
    }
    Summary.print(out, outcomes, stats, devices, System.currentTimeMillis() - started);
    return outcomes;
  }
}
