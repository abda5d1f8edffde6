package io.propius.client.device;

import io.propius.api.device.Binding;
import io.propius.api.round.RoundSpec;
import io.propius.api.tensor.DType;
import io.propius.api.tensor.Tensors;
import io.propius.client.dataplane.DataPlaneClient;
import io.propius.client.dataplane.UploadReceipt;
import io.propius.client.runtime.ClientRuntime;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;

/**
 * A confirmed slot in one round of one job: fetch the plan and round spec from the data plane,
 * train, upload the result. Uploads are safe to retry (the task token counts once).
 */
public final class Task {
  private final Binding binding;
  private final int offeredShards;
  private final int shards;
  private final DataPlaneClient dataPlane;
  private final Duration callTimeout;

  Task(Binding binding, int offeredShards, int shards, DataPlaneClient dataPlane, Duration callTimeout) {
    this.binding = binding;
    this.offeredShards = offeredShards;
    this.shards = shards;
    this.dataPlane = dataPlane;
    this.callTimeout = callTimeout;
  }

  public long jobId() {
    return binding.jobId();
  }

  public int round() {
    return binding.round();
  }

  /**
   * The data shards to train: what the offer asked for (the {@code med} policy), capped by the
   * device's own deadline-aware bound (DAB) when it has a benchmark; -1 when the offer asked for no
   * particular amount (train on the round's usual data).
   */
  public int shards() {
    return shards;
  }

  /** The shards the offer asked for (-1 when it asked for no particular amount). */
  public int offeredShards() {
    return offeredShards;
  }

  /** The binding as the server returned it (task token, data-plane URL, expiries). */
  public Binding binding() {
    return binding;
  }

  /** The round's plan bytes (model + config, as the job encoded them). */
  public Future<Buffer> fetchPlanAsync() {
    return dataPlane.getPlan(binding.dataPlane(), binding.taskToken(), binding.jobId(), binding.round());
  }

  /** The round spec: tensor length, mode, deadline. */
  public Future<RoundSpec> roundSpecAsync() {
    return dataPlane.getRoundSpec(binding.dataPlane(), binding.taskToken(), binding.jobId(), binding.round());
  }

  /** Uploads a result tensor (float32 on the wire) with its sample weight. */
  public Future<UploadReceipt> uploadAsync(double[] values, long samples) {
    return uploadAsync(Buffer.buffer(Tensors.encode(values, DType.FLOAT32)), samples);
  }

  /** Uploads an already encoded tensor with its sample weight. */
  public Future<UploadReceipt> uploadAsync(Buffer tensor, long samples) {
    return dataPlane.putResult(binding.dataPlane(), binding.taskToken(), binding.jobId(), binding.round(), tensor,
        samples, 0);
  }

  /**
   * The spec of another round of the same job: an async round's device looks for the round the
   * job has moved on to.
   */
  public Future<RoundSpec> roundSpecAsync(int round) {
    return dataPlane.getRoundSpec(binding.dataPlane(), binding.taskToken(), binding.jobId(), round);
  }

  /**
   * Uploads to a later round of an async job an update trained on this task's round (sent as
   * {@code base_round}); the data plane takes it while the lag is within the round's staleness bound.
   */
  public Future<UploadReceipt> uploadAsync(int round, double[] values, long samples) {
    return dataPlane.putResult(binding.dataPlane(), binding.taskToken(), binding.jobId(), round,
        Buffer.buffer(Tensors.encode(values, DType.FLOAT32)), samples, binding.round());
  }

  /** Blocking {@link #fetchPlanAsync}. */
  public byte[] fetchPlan() {
    return ClientRuntime.await(fetchPlanAsync(), callTimeout).getBytes();
  }

  /** Blocking {@link #roundSpecAsync}. */
  public RoundSpec roundSpec() {
    return ClientRuntime.await(roundSpecAsync(), callTimeout);
  }

  /** Blocking {@link #uploadAsync(double[], long)}. */
  public UploadReceipt upload(double[] values, long samples) {
    return ClientRuntime.await(uploadAsync(values, samples), callTimeout);
  }

  @Override
  public String toString() {
    return "Task[job " + binding.jobId() + " round " + binding.round() + "]";
  }
}
