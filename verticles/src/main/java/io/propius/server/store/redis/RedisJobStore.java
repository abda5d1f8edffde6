package io.propius.server.store.redis;

import io.netty.channel.EventLoop;
import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.grpc.JobState;
import io.propius.policy.med.plan.DataWork;
import io.propius.server.config.StoreOptions;
import io.propius.server.metrics.PropiusMetrics.StoreCall;
import io.propius.server.metrics.PropiusMetrics.StoreOutcome;
import io.propius.server.metrics.PropiusMetrics;
import io.propius.server.scheduler.SchedulerLease;
import io.propius.server.store.Admission;
import io.propius.server.store.AdmissionLimits;
import io.propius.server.store.Confirmation;
import io.propius.server.store.ExpiredLease;
import io.propius.server.store.Job;
import io.propius.server.store.JobChange;
import io.propius.server.store.JobSpec;
import io.propius.server.store.JobStore;
import io.propius.server.store.JobTransitions;
import io.propius.server.store.OfferClaim;
import io.propius.server.store.Reservation;
import io.propius.server.store.RoundQuota;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The job store in Redis, shared by every server process pointed at it. Reservation, confirmation
 * and lease expiry (the hot path) are Lua scripts that apply the rules in one atomic step, each
 * script call over many items: the reservations (confirmations) that arrive while earlier ones are
 * on their way leave together ({@link ScriptBatcher}), each answered on its own; the rare
 * job-level operations read the job, apply {@link JobTransitions} here, and write the changed fields
 * back with a compare-and-set on the job's version, retrying on a conflict, so the state machine is
 * written once. Registration checks the admission limits against counters kept in Redis in the same
 * script that takes the new id. Every call is asynchronous, pipelined over a few connections
 * ({@link RedisConnections}); a Redis that cannot be reached makes calls fail fast with UNAVAILABLE
 * ({@link RedisFailures}), and the connections are made again by themselves when it is back.
 */
public final class RedisJobStore implements JobStore {
  /** A round's planner outlives any round by far; the key then vanishes without a purge. */
  private static final long ROUND_PLAN_TTL_MS = 7L * 24 * 3_600_000;
  /** Compare-and-set attempts before a job-level operation gives up (only under extreme contention). */
  private static final int MAX_ATTEMPTS = 64;
  /** Leases expired or ended jobs purged per script call, to keep each call short. */
  private static final int BATCH = 1_000;
  /** At start a first connection (and a JVM still warming up) may take longer than a command should. */
  private static final long CONNECT_TIMEOUT_MS = 10_000;
  private static final int MAX_REMEMBERED = 100_000;

  private final VertxInternal vertx;
  private final RedisConnections redis;
  private final StoreOptions options;
  /** The hot path's batches and connection of each event loop that calls it. */
  private final Map<EventLoop, Lane> lanes = new ConcurrentHashMap<>();
  private final RedisKeys keys;
  private final Map<Long, Job> fixedFields = new ConcurrentHashMap<>();
  private final PropiusMetrics metrics;
  private final long timeoutMs;
  /** The Redis URI without its password, for messages. */
  private final String where;

  /** A store on the Redis the options name; it connects on {@link #open()}. */
  public RedisJobStore(Vertx vertx, StoreOptions options, PropiusMetrics metrics) {
    this.vertx = (VertxInternal) vertx;
    int loops = 0;
    for (var ignored : this.vertx.nettyEventLoopGroup()) {
      loops++;
    }
    this.redis = new RedisConnections(vertx, options.getRedisUri(), options.getPoolSize(), loops,
        options.getMaxPipelined());
    this.options = options;
    this.keys = new RedisKeys(options.getKeyPrefix());
    this.metrics = metrics;
    this.timeoutMs = options.getTimeoutMs();
    this.where = options.redisUriForDisplay();
  }

  /**
   * The hot path of one event loop: its reservations and confirmations are batched among
   * themselves and go to Redis over the loop's own connection, so a device handler's call, its
   * batch's reply and its answer all stay on the loop's thread (no hand-over to another loop, and
   * the handler's state is only ever touched by its own thread).
   */
  private final class Lane {
    final RedisConnections.Link link = redis.link();
    // One batch of each kind in flight on the loop's one connection: what arrives meanwhile leaves
    // together in the next. Measured against four in flight (closed-loop peak, quiet machine, two
    // runs each): 9,061 and 8,601 bindings/s against 8,584 and 7,720, with a third fewer context switches.
    final ScriptBatcher<ReserveItem, Reservation> reservations = new ScriptBatcher<>(
        items -> reserveBatch(link, items), options.getMaxBatch(), 1,
        metrics.storeBatchSize(StoreCall.RESERVE));
    final ScriptBatcher<ConfirmItem, Confirmation> confirmations = new ScriptBatcher<>(
        items -> confirmBatch(link, items), options.getMaxBatch(), 1,
        metrics.storeBatchSize(StoreCall.CONFIRM));
  }

