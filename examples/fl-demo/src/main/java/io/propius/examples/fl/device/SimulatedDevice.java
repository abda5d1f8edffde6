package io.propius.examples.fl.device;

import io.propius.api.ErrorCode;
import io.propius.api.round.RoundSpec;
import io.propius.client.PropiusClientException;
import io.propius.client.allocation.DeadlineAwareAllocation;
import io.propius.client.allocation.DeviceBenchmark;
import io.propius.client.allocation.SubsetBenchmark;
import io.propius.client.device.DeviceClient;
import io.propius.client.device.DeviceClientOptions;
import io.propius.client.device.DeviceConnections;
import io.propius.client.device.PrivateAttributes;
import io.propius.client.device.Task;
import io.propius.examples.fl.data.Dataset;
import io.propius.examples.fl.model.Model;
import io.propius.examples.fl.plan.Plan;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One simulated edge device, written in the SDK's Future style: check in, accept what its
 * private {@link DabDecision} likes, fetch the plan, benchmark itself on a new job (Subset
 * Benchmarking), pick how many shards fit the deadline (DAB), train on a worker thread, upload.
 * Its speed and link are simulated by waiting (timers, never a blocked thread) so that the
 * time the device measures is the time it would take.
 */
public final class SimulatedDevice {
  /** Shards timed by Subset Benchmarking. */
  private static final int BENCHMARK_SHARDS = 2;
  /** Kept back from the deadline for the upload's own latency. */
  private static final long DEADLINE_MARGIN_MS = 150;

  private final DeviceProfile profile;
  private final Map<String, Dataset> localData;
  private final Vertx vertx;
  private final DeviceClient client;
  private final FleetStats stats;
  private final SplittableRandom rnd;
  private final Map<Long, JobKnowledge> knowledge = new ConcurrentHashMap<>();
  private volatile boolean stopped;

  public SimulatedDevice(DeviceProfile profile, Map<String, Dataset> localData, Vertx vertx,
                         DeviceConnections connections, String devicesUrl, FleetStats stats, long seed) {
    this.profile = profile;
    this.localData = localData;
    this.vertx = vertx;
    this.stats = stats;
    this.rnd = new SplittableRandom(seed);
    this.client = DeviceClient.create(new DeviceClientOptions(profile.id()).setUrl(devicesUrl)
        .setConnections(connections).setPublicAttributes(profile.publicAttributes())
        .setPrivateAttributes(PrivateAttributes.of(profile.privateAttributes()))
        .setDecision(new DabDecision(knowledge, 1, stats)));
  }

  /** Starts the device's loop; it runs until {@link #stop()}. */
  public void start() {
    vertx.runOnContext(v -> loop());
  }

  public void stop() {
    stopped = true;
  }

  public long declined() {
    return client.declined();
  }

  private void loop() {
    if (stopped) {
      return;
    }
    client.nextTaskAsync(Duration.ofSeconds(3))
        .compose(task -> task.isPresent() ? work(task.get()) : Future.succeededFuture())
        .onFailure(err -> {
          if (!stopped) {
            stats.failed(err);
          }
        })
        // A short, random rest between tasks, as a phone would have.
        .onComplete(ar -> vertx.setTimer(50 + rnd.nextInt(200), t -> loop()));
  }

  private Future<Void> work(Task task) {
    stats.tasks.incrementAndGet();
    long boundAt = System.currentTimeMillis();
    long[] planBytes = new long[1];
    Future<Buffer> download = downloadPlan(task).onSuccess(b -> planBytes[0] = b.length());
    return download.compose(bytes -> task.roundSpecAsync().compose(spec -> {
      Plan plan = Plan.decode(bytes);
      Dataset data = localData.get(plan.task());
      if (data == null) {
        return Future.succeededFuture();
      }
      return benchmarkFor(task, plan, data).compose(known -> {
        knowledge.put(task.jobId(), new JobKnowledge(known.benchmark(), known.measuredAtMs(), planBytes[0],
            plan.epochs(), spec.deadlineMs() - boundAt));
        return trainAndUpload(task, spec, plan, data, known.benchmark(), planBytes[0]);
      });
    }));
  }

