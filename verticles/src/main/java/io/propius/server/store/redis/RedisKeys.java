package io.propius.server.store.redis;

/**
 * The store's key names, all under one configurable prefix so that deployments sharing a Redis
 * never touch each other's keys. The Lua scripts build a job's keys from {@link #jobPrefix()} the
 * same way ({@code <prefix>job:<id>}, {@code <prefix>job:<id>:bound}).
 */
record RedisKeys(String prefix) {
  /** Counter of job ids (INCR): ids never restart while the Redis keeps its data. */
  String ids() {
    return prefix + "ids";
  }

  /** Hash of admission counters: {@code jobs}, {@code demand}, {@code tenant:<name>} over live jobs. */
  String admission() {
    return prefix + "admission";
  }

  /** Set of live job ids. */
  String live() {
    return prefix + "live";
  }

  /** Sorted set of ended (finished, expired) job ids by end time, for purging. */
  String ended() {
    return prefix + "ended";
  }

  /** Sorted set of unconfirmed bindings ({@code <job>:<round>:<device>}) by lease deadline. */
  String leases() {
    return prefix + "leases";
  }

  /** String {@code <token>|<node id>} with a time to live: which node's scheduler decides. */
  String schedulerLease() {
    return prefix + "scheduler:lease";
  }

  /** Counter of scheduler fencing tokens (INCR): each new lease holder gets a larger one. */
  String schedulerFence() {
    return prefix + "scheduler:fence";
  }

  String jobPrefix() {
    return prefix + "job:";
  }

  /** Hash of a job's fields. */
  String job(long id) {
    return jobPrefix() + id;
  }

  /** Hash of the current round's bindings: device id → lease deadline, 0 once confirmed. */
  String bound(long id) {
    return job(id) + ":bound";
  }

  /** Sorted set of a round's small-batch offers not yet bound: device id → expiry; expires itself. */
  String offers(long id, int round) {
    return job(id) + ":offers:" + round;
  }

  /** The client manager instance planning a round's data work; expires itself. */
  String roundPlanner(long id, int round) {
    return job(id) + ":planner:" + round;
  }
}