  /** The lane of the caller's event loop. */
  private Lane lane(ContextInternal caller) {
    return lanes.computeIfAbsent(caller.nettyEventLoop(), loop -> new Lane());
  }

  /**
   * Connects, checks the credentials and loads the scripts.
   *
   * @return a failed future with one line naming the Redis (password masked) and what went wrong
   */
  @Override
  public Future<Void> open() {
    Future<Void> loaded = Future.succeededFuture();
    for (RedisScript script : RedisScript.values()) {
      loaded = loaded.compose(v -> call(StoreCall.CONNECT, redis.shared().send(Request.cmd(Command.SCRIPT).arg("LOAD")
              .arg(script.source), Math.max(timeoutMs, CONNECT_TIMEOUT_MS)))
          .compose(sha -> script.sha.equals(sha.toString()) ? Future.<Void>succeededFuture()
              : Future.failedFuture("Redis knows script " + script + " by another SHA-1")));
    }
    return loaded.recover(err -> Future.failedFuture(new IllegalStateException(
        "cannot use the Redis job store at " + where + ": " + RedisFailures.reason(err))));
  }

  @Override
  public Future<Job> register(JobSpec spec, AdmissionLimits limits, long now) {
    List<String> args = new ArrayList<>(List.of(Integer.toString(limits.maxActiveJobs()),
        Long.toString(limits.maxActiveDemand()), Long.toString(limits.maxActiveDemandPerTenant()), spec.tenant(),
        Integer.toString(spec.estDemand()), keys.jobPrefix(), Integer.toString(limits.maxTenantJobs())));
    JobHash.fields(JobTransitions.register(0, spec, now)).forEach((k, v) -> {
      args.add(k);
      args.add(v);
    });
    return eval(StoreCall.REGISTER, RedisScript.REGISTER, List.of(keys.ids(), keys.admission(), keys.live()), args)
        .compose(r -> {
          if (r.get(0).toInteger() == 0) {
            String denied = Admission.check(limits, spec, r.get(1).toInteger(), r.get(2).toLong(), r.get(3).toLong(),
                r.get(4).toInteger());
            return Future.failedFuture(new PropiusException(ErrorCode.ADMISSION_DENIED,
                denied != null ? denied : "the admission limits are reached"));
          }
          return Future.succeededFuture(JobTransitions.register(r.get(1).toLong(), spec, now));
        });
  }

  @Override
  public Future<Job> get(long jobId) {
    return read(jobId).compose(v -> v == null ? notFound(jobId) : Future.succeededFuture(v.job()));
  }

  private Future<JobHash.Versioned> read(long jobId) {
    return send(StoreCall.READ, Request.cmd(Command.HGETALL).arg(keys.job(jobId))).map(JobHash::decode)
        .map(v -> {
          if (v != null) {
            remember(v.job());
          }
          return v;
        });
  }

  @Override
  public Future<List<Job>> listLive() {
    return send(StoreCall.LIST, Request.cmd(Command.SMEMBERS).arg(keys.live())).compose(ids -> {
      if (ids.size() == 0) {
        return Future.succeededFuture(List.of());
      }
      // One pipelined batch on one connection: a round trip for all the jobs, not one each.
      List<Request> reads = new ArrayList<>(ids.size());
      for (Response id : ids) {
        reads.add(Request.cmd(Command.HGETALL).arg(keys.job(id.toLong())));
      }
      return call(StoreCall.LIST, redis.shared().batch(reads, timeoutMs)).map(hashes -> {
        List<Job> live = new ArrayList<>(hashes.size());
        for (Response hash : hashes) {
          JobHash.Versioned v = JobHash.decode(hash);
          if (v != null && v.job().isLive()) {
            live.add(v.job());
          }
        }
        live.sort(Job.BY_PRIORITY);
        return live;
      });
    });
  }

  @Override
  public Future<JobChange> requestRound(long jobId, int demand, DataWork dataWork, int expectedRound, long now,
                                        Function<String, RoundQuota> quotas) {
    return update(jobId, j -> JobTransitions.requestRound(j, demand, dataWork, expectedRound, now), quotas, 1);
  }