  /**
   * Subset Benchmarking, once per job while fresh: time a real plan download and training on a
   * few local shards (on a copy of the parameters).
   */
  private Future<JobKnowledge> benchmarkFor(Task task, Plan plan, Dataset data) {
    JobKnowledge known = knowledge.get(task.jobId());
    long now = System.currentTimeMillis();
    if (known != null && known.fresh(now)) {
      return Future.succeededFuture(known);
    }
    stats.benchmarks.incrementAndGet();
    return SubsetBenchmark.measure(() -> downloadPlan(task), BENCHMARK_SHARDS,
            shards -> train(plan, plan.parameters().clone(), data, Math.min(data.size(), shards * plan.shardSize()), 1))
        .map(bench -> new JobKnowledge(bench, now, 0, plan.epochs(), 0));
  }

  private Future<Void> trainAndUpload(Task task, RoundSpec spec, Plan plan, Dataset data, DeviceBenchmark bench,
                                      long planBytes) {
    long left = spec.deadlineMs() - System.currentTimeMillis() - DEADLINE_MARGIN_MS;
    int ownShards = Math.max(1, data.size() / plan.shardSize());
    int fit = DeadlineAwareAllocation.maxShards(bench, left, planBytes, 0, plan.epochs());
    if (fit < 1) {
      stats.tooSlow.incrementAndGet();
      return Future.succeededFuture();
    }
    int shards = Math.min(ownShards, fit);
    stats.shardsLeftOut.addAndGet(ownShards - shards);
    int samples = Math.min(data.size(), shards * plan.shardSize());
    double[] params = plan.parameters().clone();
    return train(plan, params, data, samples, plan.epochs())
        .compose(v -> linkDelay(planBytes))
        .compose(v -> task.uploadAsync(params, samples)
            // An over-selected round closes at its target: a late result is not needed any more.
            .recover(err -> err instanceof PropiusClientException p && p.code() == ErrorCode.ROUND_CLOSED
                ? Future.succeededFuture(null) : Future.failedFuture(err)))
        .map(receipt -> {
          if (receipt == null) {
            stats.late.incrementAndGet();
            return null;
          }
          if (Boolean.getBoolean("fldemo.debug")) {
            System.err.printf("%s job %d round %d: %d shards, uploaded %d ms before the deadline, %s%n", profile.id(),
                task.jobId(), task.round(), shards, spec.deadlineMs() - System.currentTimeMillis(), receipt);
          }
          stats.uploads.incrementAndGet();
          stats.shardsTrained.addAndGet(shards);
          if (receipt.duplicate()) {
            stats.duplicates.incrementAndGet();
          }
          return null;
        });
  }

  private Future<Buffer> downloadPlan(Task task) {
    return task.fetchPlanAsync().compose(b -> linkDelay(b.length()).map(b));
  }

  /** Real SGD on a worker thread, then the rest of the simulated compute time as a timer. */
  private Future<Void> train(Plan plan, double[] params, Dataset data, int samples, int epochs) {
    long start = System.nanoTime();
    long seed = rnd.nextLong();
    return vertx.executeBlocking(() -> {
      Model model = plan.newModel();
      int[] order = new int[data.size()];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      model.train(params, data, order, samples, epochs, plan.learningRate(), plan.batch(), new SplittableRandom(seed));
      return null;
    }, false).compose(v -> {
      double simulatedMs = profile.msPerShard() * epochs * samples / (double) plan.shardSize();
      long spentMs = (System.nanoTime() - start) / 1_000_000;
      return delay((long) simulatedMs - spentMs);
    });
  }

  private Future<Void> linkDelay(long bytes) {
    return delay((long) (1000.0 * bytes / profile.bytesPerSecond()));
  }

  private Future<Void> delay(long ms) {
    return ms <= 0 ? Future.succeededFuture() : vertx.timer(ms).mapEmpty();
  }

  public Future<Void> close() {
    stop();
    return client.closeAsync();
  }
}
