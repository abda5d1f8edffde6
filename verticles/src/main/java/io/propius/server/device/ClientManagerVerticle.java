package io.propius.server.device;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.token.TokenRejectedException;
import io.propius.api.device.AcceptRequest;
import io.propius.api.device.Attributes;
import io.propius.api.device.Binding;
import io.propius.api.device.CheckinRequest;
import io.propius.api.device.ConfirmRequest;
import io.propius.api.device.DeviceIds;
import io.propius.api.device.JsonFields;
import io.propius.api.device.Offer;
import io.propius.api.grpc.JobEvent;
import io.propius.api.token.OfferToken;
import io.propius.api.token.TaskToken;
import io.propius.api.token.TokenSigner;
import io.propius.server.bus.Addresses;
import io.propius.server.bus.GroupPlan;
import io.propius.server.bus.Inbox;
import io.propius.server.bus.ScheduleSnapshot;
import io.propius.server.bus.WindowStats;
import io.propius.server.config.DevicesOptions;
import io.propius.server.job.JobEvents;
import io.propius.server.metrics.PropiusMetrics.CheckinResult;
import io.propius.server.metrics.PropiusMetrics.RejectReason;
import io.propius.server.metrics.PropiusMetrics;
import io.propius.server.store.Job;
import io.propius.server.store.JobStore;
import io.propius.server.store.Reservation;
import io.propius.api.tls.Tls;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * The binding layer (paper §3.3): the device HTTP API. Check-ins are recorded in this instance's
 * sliding window and never touch the store; only accept (the atomic slot reservation) and confirm
 * do. In online mode a check-in is answered at once from the in-memory schedule snapshot; in
 * small-batch mode it is held until a job-group plan assigns the device (see
 * {@link SmallBatchBinder}). Several instances share the port.
 */
public final class ClientManagerVerticle extends VerticleBase {
  private static final String CHECKIN_PATH = "/v1/checkin";
  private static final String ACCEPT_PATH = "/v1/accept";
  private static final String CONFIRM_PATH = "/v1/confirm";
  /** Interned once: a header value Netty writes without encoding it again each time. */
  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  private final JobStore store;
  private final JobEvents events;
  private final TokenSigner signer;
  private final String taskAudience;
  private final CheckinLimiter limiter;
  private final DevicesOptions options;
  private final boolean smallBatch;
  private final PropiusMetrics metrics;
  private final LongSupplier clock;
  private final String instanceId = "cm-" + UUID.randomUUID().toString().substring(0, 8);
  private final OfferSelector offers = new OfferSelector();
  private final CheckinAnswer answers = new CheckinAnswer();
  private final BindingAnswer bindings = new BindingAnswer();
  private final SplittableRandom random = new SplittableRandom();
  private SlidingWindow window;
  private SmallBatchBinder batch;
  private long checkinsSinceReport;
  private long lastReportAt;
  private HttpServer server;