  @Override
  public Future<JobChange> endRound(long jobId, int expectedRound, long now) {
    return update(jobId, j -> JobTransitions.endRound(JobTransitions.requireLive(j), expectedRound, now), 1);
  }

  @Override
  public Future<JobChange> finish(long jobId, long now) {
    return update(jobId, j -> j.state() == JobState.FINISHED ? j
        : JobTransitions.finish(JobTransitions.requireLive(j), now), 1);
  }

  @Override
  public Future<JobChange> cancel(long jobId, String reason, long now) {
    return update(jobId, j -> JobTransitions.cancel(JobTransitions.requireLive(j), reason, now), 1);
  }

  @Override
  public Future<Job> heartbeat(long jobId, long now) {
    return update(jobId, j -> JobTransitions.heard(JobTransitions.requireLive(j), now), 1).map(JobChange::after);
  }

  /**
   * Read, transition, compare-and-set. A transition that changes nothing (a retried call) writes
   * nothing. The round's bindings go when a new round opens or the job expires.
   */
  private Future<JobChange> update(long jobId, UnaryOperator<Job> transition, int attempt) {
    return update(jobId, transition, tenant -> RoundQuota.NONE, attempt);
  }

  /**
   * The same, with the tenant's quota on open demand: the job's own limits are checked here, the
   * tenant-wide sum inside the script, atomically with the write.
   */
  private Future<JobChange> update(long jobId, UnaryOperator<Job> transition,
                                   Function<String, RoundQuota> quotas, int attempt) {
    return read(jobId).compose(read -> {
      if (read == null) {
        return notFound(jobId);
      }
      Job before = read.job();
      Job after;
      try {
        after = transition.apply(before);
      } catch (PropiusException e) {
        return Future.failedFuture(e);
      }
      RoundQuota quota = quotas.apply(after.tenant());
      long openDelta = RoundQuota.openDemand(after) - RoundQuota.openDemand(before);
      try {
        quota.check(before, after, 0);
      } catch (PropiusException e) {
        return Future.failedFuture(e);
      }
      Map<String, String> changed = JobHash.changed(before, after);
      if (changed.isEmpty()) {
        return Future.succeededFuture(new JobChange(before, after));
      }
      boolean clearBindings = after.round() != before.round()
          || (after.state() == JobState.EXPIRED && before.state() != JobState.EXPIRED);
      boolean ended = before.isLive() && !after.isLive();
      List<String> args = new ArrayList<>(List.of(read.version(), clearBindings ? "1" : "0", ended ? "1" : "0",
          after.tenant(), Integer.toString(after.estDemand()), Long.toString(jobId),
          Long.toString(after.lastHeartbeat()), Long.toString(openDelta), Long.toString(quota.maxOpenDemand())));
      changed.forEach((k, v) -> {
        args.add(k);
        args.add(v);
      });
      return eval(StoreCall.UPDATE, RedisScript.UPDATE, List.of(keys.job(jobId), keys.bound(jobId), keys.live(),
          keys.admission(), keys.ended()), args).compose(r -> switch (r.toInteger()) {
            case 1 -> Future.succeededFuture(new JobChange(before, after));
            case -1 -> notFound(jobId);
            case -2 -> send(StoreCall.READ, Request.cmd(Command.HGET).arg(keys.admission()).arg("open:" + after.tenant()))
                .compose(open -> Future.failedFuture(quota.denied(after.tenant(), open == null ? 0 : open.toLong(),
                    openDelta)));
            default -> attempt < MAX_ATTEMPTS ? update(jobId, transition, quotas, attempt + 1)
                : Future.failedFuture(new PropiusException(ErrorCode.UNAVAILABLE, "job " + jobId
                + " changed concurrently " + MAX_ATTEMPTS + " times in a row; retry", RedisFailures.RETRY_AFTER_MS));
          });
    });
  }

  @Override
  public Future<Reservation> reserve(long jobId, int round, String deviceId, long now, long leaseUntil) {
    ContextInternal caller = vertx.getOrCreateContext();
    return lane(caller).reservations.submit(new ReserveItem(jobId, round, deviceId, now, leaseUntil,
        fixedFields.get(jobId)), caller);
  }

  /** One reservation of a batch, with its job's fixed fields if known (else it asks for the whole hash). */
  private record ReserveItem(long jobId, int round, String deviceId, long now, long leaseUntil, Job known) {
  }

