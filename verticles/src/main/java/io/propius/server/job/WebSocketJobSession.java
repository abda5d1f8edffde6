package io.propius.server.job;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.grpc.EndRoundRequest;
import io.propius.api.grpc.FinishJobRequest;
import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.HeartbeatRequest;
import io.propius.api.grpc.JobEvent;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.api.grpc.WatchJobRequest;
import io.propius.server.metrics.PropiusMetrics;
import io.vertx.core.Future;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The job API over one WebSocket: JSON text frames carrying the gRPC messages in proto3 JSON form
 * (snake_case names). A request {@code {"id": 1, "method": "RequestRound", "params": {...}}} gets
 * {@code {"id": 1, "result": {...}}} or {@code {"id": 1, "error": {"code": ..., "message": ...}}};
 * {@code WatchJob} is acknowledged at once and then pushes {@code {"event": {...}}} frames, the first
 * being WATCH_STARTED with the job's state.
 */
final class WebSocketJobSession {
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
      .alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

  private final ServerWebSocket ws;
  private final JobCaller caller;
  private final JobCallLimiter limiter;
  private final JobService jobs;
  private final JobEventHub hub;
  private final JobEvents events;
  private final PropiusMetrics metrics;
  private final Map<Long, JobWatch> watches = new HashMap<>();
  private final Map<String, Method<?>> methods = new HashMap<>();

  private record Method<T extends Message>(Supplier<Message.Builder> builder, Function<T, Future<? extends Message>> call) {
  }

  /** @param caller authenticated once, from the upgrade request's Authorization header */
  WebSocketJobSession(ServerWebSocket ws, JobCaller caller, JobCallLimiter limiter, JobService jobs, JobEventHub hub,
                      JobEvents events, PropiusMetrics metrics) {
    this.limiter = limiter;
    this.ws = ws;
    this.caller = caller;
    this.jobs = jobs;
    this.hub = hub;
    this.events = events;
    this.metrics = metrics;
    method("RegisterJob", RegisterJobRequest::newBuilder, (RegisterJobRequest r) -> jobs.register(caller, r));
    method("RequestRound", RequestRoundRequest::newBuilder, (RequestRoundRequest r) -> jobs.requestRound(caller, r));
    method("EndRound", EndRoundRequest::newBuilder, (EndRoundRequest r) -> jobs.endRound(caller, r));
    method("FinishJob", FinishJobRequest::newBuilder, (FinishJobRequest r) -> jobs.finish(caller, r));
    method("Heartbeat", HeartbeatRequest::newBuilder, (HeartbeatRequest r) -> jobs.heartbeat(caller, r));
    method("GetJob", GetJobRequest::newBuilder, (GetJobRequest r) -> jobs.get(caller, r));
    method("WatchJob", WatchJobRequest::newBuilder, this::watch);
    method("UnwatchJob", WatchJobRequest::newBuilder, this::unwatch);
    ws.textMessageHandler(this::onText);
    ws.binaryMessageHandler(b -> reply(null, "unknown", Future.failedFuture(
        PropiusException.invalid("binary frames are not part of the protocol; send JSON text frames"))));
    ws.closeHandler(v -> watches.values().forEach(JobWatch::cancel));
  }

  private <T extends Message> void method(String name, Supplier<Message.Builder> builder,
                                          Function<T, Future<? extends Message>> call) {
    methods.put(name, new Method<>(builder, call));
  }

  private void onText(String text) {
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      reply(null, "unknown", Future.failedFuture(PropiusException.invalid("frame is not a JSON object")));
      return;
    }
    Object id = frame.getValue("id");
    Object methodName = frame.getValue("method");
    Method<?> method = methodName instanceof String s ? methods.get(s) : null;
    if (method == null) {
      reply(id, "unknown", Future.failedFuture(PropiusException.invalid("unknown method '" + methodName
          + "'; methods: " + String.join(", ", new java.util.TreeSet<>(methods.keySet())))));
      return;
    }
    reply(id, (String) methodName, invoke(method, frame.getValue("params")));
  }

  @SuppressWarnings("unchecked")
  private <T extends Message> Future<? extends Message> invoke(Method<T> method, Object params) {
    if (params != null && !(params instanceof JsonObject)) {
      return Future.failedFuture(PropiusException.invalid("'params' must be a JSON object"));
    }
    Message.Builder builder = method.builder().get();
    try {
      limiter.admit(caller);
    } catch (PropiusException e) {
      return Future.failedFuture(e);
    }
    try {
      PARSER.merge(params == null ? "{}" : ((JsonObject) params).encode(), builder);
    } catch (InvalidProtocolBufferException e) {
      return Future.failedFuture(PropiusException.invalid("bad params: " + e.getMessage()));
    }
    return method.call().apply((T) builder.build());
  }

  private void reply(Object id, String method, Future<? extends Message> result) {
    result.onComplete(ar -> {
      JsonObject frame = new JsonObject().put("id", id);
      if (ar.succeeded()) {
        metrics.jobApiCall(PropiusMetrics.Transport.WEBSOCKET, method, null);
        frame.put("result", toJson(ar.result()));
      } else {
        PropiusException failure = GrpcJobEndpoint.asPropius(ar.cause());
        metrics.jobApiCall(PropiusMetrics.Transport.WEBSOCKET, method, failure.code());
        frame.put("error", failure.toJson().getJsonObject("error"));
      }
      send(frame);
    });
  }

  /** Acknowledged with the request itself; every event, WATCH_STARTED first, comes as an event frame. */
  private Future<WatchJobRequest> watch(WatchJobRequest req) {
    long jobId = req.getJobId();
    if (watches.containsKey(jobId)) {
      return Future.failedFuture(new PropiusException(ErrorCode.FAILED_PRECONDITION,
          "this connection already watches job " + jobId));
    }
    return JobWatch.start(caller, jobId, jobs, hub, events, new JobWatch.Sink() {
      @Override
      public boolean writable() {
        return !ws.writeQueueFull();
      }

      @Override
      public void send(JobEvent event) {
        WebSocketJobSession.this.send(new JsonObject().put("event", toJson(event)));
      }

      @Override
      public void end() {
        watches.remove(jobId);
      }
    }, metrics).map(watch -> {
      if (!watch.isClosed()) {
        watches.put(jobId, watch);
      }
      return req;
    });
  }

  private Future<WatchJobRequest> unwatch(WatchJobRequest req) {
    JobWatch watch = watches.remove(req.getJobId());
    if (watch == null) {
      return Future.failedFuture(new PropiusException(ErrorCode.FAILED_PRECONDITION,
          "this connection does not watch job " + req.getJobId()));
    }
    watch.cancel();
    return Future.succeededFuture(req);
  }

  private void send(JsonObject frame) {
    if (!ws.isClosed()) {
      ws.writeTextMessage(frame.encode());
    }
  }

  private static JsonObject toJson(Message message) {
    try {
      return new JsonObject(PRINTER.print(message));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