  /**
   * @param taskAudience the data-plane node(s) task tokens are for when the job names none (security.taskAudience)
   * @param limiter    check-in rate limits, shared by the instances
   * @param smallBatch hold check-ins for job-group plans (small-batch mode) instead of answering at once
   */
  public ClientManagerVerticle(JobStore store, JobEvents events, TokenSigner signer, String taskAudience,
                               DevicesOptions options, CheckinLimiter limiter, boolean smallBatch, PropiusMetrics metrics,
                               LongSupplier clock) {
    this.limiter = limiter;
    this.store = store;
    this.events = events;
    this.signer = signer;
    this.taskAudience = taskAudience;
    this.options = options;
    this.smallBatch = smallBatch;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    window = new SlidingWindow(options.getWindowCapacity(), options.getWindowMs(), options.getWindowAttributes());
    metrics.window(instanceId, window::size);
    lastReportAt = clock.getAsLong();
    Inbox inbox = new Inbox(vertx.eventBus(), metrics);
    inbox.consumer(Addresses.SCHEDULE, ScheduleSnapshot.class, msg -> offers.update(msg.body()));
    inbox.consumer(Addresses.JOB_EVENTS, JobEvent.class, msg -> onJobEvent(msg.body()));
    vertx.eventBus().<ScheduleSnapshot>request(Addresses.SCHEDULE_GET, null)
        .onSuccess(reply -> offers.update(reply.body()));
    vertx.setPeriodic(options.getStatsIntervalMs(), id -> reportStats());
    if (smallBatch) {
      batch = new SmallBatchBinder(vertx, clock, store, offers, options, metrics, this::offer, instanceId);
      metrics.held(instanceId, batch::heldCount);
      inbox.consumer(Addresses.GROUPS, GroupPlan.class, msg -> batch.apply(msg.body()));
      vertx.eventBus().<String>consumer(Addresses.DEVICE_PING, msg -> batch.ping(msg.body(), clock.getAsLong()));
      vertx.eventBus().<JsonObject>consumer(Addresses.TASK_UPLOADED, msg -> batch.uploaded(msg.body().getLong("job"),
          msg.body().getInteger("round"), msg.body().getString("device"), msg.body().getLong("at_ms")));
      vertx.eventBus().<JsonObject>consumer(Addresses.DEVICE_HELD, msg -> {
        if (!instanceId.equals(msg.body().getString("instance"))) {
          batch.heldElsewhere(msg.body().getString("device_id"));
        }
      });
      vertx.setPeriodic(Math.max(10, Math.min(1_000, options.getHoldMs() / 4)), id -> batch.expire(clock.getAsLong()));
    }

    Router router = Router.router(vertx);
    BodyHandler body = BodyHandler.create(false).setBodyLimit(options.getMaxBodyBytes());
    // Check-ins, accepts and confirms of the plain kind are taken before the router (see
    // takesDirectly); these routes keep every other form of the request (chunked, Expect, a path
    // the router normalises).
    router.post(CHECKIN_PATH).handler(body).handler(ctx -> checkin(ctx.request(), ctx.body().buffer()));
    router.post(ACCEPT_PATH).handler(body).handler(ctx -> accept(ctx.request(), ctx.body().buffer()));
    router.post(CONFIRM_PATH).handler(body).handler(ctx -> confirm(ctx.request(), ctx.body().buffer()));
    router.post("/v1/ping").handler(body).handler(this::ping);
    router.get("/v1/healthz").handler(ctx -> ctx.json(new JsonObject().put("status", "ok")));
    router.route().failureHandler(ctx -> failed(ctx.response(), ctx.failure() != null ? ctx.failure()
        : ctx.statusCode() == 413 ? new PropiusException(ErrorCode.PAYLOAD_TOO_LARGE,
            "request body is over the limit of " + options.getMaxBodyBytes() + " bytes")
        : new PropiusException(ErrorCode.INVALID_ARGUMENT, "request failed with HTTP " + ctx.statusCode())));
    router.errorHandler(404, ctx -> fail(ctx, new PropiusException(ErrorCode.NOT_FOUND,
        "no such endpoint: " + ctx.request().method() + " " + ctx.request().path())));
    router.errorHandler(405, ctx -> respond(ctx.response(), 405, new PropiusException(ErrorCode.INVALID_ARGUMENT,
        "method " + ctx.request().method() + " is not allowed on " + ctx.request().path()).toJson()));
    // Port 0 means "any free port"; Vert.x shares one random port among servers listening on the
    // same negative port, which is what the instances of this deployment must do.
    int port = options.getPort() == 0 ? -1 : options.getPort();
    // No WebSockets on the device port: without compression Vert.x adds no WebSocket extension
    // handler, which looked at every request and response.
    HttpServerOptions http = new HttpServerOptions().setHost(options.getHost()).setPort(port)
        .setPerFrameWebSocketCompressionSupported(false).setPerMessageWebSocketCompressionSupported(false);
    server = Tls.createHttpServer(vertx, http, options.getTls()).requestHandler(req -> {
      if (takesDirectly(req)) {
        req.body().onComplete(read -> {
          if (read.succeeded()) {
            direct(req, read.result());
          } else {
            failed(req.response(), read.cause());
          }
        });
      } else {
        router.handle(req);
      }
    });
    return server.listen();
  }

