package io.propius.examples.fl.device;

import io.propius.api.ErrorCode;
import io.propius.api.round.RoundMode;
import io.propius.api.round.RoundSpec;
import io.propius.client.PropiusClientException;
import io.propius.client.allocation.DeadlineAwareAllocation;
import io.propius.client.allocation.DeviceBenchmark;
import io.propius.client.allocation.SubsetBenchmark;
import io.propius.client.dataplane.UploadReceipt;
import io.propius.client.device.DeviceClient;
import io.propius.client.device.DeviceClientOptions;
import io.propius.client.device.DeviceConnections;
import io.propius.client.device.PrivateAttributes;
import io.propius.client.device.Task;
import io.propius.examples.fl.data.LocalData;
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
 * Benchmarking), pick how many shards fit the deadline (DAB), train on a worker thread, upload
 * (for an async round: to the newest round of the job within the staleness bound). Its speed and
 * link are simulated by waiting (timers, never a blocked thread) so that the time the device
 * measures is the time it would take. Now and then it goes offline in the middle of a task.
 */
public final class SimulatedDevice {
  /** Shards timed by Subset Benchmarking. */
  private static final int BENCHMARK_SHARDS = 2;
  /** Kept back from the deadline for the upload's own latency. */
  private static final long DEADLINE_MARGIN_MS = 150;

  private final DeviceProfile profile;
  /** Its own examples, by the plan's task name. */
  private final Map<String, LocalData> localData;
  private final Vertx vertx;
  private final DeviceClient client;
  private final FleetStats stats;
  private final SplittableRandom rnd;
  private final Map<Long, JobKnowledge> knowledge = new ConcurrentHashMap<>();
  private volatile boolean stopped;
  private long offlineUntilMs;

  public SimulatedDevice(DeviceProfile profile, Map<String, LocalData> localData, Vertx vertx,
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
        // A short, random rest between tasks, as a phone would have, or the time it is offline.
        .onComplete(ar -> vertx.setTimer(Math.max(50 + rnd.nextInt(200), offlineUntilMs - System.currentTimeMillis()),
            t -> loop()));
  }

  private Future<Void> work(Task task) {
    FleetStats.JobTaskStats jobStats = stats.job(task.jobId());
    stats.tasks.incrementAndGet();
    jobStats.tasks.incrementAndGet();
    return attempt(task).onFailure(err -> jobStats.failed.incrementAndGet());
  }

  private Future<Void> attempt(Task task) {
    long boundAt = System.currentTimeMillis();
    long[] planBytes = new long[1];
    Future<Buffer> download = downloadPlan(task).onSuccess(b -> planBytes[0] = b.length());
    return download.compose(bytes -> task.roundSpecAsync().compose(spec -> {
      Plan plan = Plan.decode(bytes);
      LocalData data = localData.get(plan.task());
      if (data == null) {
        return Future.succeededFuture();
      }
      return benchmarkFor(task, plan, data).compose(known -> {
        knowledge.put(task.jobId(), new JobKnowledge(known.benchmark(), known.measuredAtMs(), planBytes[0],
            plan.epochs(), spec.deadlineMs() - boundAt));
        return trainAndUpload(task, spec, plan, data, known.benchmark(), planBytes[0], boundAt);
      });
    }));
  }

  /**
   * Subset Benchmarking, once per job while fresh: time a real plan download and training on a
   * few local shards (on a copy of the parameters).
   */
  private Future<JobKnowledge> benchmarkFor(Task task, Plan plan, LocalData data) {
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

  private Future<Void> trainAndUpload(Task task, RoundSpec spec, Plan plan, LocalData data, DeviceBenchmark bench,
                                      long planBytes, long boundAt) {
    long now = System.currentTimeMillis();
    long left = spec.deadlineMs() - now - DEADLINE_MARGIN_MS;
    if (spec.mode() == RoundMode.ASYNC) {
      // A late update still counts in a later round: the budget is the staleness bound's rounds.
      left += spec.staleness() * (spec.deadlineMs() - boundAt);
    }
    int ownShards = Math.max(1, data.size() / plan.shardSize());
    int fit = DeadlineAwareAllocation.maxShards(bench, left, planBytes, 0, plan.epochs());
    FleetStats.JobTaskStats jobStats = stats.job(task.jobId());
    if (fit < 1) {
      stats.tooSlow.incrementAndGet();
      jobStats.failed.incrementAndGet();
      return Future.succeededFuture();
    }
    boolean goesOffline = rnd.nextDouble() < profile.dropout();
    int shards = Math.min(ownShards, fit);
    stats.shardsLeftOut.addAndGet(ownShards - shards);
    int samples = Math.min(data.size(), shards * plan.shardSize());
    double[] params = plan.parameters().clone();
    return train(plan, params, data, goesOffline ? samples / 2 : samples, plan.epochs())
        .compose(v -> {
          if (goesOffline) {
            stats.dropped.incrementAndGet();
            jobStats.failed.incrementAndGet();
            offlineUntilMs = System.currentTimeMillis() + 2000 + rnd.nextInt(4000);
            return Future.succeededFuture();
          }
          return linkDelay(planBytes).compose(x -> upload(task, spec, params, samples)).map(receipt -> {
            counted(task, spec, shards, receipt);
            return null;
          });
        });
  }

  /**
   * Uploads to the task's round or, in an async round, to the newest round the job has opened
   * within the staleness bound. A result the round no longer takes (closed, or too stale) is
   * counted as late, not as a failure.
   */
  private Future<UploadReceipt> upload(Task task, RoundSpec spec, double[] params, int samples) {
    Future<UploadReceipt> sent = spec.mode() == RoundMode.ASYNC
        ? newestRound(task, task.round() + spec.staleness()).compose(round -> round == task.round()
            ? task.uploadAsync(params, samples) : task.uploadAsync(round, params, samples))
        : task.uploadAsync(params, samples);
    return sent.recover(err -> err instanceof PropiusClientException p
        && (p.code() == ErrorCode.ROUND_CLOSED || p.code() == ErrorCode.FAILED_PRECONDITION)
        ? Future.succeededFuture(null) : Future.failedFuture(err));
  }

  /** The highest round from {@code candidate} down to the task's own whose spec the job has published. */
  private Future<Integer> newestRound(Task task, int candidate) {
    if (candidate <= task.round()) {
      return Future.succeededFuture(task.round());
    }
    return task.roundSpecAsync(candidate).map(candidate).recover(err -> newestRound(task, candidate - 1));
  }

  private void counted(Task task, RoundSpec spec, int shards, UploadReceipt receipt) {
    if (receipt == null) {
      stats.late.incrementAndGet();
      stats.job(task.jobId()).late.incrementAndGet();
      return;
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
  }

  private Future<Buffer> downloadPlan(Task task) {
    return task.fetchPlanAsync().compose(b -> linkDelay(b.length()).map(b));
  }

  /** Real SGD on a worker thread, then the rest of the simulated compute time as a timer. */
  private Future<Void> train(Plan plan, double[] params, LocalData data, int samples, int epochs) {
    long start = System.nanoTime();
    long seed = rnd.nextLong();
    return vertx.executeBlocking(() -> {
      Model model = plan.newModel();
      model.train(params, data.data(), data.indices().clone(), samples, epochs, plan.learningRate(), plan.batch(),
          new SplittableRandom(seed));
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
