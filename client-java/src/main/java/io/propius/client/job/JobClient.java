package io.propius.client.job;

import io.propius.api.ErrorCode;
import io.propius.api.grpc.DataWork;
import io.propius.api.grpc.EndRoundRequest;
import io.propius.api.grpc.EndRoundResponse;
import io.propius.api.grpc.FinishJobRequest;
import io.propius.api.grpc.FinishJobResponse;
import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.HeartbeatRequest;
import io.propius.api.grpc.JobEvent;
import io.propius.api.grpc.JobState;
import io.propius.api.grpc.JobStatus;
import io.propius.api.grpc.RegisterJobResponse;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.api.round.RoundSpec;
import io.propius.client.PropiusClientException;
import io.propius.client.dataplane.Aggregate;
import io.propius.api.tls.TlsOptions;
import io.propius.client.dataplane.DataPlaneClient;
import io.propius.client.runtime.ClientRuntime;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A federated-learning job's connection to Propius: register, then per round request devices,
 * publish the round's plan to the data plane, wait for the round to fill and for the aggregate,
 * end the round; finally finish.
 *
 * <p>Every operation comes in two styles (the Axon argument of the thesis, §2.4.4): a blocking
 * method for plain programs ({@code requestRound(10)}) and an {@code *Async} method returning a
 * Vert.x {@link Future} for event-loop programs ({@code requestRoundAsync(10)}; use
 * {@code toCompletionStage()} to get a {@code CompletionStage}). Failures are
 * {@link PropiusClientException}s carrying the server's error code.
 *
 * <p>After registering, the client heartbeats in the background and watches the job's events
 * (see {@link #addListener}, {@link #awaitEvent}). When the connection drops it reconnects with
 * back-off and re-issues the watch; the first event after that is a WATCH_STARTED with the
 * job's current state. Idempotent calls (request round, end round, heartbeat, status) are
 * retried across a drop; the client names the round it opens, so nothing is counted twice.
 */
public final class JobClient implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(JobClient.class.getName());
  private static final int HISTORY = 4096;

  private final JobClientOptions options;
  private final ClientRuntime runtime;
  private final Context context;
  private final JobTransport transport;
  private final DataPlaneClient dataPlane;
  private final List<JobEventListener> listeners = new CopyOnWriteArrayList<>();

  // Touched only on `context`.
  private final ArrayDeque<JobEvent> history = new ArrayDeque<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private long heartbeatTimer = -1;
  private int watchAttempt;
  private boolean ended;

  private volatile long jobId;
  private volatile int round;
  private volatile int reconnects;
  private volatile boolean closed;

  private record Waiter(Predicate<JobEvent> predicate, Promise<JobEvent> promise, long timer) {
  }

  private JobClient(JobClientOptions options) {
    this.options = options;
    this.runtime = ClientRuntime.of(options.vertx());
    Vertx vertx = runtime.vertx();
    this.context = vertx.getOrCreateContext();
    this.transport = options.transport() == JobTransportType.WEBSOCKET
        ? new WebSocketJobTransport(vertx, context, options.host(), options.port(), options.tls(), options.apiKey(),
            options.connectTimeoutMs(), options.maxMessageBytes())
        : new GrpcJobTransport(vertx, options.host(), options.port(), options.tls(), options.apiKey(),
            options.connectTimeoutMs());
    this.dataPlane = new DataPlaneClient(vertx, 8, options.tls() != null ? options.tls() : new TlsOptions());
  }

  /** A client for the job endpoint in {@code options}; it connects on the first call. */
  public static JobClient create(JobClientOptions options) {
    return new JobClient(options);
  }

  /** The registered job's id, 0 before {@link #register}. */
  public long jobId() {
    return jobId;
  }

  /** The last round this client opened, 0 before the first. */
  public int round() {
    return round;
  }

  /** How many times the event watch was re-established after a drop. */
  public int reconnects() {
    return reconnects;
  }

  /** Registers the job (admission control may refuse: ADMISSION_DENIED); starts heartbeats and the watch. */
  public Future<Long> registerAsync(JobSpec spec) {
    if (jobId != 0) {
      return Future.failedFuture(new PropiusClientException(ErrorCode.FAILED_PRECONDITION,
          "this client already registered job " + jobId));
    }
    return transport.call(JobCall.REGISTER, spec.toRequest()).compose(resp -> onContext(() -> {
      jobId = resp.getJobId();
      startHeartbeats(resp);
      return watch().transform(ar -> Future.succeededFuture(jobId));
    }));
  }

  /** Opens the next round asking for {@code demand} devices; returns its number. */
  public Future<Integer> requestRoundAsync(int demand) {
    return requestRoundAsync(demand, null);
  }

  /**
   * Opens the next round declaring the data work it wants done (total shards, shard and model
   * sizes, deadline): with the {@code med} policy its devices are offered shard counts that add up
   * to the total; {@code demand} is the most devices the round may use. Null work: by demand only.
   */
  public Future<Integer> requestRoundAsync(int demand, DataWork work) {
    int next = round + 1;
    RequestRoundRequest.Builder request = RequestRoundRequest.newBuilder().setDemand(demand).setRound(next);
    if (work != null) {
      request.setDataWork(work);
    }
    return requireJob().compose(job -> retrying(JobCall.REQUEST_ROUND.name(), () -> transport.call(JobCall.REQUEST_ROUND,
        request.setJobId(job).build()))).map(resp -> round = resp.getRound());
  }

  /**
   * Puts the round's spec and plan at the data-plane root, where bound devices fetch the plan;
   * both are idempotent, so this is retried across a dropped connection.
   */
  public Future<Void> publishRoundAsync(int round, RoundSpec spec, Buffer plan) {
    String url = options.dataPlaneUrl();
    return requireJob().compose(job -> retrying("publish round", () ->
        dataPlane.putRoundSpec(url, options.apiKey(), job, round, spec)
            .compose(v -> dataPlane.putPlan(url, options.apiKey(), job, round, plan))));
  }

  /** Waits until {@code round} has all its devices (seen as ROUND_FILLED, or in the state after a reconnect). */
  public Future<JobEvent> awaitRoundFilledAsync(int round, Duration timeout) {
    return awaitEventAsync(e -> e.getRound() == round && (e.getType() == JobEvent.Type.ROUND_FILLED
        || e.getType() == JobEvent.Type.WATCH_STARTED && e.getState() == JobState.FILLED), timeout);
  }

  /**
   * The first event, received since registration, that matches; waits up to {@code timeout}
   * (failing with UNAVAILABLE) when none has arrived yet. The client keeps the last
   * {@value #HISTORY} events, so an event that came before the call is found.
   */
  public Future<JobEvent> awaitEventAsync(Predicate<JobEvent> predicate, Duration timeout) {
    return onContext(() -> {
      for (JobEvent e : history) {
        if (predicate.test(e)) {
          return Future.succeededFuture(e);
        }
      }
      Promise<JobEvent> promise = Promise.promise();
      long timer = runtime.vertx().setTimer(Math.max(1, timeout.toMillis()), t -> {
        waiters.removeIf(w -> w.promise == promise);
        promise.tryFail(new PropiusClientException(ErrorCode.UNAVAILABLE, "no matching event of job " + jobId
            + " within " + timeout.toMillis() + " ms"));
      });
      waiters.add(new Waiter(predicate, promise, timer));
      return promise.future();
    });
  }

  /** The root's current aggregate of {@code round}; empty while no result reached it. */
  public Future<Optional<Aggregate>> fetchAggregateAsync(int round) {
    return requireJob().compose(job -> dataPlane.getAggregate(options.dataPlaneUrl(), options.apiKey(), job, round));
  }

  /**
   * Waits for the root to report the round's aggregate ready (AGGREGATE_READY: the target was
   * reached or a sync round's deadline passed) or for {@code maxWait}, then fetches it. Check
   * {@link Aggregate#complete()}; empty if no result reached the root.
   */
  public Future<Optional<Aggregate>> awaitAggregateAsync(int round, Duration maxWait) {
    return awaitEventAsync(e -> e.getType() == JobEvent.Type.AGGREGATE_READY && e.getRound() == round, maxWait)
        .transform(ready -> fetchAggregateAsync(round));
  }

  /** Ends the round's request (bound devices keep their tasks); returns how many were bound. */
  public Future<EndRoundResponse> endRoundAsync(int round) {
    return requireJob().compose(job -> retrying(JobCall.END_ROUND.name(), () -> transport.call(JobCall.END_ROUND,
        EndRoundRequest.newBuilder().setJobId(job).setRound(round).build())));
  }

  /** The job's state on the server (the paper's Table 2). */
  public Future<JobStatus> statusAsync() {
    return requireJob().compose(job -> retrying(JobCall.GET_JOB.name(), () -> transport.call(JobCall.GET_JOB,
        GetJobRequest.newBuilder().setJobId(job).build())));
  }

  /** Finishes the job; stops heartbeats and the watch. */
  public Future<FinishJobResponse> finishAsync() {
    return requireJob().compose(job -> transport.call(JobCall.FINISH, FinishJobRequest.newBuilder().setJobId(job).build()))
        .compose(resp -> onContext(() -> {
          stopBackground();
          return Future.succeededFuture(resp);
        }));
  }

  /** Adds a listener for every later event (see {@link JobEventListener} for the thread it runs on). */
  public JobClient addListener(JobEventListener listener) {
    listeners.add(listener);
    return this;
  }

  // ---- blocking style ----

  /** Blocking {@link #registerAsync}. */
  public long register(JobSpec spec) {
    return await(registerAsync(spec));
  }

  /** Blocking {@link #requestRoundAsync}. */
  public int requestRound(int demand) {
    return await(requestRoundAsync(demand));
  }

  /** Blocking {@link #requestRoundAsync(int, DataWork)}. */
  public int requestRound(int demand, DataWork work) {
    return await(requestRoundAsync(demand, work));
  }

  /** Blocking {@link #publishRoundAsync}. */
  public void publishRound(int round, RoundSpec spec, byte[] plan) {
    await(publishRoundAsync(round, spec, Buffer.buffer(plan)));
  }

  /** Blocking {@link #awaitRoundFilledAsync}. */
  public JobEvent awaitRoundFilled(int round, Duration timeout) {
    return ClientRuntime.await(awaitRoundFilledAsync(round, timeout), timeout.plusSeconds(5));
  }

  /** Blocking {@link #awaitEventAsync}. */
  public JobEvent awaitEvent(Predicate<JobEvent> predicate, Duration timeout) {
    return ClientRuntime.await(awaitEventAsync(predicate, timeout), timeout.plusSeconds(5));
  }

  /** Blocking {@link #fetchAggregateAsync}. */
  public Optional<Aggregate> fetchAggregate(int round) {
    return await(fetchAggregateAsync(round));
  }

  /** Blocking {@link #awaitAggregateAsync}. */
  public Optional<Aggregate> awaitAggregate(int round, Duration maxWait) {
    return ClientRuntime.await(awaitAggregateAsync(round, maxWait), maxWait.plus(options.callTimeout()));
  }

  /** Blocking {@link #endRoundAsync}. */
  public EndRoundResponse endRound(int round) {
    return await(endRoundAsync(round));
  }

  /** Blocking {@link #statusAsync}. */
  public JobStatus status() {
    return await(statusAsync());
  }

  /** Blocking {@link #finishAsync}. */
  public FinishJobResponse finish() {
    return await(finishAsync());
  }

  private <T> T await(Future<T> future) {
    return ClientRuntime.await(future, options.callTimeout());
  }

  // ---- internals ----

  private Future<Long> requireJob() {
    long job = jobId;
    if (closed) {
      return Future.failedFuture(new PropiusClientException(ErrorCode.FAILED_PRECONDITION, "job client is closed"));
    }
    return job == 0 ? Future.failedFuture(new PropiusClientException(ErrorCode.FAILED_PRECONDITION,
        "register the job first")) : Future.succeededFuture(job);
  }

  /**
   * Retries a call that failed for want of a connection (or that the server asked to retry), with
   * back-off, until the call timeout.
   */
  private <T> Future<T> retrying(String what, Supplier<Future<T>> call) {
    long deadline = System.currentTimeMillis() + options.callTimeout().toMillis();
    return attempt(what, call, deadline, options.reconnectMinMs());
  }

  private <T> Future<T> attempt(String what, Supplier<Future<T>> call, long deadline, long delayMs) {
    return call.get().recover(err -> {
      if (closed || !(err instanceof PropiusClientException p) || !p.isRetryable()) {
        return Future.failedFuture(err);
      }
      // The server's hint (a store outage, say) is a floor: retrying sooner would only be refused again.
      long wait = Math.max(jitter(delayMs), p.retryAfterMs());
      if (System.currentTimeMillis() + wait > deadline) {
        return Future.failedFuture(err);
      }
      LOG.log(System.Logger.Level.DEBUG, "{0} failed ({1}), retrying in {2} ms", what, err.getMessage(), wait);
      return runtime.vertx().timer(wait)
          .compose(v -> attempt(what, call, deadline, Math.min(delayMs * 2, options.reconnectMaxMs())));
    });
  }

  private void startHeartbeats(RegisterJobResponse resp) {
    long interval = resp.getHeartbeatIntervalMs() > 0 ? resp.getHeartbeatIntervalMs()
        : Math.max(1000, resp.getHeartbeatTimeoutMs() / 3);
    heartbeatTimer = runtime.vertx().setPeriodic(interval, t -> transport.call(JobCall.HEARTBEAT,
            HeartbeatRequest.newBuilder().setJobId(jobId).build())
        .onFailure(err -> LOG.log(System.Logger.Level.DEBUG, "heartbeat of job {0} failed: {1}", jobId, err.getMessage())));
  }

  /** Starts (or restarts) the watch; on context. */
  private Future<JobEvent> watch() {
    if (ended || closed) {
      return Future.failedFuture(new PropiusClientException(ErrorCode.FAILED_PRECONDITION, "job has ended"));
    }
    return transport.watch(jobId, e -> context.runOnContext(v -> dispatch(e)),
            err -> context.runOnContext(v -> watchEnded(err)))
        .onComplete(ar -> context.runOnContext(v -> {
          if (ar.succeeded()) {
            watchAttempt = 0;
            dispatch(ar.result());
          } else if (ar.cause() instanceof PropiusClientException p && p.isRetryable()) {
            rewatchLater();
          } else {
            LOG.log(System.Logger.Level.WARNING, "cannot watch job {0}: {1}", jobId, ar.cause().getMessage());
          }
        }));
  }

  private void watchEnded(Throwable err) {
    if (ended || closed) {
      return;
    }
    LOG.log(System.Logger.Level.INFO, "event stream of job {0} dropped ({1}); reconnecting", jobId,
        err == null ? "ended by the server" : err.getMessage());
    rewatchLater();
  }

  private void rewatchLater() {
    if (ended || closed) {
      return;
    }
    long delay = Math.min(options.reconnectMaxMs(), options.reconnectMinMs() << Math.min(watchAttempt++, 16));
    runtime.vertx().setTimer(jitter(delay), t -> {
      if (!ended && !closed) {
        reconnects++;
        watch();
      }
    });
  }

  private static long jitter(long ms) {
    return Math.max(1, (long) (ms * (0.5 + ThreadLocalRandom.current().nextDouble())));
  }

  private void dispatch(JobEvent event) {
    if (event.getType() == JobEvent.Type.JOB_FINISHED || event.getType() == JobEvent.Type.JOB_EXPIRED
        || event.getType() == JobEvent.Type.WATCH_STARTED
        && (event.getState() == JobState.FINISHED || event.getState() == JobState.EXPIRED)) {
      stopBackground();
    }
    history.addLast(event);
    if (history.size() > HISTORY) {
      history.removeFirst();
    }
    for (int i = 0; i < waiters.size(); i++) {
      Waiter w = waiters.get(i);
      if (w.predicate.test(event)) {
        waiters.remove(i--);
        runtime.vertx().cancelTimer(w.timer);
        w.promise.tryComplete(event);
      }
    }
    for (JobEventListener l : listeners) {
      try {
        l.onEvent(event);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "job event listener failed", e);
      }
    }
  }

  private void stopBackground() {
    ended = true;
    if (heartbeatTimer >= 0) {
      runtime.vertx().cancelTimer(heartbeatTimer);
      heartbeatTimer = -1;
    }
  }

  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(result));
    return result.future();
  }

  /** Stops heartbeats and the watch and closes connections (does not finish the job). */
  public Future<Void> closeAsync() {
    closed = true;
    return onContext(() -> {
      stopBackground();
      return transport.close().transform(ar -> dataPlane.close()).transform(ar -> runtime.close());
    });
  }

  @Override
  public void close() {
    ClientRuntime.await(closeAsync(), Duration.ofSeconds(10));
  }
}