  /** Runs reserve.lua over a batch of reservations: one answer per item, in order. */
  private Future<List<Future<Reservation>>> reserveBatch(RedisConnections.Link link, List<ReserveItem> items) {
    Request evalsha = batchCall(RedisScript.RESERVE);
    for (ReserveItem item : items) {
      evalsha.arg(item.jobId()).arg(item.round()).arg(item.deviceId()).arg(item.now()).arg(item.leaseUntil())
          .arg(item.known() == null ? "1" : "0");
    }
    return eval(StoreCall.RESERVE, RedisScript.RESERVE, link, evalsha).map(reply -> reservations(items, reply));
  }

  /**
   * The items' reservations from the script's answers. Only the first answer of each job carries
   * the job as that item found it; a later item of the same job found it as the one before left it
   * (the script ran them one after the other, and nothing else wrote the job meanwhile).
   */
  private List<Future<Reservation>> reservations(List<ReserveItem> items, Response reply) {
    List<Future<Reservation>> answers = new ArrayList<>(items.size());
    Map<Long, Job> leftAs = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      ReserveItem item = items.get(i);
      Response r = reply.get(i);
      String answer = r.get(0).toString();
      if ("ERROR".equals(answer)) {
        answers.add(Future.failedFuture(itemError(r)));
        continue;
      }
      Reservation.Outcome outcome = Reservation.Outcome.valueOf(answer);
      if (outcome == Reservation.Outcome.UNKNOWN_JOB) {
        answers.add(Future.succeededFuture(new Reservation(outcome, null, 0, false)));
        continue;
      }
      Job before = r.size() > 2 ? found(item.known(), r.get(2)) : leftAs.get(item.jobId());
      if (before == null) {
        // The known job is gone (Redis data wiped, id used again): read the job as it is now.
        answers.add(get(item.jobId()).map(this::remember).map(current -> new Reservation(outcome, current,
            outcome == Reservation.Outcome.BOUND ? item.leaseUntil() : 0, false)));
        continue;
      }
      Reservation reservation = switch (outcome) {
        case BOUND -> {
          // The script made exactly this change to the job as the item found it.
          Job after = JobTransitions.bind(before, item.now());
          yield new Reservation(outcome, after, item.leaseUntil(), after.state() == JobState.FILLED);
        }
        case ALREADY_BOUND -> new Reservation(outcome, before, r.get(1).toLong(), false);
        default -> new Reservation(outcome, before, 0, false);
      };
      leftAs.put(item.jobId(), reservation.job());
      answers.add(Future.succeededFuture(reservation));
    }
    return answers;
  }

  /**
   * The job in a script's answer: its changing fields over the known fixed ones, or the whole hash;
   * null when it is not the known job.
   */
  private Job found(Job known, Response job) {
    return known == null ? remember(JobHash.decode(job).job()) : JobHash.withChanging(known, job);
  }

  @Override
  public Future<Boolean> claimRoundPlan(long jobId, int round, String planner, long now) {
    return eval(StoreCall.CLAIM_ROUND_PLAN, RedisScript.CLAIM_ROUND_PLAN,
        List.of(keys.job(jobId), keys.roundPlanner(jobId, round)),
        List.of(Integer.toString(round), planner, Long.toString(ROUND_PLAN_TTL_MS))).map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<List<String>> claimOffers(OfferClaim claim, long now) {
    List<String> args = new ArrayList<>(6 + 2 * claim.released().size() + claim.devices().size());
    // The offers' key outlives them by a minute, so a round's offers vanish without a purge.
    long ttl = Math.max(1, claim.expiresAt() - now) + 60_000;
    args.addAll(List.of(Integer.toString(claim.round()), Long.toString(now), Long.toString(claim.expiresAt()),
        Double.toString(claim.overOffer()), Long.toString(ttl), Integer.toString(claim.released().size())));
    claim.released().forEach((device, expiresAt) -> {
      args.add(device);
      args.add(Long.toString(expiresAt));
    });
    args.addAll(claim.devices());
    return eval(StoreCall.CLAIM_OFFERS, RedisScript.CLAIM_OFFERS, List.of(keys.job(claim.jobId()),
        keys.bound(claim.jobId()), keys.offers(claim.jobId(), claim.round())), args).map(r -> {
          List<String> granted = new ArrayList<>(r.size());
          r.forEach(device -> granted.add(device.toString()));
          return granted;
        });
  }

  /**
   * Keeps a job's fixed fields (tenant, constraints, addresses, …) for the hot path, which then
   * reads only the changing ones (and the registration time, which catches an id reused after the
   * Redis data was wiped). An entry is unused once its job is purged; the bound keeps memory flat.
   */
  private Job remember(Job job) {
    if (fixedFields.size() >= MAX_REMEMBERED) {
      fixedFields.clear();
    }
    fixedFields.put(job.id(), job);
    return job;
  }

  @Override
  public Future<Confirmation> confirm(long jobId, int round, String deviceId, long now) {
    ContextInternal caller = vertx.getOrCreateContext();
    return lane(caller).confirmations.submit(new ConfirmItem(jobId, round, deviceId, now, fixedFields.get(jobId)),
        caller);
  }

  /** One confirmation of a batch; {@code known} as for {@link ReserveItem}. */
  private record ConfirmItem(long jobId, int round, String deviceId, long now, Job known) {
  }

  /** Runs confirm.lua over a batch of confirmations: one answer per item, in order. */
  private Future<List<Future<Confirmation>>> confirmBatch(RedisConnections.Link link, List<ConfirmItem> items) {
    Request evalsha = batchCall(RedisScript.CONFIRM);
    for (ConfirmItem item : items) {
      evalsha.arg(item.jobId()).arg(item.round()).arg(item.deviceId()).arg(item.now())
          .arg(item.known() == null ? "1" : "0");
    }
    return eval(StoreCall.CONFIRM, RedisScript.CONFIRM, link, evalsha).map(reply -> confirmations(items, reply));
  }

  /** The items' confirmations; a confirmation changes no job, so the script sends each job once. */
  private List<Future<Confirmation>> confirmations(List<ConfirmItem> items, Response reply) {
    List<Future<Confirmation>> answers = new ArrayList<>(items.size());
    Map<Long, Job> jobs = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      ConfirmItem item = items.get(i);
      Response r = reply.get(i);
      answers.add(switch (r.get(0).toString()) {
        case "NOT_FOUND" -> notFound(item.jobId());
        case "EXPIRED" -> Future.failedFuture(new PropiusException(ErrorCode.LEASE_EXPIRED, "device '"
            + item.deviceId() + "' holds no slot in round " + item.round() + " of job " + item.jobId()
            + ": its lease expired or the round moved on; check in again"));
        case "ERROR" -> Future.failedFuture(itemError(r));
        default -> {
          boolean newly = "1".equals(r.get(0).toString());
          Job job = r.size() > 1 ? found(item.known(), r.get(1)) : jobs.get(item.jobId());
          if (job == null) {
            // As for a reservation: the known job is gone, read it as it is now.
            yield get(item.jobId()).map(this::remember).map(current -> new Confirmation(current, newly));
          }
          jobs.put(item.jobId(), job);
          yield Future.succeededFuture(new Confirmation(job, newly));
        }
      });
    }
    return answers;
  }

  /**
   * A call of reserve.lua or confirm.lua with what they take before their items (the job key
   * prefix, the changing fields' names); the items' values are added as numbers and text, without
   * intermediate lists.
   */
  private Request batchCall(RedisScript script) {
    Request evalsha = evalsha(script, List.of(keys.leases())).arg(keys.jobPrefix()).arg(JobHash.CHANGING.size());
    JobHash.CHANGING.forEach(evalsha::arg);
    return evalsha;
  }

  /** An item the batch script could not run (a key of the wrong type): this item fails, not its batch. */
  private static PropiusException itemError(Response item) {
    return new PropiusException(ErrorCode.INTERNAL, "job store error: " + item.get(1));
  }

  @Override
  public Future<List<ExpiredLease>> expireLeases(long now) {
    return expireLeases(now, new ArrayList<>());
  }

  private Future<List<ExpiredLease>> expireLeases(long now, List<ExpiredLease> expired) {
    return eval(StoreCall.EXPIRE_LEASES, RedisScript.EXPIRE_LEASES, List.of(keys.leases()),
        List.of(Long.toString(now), keys.jobPrefix(), Integer.toString(BATCH))).compose(r -> {
          for (Response lease : r) {
            expired.add(new ExpiredLease(lease.get(0).toLong(), lease.get(1).toInteger(), lease.get(2).toString(),
                JobHash.decode(lease.get(3)).job()));
          }
          return r.size() == BATCH ? expireLeases(now, expired) : Future.succeededFuture(expired);
        });
  }

  @Override
  public Future<List<Job>> expireSilentJobs(long silentSince, long now) {
    return listLive().compose(live -> {
      List<Future<JobChange>> changes = new ArrayList<>();
      for (Job job : live) {
        if (job.lastHeartbeat() < silentSince) {
          // Decided again on the fresh read inside the update: a heartbeat may have come in since.
          changes.add(update(job.id(), j -> j.isLive() && j.lastHeartbeat() < silentSince
              ? JobTransitions.expire(j, now) : j, 1).recover(err -> err instanceof PropiusException p
              && p.code() == ErrorCode.NOT_FOUND ? Future.succeededFuture(null) : Future.failedFuture(err)));
        }
      }
      return Future.join(changes).map(all -> {
        List<Job> expired = new ArrayList<>();
        for (JobChange change : all.<JobChange>list()) {
          if (change != null && change.before().isLive() && change.after().state() == JobState.EXPIRED) {
            expired.add(change.after());
          }
        }
        return expired;
      });
    });
  }

  @Override
  public Future<Integer> purgeEnded(long endedBefore) {
    return eval(StoreCall.PURGE, RedisScript.PURGE_ENDED, List.of(keys.ended()),
        List.of(Long.toString(endedBefore), keys.jobPrefix(), Integer.toString(BATCH))).compose(r -> {
          int purged = r.toInteger();
          return purged == BATCH ? purgeEnded(endedBefore).map(more -> purged + more) : Future.succeededFuture(purged);
        });
  }

  @Override
  public Future<Void> setScores(Map<Long, Double> scores) {
    return setScores(scores, 0);
  }

  @Override
  public Future<Void> setScores(Map<Long, Double> scores, long fencingToken) {
    if (scores.isEmpty()) {
      return Future.succeededFuture();
    }
    List<String> args = new ArrayList<>(2 + 2 * scores.size());
    args.add(Long.toString(fencingToken));
    args.add(keys.jobPrefix());
    scores.forEach((id, score) -> {
      args.add(Long.toString(id));
      args.add(Double.toString(score));
    });
    return eval(StoreCall.SET_SCORES, RedisScript.SET_SCORES, List.of(keys.live(), keys.schedulerLease()), args)
        .compose(r -> r.toInteger() == 0 ? Future.<Void>succeededFuture() : Future.failedFuture(new PropiusException(
            ErrorCode.FAILED_PRECONDITION, "the scheduler lease with fencing token " + fencingToken
            + " is lost: scores not written")));
  }

  /** The scheduler lease of the deployment on this Redis (cluster mode). */
  public SchedulerLease schedulerLease() {
    return new RedisSchedulerLease(this, keys);
  }

  @Override
  public Future<Void> close() {
    return redis.close();
  }

  /** Runs a script by its SHA-1, loading it again if Redis lost it (a restart, SCRIPT FLUSH). */
  Future<Response> eval(StoreCall call, RedisScript script, List<String> keyNames, List<String> args) {
    Request evalsha = evalsha(script, keyNames);
    args.forEach(evalsha::arg);
    return eval(call, script, redis.shared(), evalsha);
  }

  private Future<Response> eval(StoreCall call, RedisScript script, RedisConnections.Link link, Request evalsha) {
    return call(call, link.send(evalsha, timeoutMs).recover(err -> {
      if (!RedisFailures.isNoScript(err)) {
        return Future.failedFuture(err);
      }
      return link.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script.source), timeoutMs)
          .compose(v -> link.send(evalsha, timeoutMs));
    }));
  }

  /** EVALSHA of the script with its keys; the arguments follow. */
  private static Request evalsha(RedisScript script, List<String> keyNames) {
    Request evalsha = Request.cmd(Command.EVALSHA).arg(script.sha).arg(keyNames.size());
    keyNames.forEach(evalsha::arg);
    return evalsha;
  }

  Future<Response> send(StoreCall call, Request request) {
    return call(call, redis.shared().send(request, timeoutMs));
  }

  /** Turns failures into Propius errors and records the call; for every call. */
  private <T> Future<T> call(StoreCall call, Future<T> pending) {
    long started = System.nanoTime();
    return pending.recover(err -> Future.failedFuture(RedisFailures.toPropius(err)))
        .onComplete(ar -> metrics.storeCall(call, ar.succeeded() ? StoreOutcome.OK
            : ((PropiusException) ar.cause()).code() == ErrorCode.UNAVAILABLE ? StoreOutcome.UNAVAILABLE
            : StoreOutcome.ERROR, System.nanoTime() - started));
  }

  private static <T> Future<T> notFound(long jobId) {
    return Future.failedFuture(new PropiusException(ErrorCode.NOT_FOUND, "no job " + jobId));
  }
}