  @Override
  public Future<?> stop() {
    metrics.removeWindow(instanceId);
    if (batch != null) {
      metrics.removeHeld(instanceId);
      batch.releaseAll();
    }
    return Future.succeededFuture();
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void onJobEvent(JobEvent event) {
    switch (event.getType()) {
      case ROUND_FILLED -> offers.markFull(event.getJobId(), event.getRound());
      case LEASE_EXPIRED -> offers.markOpen(event.getJobId(), event.getRound());
      case DEVICE_BOUND -> {
        // Bound through whichever instance took the accept: an offer this one made the device must
        // stop counting as pending now that the store counts the binding, or its plans would see
        // that slot taken twice and offer it to nobody until the offer expired.
        if (batch != null) {
          batch.bound(event.getJobId(), event.getRound(), event.getDeviceId());
        }
      }
      case DEVICE_CONFIRMED -> {
        if (batch != null) {
          batch.confirmed(event.getJobId(), event.getRound(), event.getDeviceId(), event.getTimeMs(),
              event.getTrainedShards());
        }
      }
      default -> {
      }
    }
  }

  private void reportStats() {
    long now = clock.getAsLong();
    double rate = checkinsSinceReport * 1000.0 / Math.max(1, now - lastReportAt);
    checkinsSinceReport = 0;
    lastReportAt = now;
    List<Attributes> sample = window.sample(options.getSampleSize(), random, now);
    vertx.eventBus().publish(Addresses.CLIENT_STATS, batch == null
        ? new WindowStats(instanceId, window.size(), rate, sample)
        : new WindowStats(instanceId, window.size(), rate, sample, batch.heldCount(),
            batch.heldSample(options.getSampleSize(), random)));
  }

  /**
   * A check-in, accept or confirm the router need not see: a {@code POST} to its path over HTTP/1.x
   * with a body whose length is given and within the limit, and nothing to negotiate first. It is
   * what every device client sends, and the router with its body handler took a tenth of the event
   * loops' time.
   */
  private boolean takesDirectly(HttpServerRequest req) {
    if (req.method() != HttpMethod.POST || req.version() == HttpVersion.HTTP_2) {
      return false;
    }
    String path = req.path();
    if (!CHECKIN_PATH.equals(path) && !ACCEPT_PATH.equals(path) && !CONFIRM_PATH.equals(path)) {
      return false;
    }
    MultiMap headers = req.headers();
    String length = headers.get(HttpHeaders.CONTENT_LENGTH);
    if (length == null || headers.contains(HttpHeaders.TRANSFER_ENCODING) || headers.contains(HttpHeaders.EXPECT)) {
      return false;
    }
    try {
      long bytes = Long.parseLong(length);
      return bytes >= 0 && bytes <= options.getMaxBodyBytes();
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private void direct(HttpServerRequest request, Buffer body) {
    switch (request.path()) {
      case ACCEPT_PATH -> accept(request, body);
      case CONFIRM_PATH -> confirm(request, body);
      default -> checkin(request, body);
    }
  }

  /** Either way a check-in came in, its answer or its error: the same bytes. */
  private void checkin(HttpServerRequest request, Buffer body) {
    try {
      checkin(request, CheckinRequest.fromBuffer(body));
    } catch (RuntimeException e) {
      failed(request.response(), e);
    }
  }

  private void checkin(HttpServerRequest request, CheckinRequest req) {
    HttpServerResponse response = request.response();
    limiter.admit(req.deviceId(), request, System.nanoTime());
    long now = clock.getAsLong();
    window.record(req.deviceId(), req.attributes(), now);
    checkinsSinceReport++;
    if (batch != null) {
      batch.hold(req, now, response).onSuccess(offered -> answerCheckin(response, req.deviceId(), offered));
      vertx.eventBus().publish(Addresses.DEVICE_HELD, new JsonObject().put("device_id", req.deviceId())
          .put("instance", instanceId));
      return;
    }
    List<Offer> chosen = new ArrayList<>(options.getMaxOffers());
    for (ScheduleSnapshot.OfferableJob job : offers.select(req.attributes(), options.getMaxOffers())) {
      chosen.add(offer(req.deviceId(), job, now));
    }
    answerCheckin(response, req.deviceId(), chosen);
  }

  private Offer offer(String deviceId, ScheduleSnapshot.OfferableJob job, long now) {
    return offer(deviceId, job, now, null);
  }

  private Offer offer(String deviceId, ScheduleSnapshot.OfferableJob job, long now, Offer.Work work) {
    long expires = now + options.getOfferTtlMs();
    String token = new OfferToken(deviceId, job.jobId(), job.round(), expires, work == null ? 0 : work.shards())
        .encode(signer);
    return new Offer(job.jobId(), job.round(), job.privateConstraints(), token, expires, work);
  }

  private void answerCheckin(HttpServerResponse response, String deviceId, List<Offer> chosen) {
    if (response.ended() || response.closed()) {
      return;
    }
    long retryAfter = retryAfter();
    metrics.checkin(chosen.isEmpty() ? CheckinResult.NO_OFFER : CheckinResult.OFFERED, chosen.size());
    if (chosen.isEmpty()) {
      response.putHeader(HttpHeaders.RETRY_AFTER, PropiusException.retryAfterHeader(retryAfter));
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(answers.write(deviceId, chosen, retryAfter));
  }

  /**
   * {@code POST /v1/ping {"device_id": ...}} (small-batch mode): the device's held check-in waits
   * another {@code holdMs}. Published to every instance, since the ping may reach another one than
   * the check-in it keeps alive.
   */
  private void ping(RoutingContext ctx) {
    String deviceId = DeviceIds.check(JsonFields.requireString(body(ctx.body().buffer()), "device_id", 128));
    if (batch == null) {
      throw new PropiusException(ErrorCode.FAILED_PRECONDITION,
          "ping keeps a held check-in alive and only exists in small-batch mode (scheduler.mode); this server is online");
    }
    vertx.eventBus().publish(Addresses.DEVICE_PING, deviceId);
    ctx.json(new JsonObject().put("device_id", deviceId).put("held_for_ms", options.getHoldMs()));
  }

  /** Either way an accept came in, its answer or its error: the same bytes. */
  private void accept(HttpServerRequest request, Buffer body) {
    HttpServerResponse response = request.response();
    AcceptRequest req;
    OfferToken offer;
    long now = clock.getAsLong();
    try {
      req = AcceptRequest.fromJson(body(body));
      offer = OfferToken.verify(signer, req.offer(), req.deviceId(), now);
    } catch (RuntimeException e) {
      if (e instanceof TokenRejectedException rejected) {
        metrics.rejected(rejected.code() == ErrorCode.OFFER_EXPIRED ? RejectReason.OFFER_EXPIRED : RejectReason.OFFER_INVALID);
      }
      failed(response, e);
      return;
    }
    store.reserve(offer.jobId(), offer.round(), req.deviceId(), now, now + options.getLeaseMs())
        .onSuccess(r -> answerReservation(response, offer, req.deviceId(), r, now))
        .onFailure(err -> fail(response, err));
  }

  private void answerReservation(HttpServerResponse response, OfferToken offer, String deviceId, Reservation r,
                                 long now) {
    String where = "round " + offer.round() + " of job " + offer.jobId();
    switch (r.outcome()) {
      case BOUND, ALREADY_BOUND -> {
        Job job = r.job();
        if (r.outcome() == Reservation.Outcome.BOUND) {
          metrics.bound();
          events.publishDevice(job, JobEvent.Type.DEVICE_BOUND, deviceId, 0);
          if (r.filledNow()) {
            offers.markFull(job.id(), job.round());
            metrics.roundFilled(now - job.startSched());
            events.publish(job, JobEvent.Type.ROUND_FILLED);
          }
        }
        long taskExpires = now + options.getTaskTtlMs();
        String audience = job.dataPlaneAudience().isEmpty() ? taskAudience : job.dataPlaneAudience();
        String token = new TaskToken(job.id(), job.round(), deviceId, audience, taskExpires, offer.shards())
            .encode(signer);
        String dataPlane = job.dataPlaneAddress().isEmpty() ? options.getDataPlaneUrl() : job.dataPlaneAddress();
        answer(response, bindings.binding(new Binding(job.id(), job.round(), deviceId, token, dataPlane, r.leaseUntil(),
            taskExpires)));
      }
      case FULL -> {
        offers.markFull(offer.jobId(), offer.round());
        metrics.rejected(RejectReason.FULL);
        fail(response, new PropiusException(ErrorCode.ROUND_FULL, where + " is full (" + r.job().amount() + " of "
            + r.job().demand() + " devices bound); check in again", retryAfter()));
      }
      case CLOSED -> {
        metrics.rejected(RejectReason.CLOSED);
        fail(response, new PropiusException(ErrorCode.ROUND_CLOSED, where + " is no longer requesting devices", retryAfter()));
      }
      case UNKNOWN_JOB -> {
        metrics.rejected(RejectReason.UNKNOWN_JOB);
        fail(response, new PropiusException(ErrorCode.NOT_FOUND, "no job " + offer.jobId()));
      }
    }
  }

  private long retryAfter() {
    return PaceSteering.retryAfterMs((long) window.size() * options.getInstances(), offers.outstandingDemand(), options);
  }

  /** Either way a confirm came in, its answer or its error: the same bytes. */
  private void confirm(HttpServerRequest request, Buffer body) {
    HttpServerResponse response = request.response();
    ConfirmRequest req;
    TaskToken task;
    long now = clock.getAsLong();
    try {
      req = ConfirmRequest.fromJson(body(body));
      task = TaskToken.verify(signer, req.taskToken(), now);
      if (req.trainedShards() > task.shards()) { // 0 (not given) always passes
        throw PropiusException.invalid(task.shards() == 0
            ? "trained_shards is only for a task offered MED shards; this task has none"
            : "trained_shards must be between 1 and " + task.shards() + " (the shards offered), got " + req.trainedShards());
      }
    } catch (RuntimeException e) {
      failed(response, e);
      return;
    }
    store.confirm(task.jobId(), task.round(), task.deviceId(), now).onSuccess(c -> {
      if (c.newlyConfirmed()) {
        metrics.confirmed();
        events.publishDevice(c.job(), JobEvent.Type.DEVICE_CONFIRMED, task.deviceId(), req.trainedShards());
      }
      answer(response, bindings.confirmed(task.jobId(), task.round(), task.deviceId()));
    }).onFailure(err -> fail(response, err));
  }

  /**
   * The request body as a JSON object (Vert.x's codec, one streaming pass into a map), or
   * INVALID_ARGUMENT saying what is wrong with it.
   */
  private static JsonObject body(Buffer body) {
    if (body == null || body.length() == 0) {
      throw PropiusException.invalid("request body is empty; expected a JSON object");
    }
    Object json;
    try {
      json = Json.decodeValue(body);
    } catch (DecodeException e) {
      throw PropiusException.invalid("request body is not a JSON object");
    }
    if (json == null) {
      throw PropiusException.invalid("request body is empty; expected a JSON object");
    }
    if (!(json instanceof JsonObject object)) {
      throw PropiusException.invalid("request body is not a JSON object");
    }
    return object;
  }

  /** What the router's failure handler does: a device endpoint's error answer, and the count of a rejected token. */
  private void failed(HttpServerResponse response, Throwable err) {
    if (err instanceof TokenRejectedException t) {
      metrics.tokenRejected(t.reason());
    }
    fail(response, err);
  }

  static void fail(RoutingContext ctx, Throwable err) {
    fail(ctx.response(), err);
  }

  private static void fail(HttpServerResponse response, Throwable err) {
    PropiusException failure = err instanceof PropiusException p ? p
        : new PropiusException(ErrorCode.INTERNAL, "internal error: " + err.getClass().getSimpleName());
    if (failure.code() == ErrorCode.INTERNAL) {
      System.getLogger(ClientManagerVerticle.class.getName()).log(System.Logger.Level.ERROR, "device request failed", err);
    }
    if (failure.retryAfterMs() > 0) {
      response.putHeader(HttpHeaders.RETRY_AFTER, PropiusException.retryAfterHeader(failure.retryAfterMs()));
    }
    respond(response, failure.code().httpStatus(), failure.toJson());
  }

  /** A 200 answer, unless the device went away while the store was asked. */
  private static void answer(HttpServerResponse response, Buffer body) {
    if (!response.ended() && !response.closed()) {
      response.putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(body);
    }
  }

  private static void respond(HttpServerResponse response, int status, JsonObject body) {
    if (!response.ended() && !response.closed()) {
      response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON).end(body.encode());
    }
  }
}
