package io.propius.policy.med.plan;

/**
 * The data work a job declares for one round instead of a bare device count: how many shards to
 * train, how large a shard and the model are, and how long a device has (confirm to upload).
 *
 * @param totalShards D_i, shards to train this round (at least 1)
 * @param shardBytes  α_i, bytes of one shard a device downloads (0 when the data lives on the device)
 * @param modelBytes  Ω_i, bytes of the model, downloaded and uploaded once per device
 * @param deadlineMs  T_i, the time a device has for its task
 */
public record DataWork(int totalShards, long shardBytes, long modelBytes, long deadlineMs) {
  /** Most shards one round may declare: far beyond any real round, low enough to keep sums in range. */
  public static final int MAX_SHARDS = 1_000_000;
  /** Largest shard or model a round may declare: 16 GiB. */
  public static final long MAX_BYTES = 1L << 34;
  /** Longest deadline: one day. */
  public static final long MAX_DEADLINE_MS = 86_400_000L;

  public DataWork {
    String problem = problem(totalShards, shardBytes, modelBytes, deadlineMs);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /** What is wrong with these values (null when nothing): the message a job gets back. */
  public static String problem(long totalShards, long shardBytes, long modelBytes, long deadlineMs) {
    if (totalShards < 1 || totalShards > MAX_SHARDS) {
      return "data work: total_shards must be between 1 and " + MAX_SHARDS + ", got " + totalShards;
    }
    if (shardBytes < 0 || shardBytes > MAX_BYTES) {
      return "data work: shard_bytes must be between 0 and " + MAX_BYTES + ", got " + shardBytes;
    }
    if (modelBytes < 0 || modelBytes > MAX_BYTES) {
      return "data work: model_bytes must be between 0 and " + MAX_BYTES + ", got " + modelBytes;
    }
    if (deadlineMs < 1 || deadlineMs > MAX_DEADLINE_MS) {
      return "data work: deadline_ms must be between 1 and " + MAX_DEADLINE_MS + ", got " + deadlineMs;
    }
    return null;
  }
}
