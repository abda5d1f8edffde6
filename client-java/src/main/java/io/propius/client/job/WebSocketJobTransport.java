package io.propius.client.job;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.propius.api.ErrorCode;
import io.propius.api.grpc.JobEvent;
import io.propius.api.tls.Tls;
import io.propius.api.tls.TlsOptions;
import io.propius.api.grpc.WatchJobRequest;
import io.propius.client.PropiusClientException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The job API over one WebSocket with JSON text frames ({@code {"id","method","params"}} →
 * {@code {"id","result"|"error"}}, pushed {@code {"event"}} frames). Connects lazily and again
 * after a drop; requests in flight when the socket closes fail with code UNAVAILABLE.
 * All state is touched on the one context the socket runs on.
 */
final class WebSocketJobTransport implements JobTransport {
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
      .omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private final Context context;
  private final WebSocketClient client;
  private final WebSocketConnectOptions connect;
  private final Map<Long, Pending> pending = new HashMap<>();
  private final Map<Long, Watcher> watchers = new HashMap<>();
  private Future<WebSocket> socket;
  private long nextId;
  private boolean closed;

  private record Pending(Promise<JsonObject> reply, String method) {
  }

  private record Watcher(Promise<JobEvent> started, Handler<JobEvent> events, Handler<Throwable> ended) {
  }

  /** @param context where every callback of this transport runs (one event loop) */
  WebSocketJobTransport(Vertx vertx, Context context, String host, int port, TlsOptions tls, String apiKey,
                        int connectTimeoutMs, int maxFrameBytes) {
    this.context = context;
    WebSocketClientOptions ws = new WebSocketClientOptions().setConnectTimeout(connectTimeoutMs)
        .setMaxFrameSize(maxFrameBytes).setMaxMessageSize(maxFrameBytes);
    if (tls != null) {
      Tls.client(ws.setSsl(true), tls);
    }
    this.client = vertx.createWebSocketClient(ws);
    this.connect = new WebSocketConnectOptions().setHost(host).setPort(port).setURI("/v1/jobs/ws");
    if (apiKey != null) {
      connect.addHeader("Authorization", "Bearer " + apiKey);
    }
  }

  @Override
  public <Q extends Message, R extends Message> Future<R> call(JobCall<Q, R> call, Q request) {
    return onContext(() -> send(call.name(), request)).compose(result -> {
      Message.Builder builder = call.reply().get();
      try {
        PARSER.merge(result.encode(), builder);
      } catch (InvalidProtocolBufferException e) {
        return Future.failedFuture(new PropiusClientException(ErrorCode.INTERNAL, "bad " + call.name() + " reply: "
            + e.getMessage()));
      }
      @SuppressWarnings("unchecked")
      R reply = (R) builder.build();
      return Future.succeededFuture(reply);
    });
  }

  @Override
  public Future<JobEvent> watch(long jobId, Handler<JobEvent> events, Handler<Throwable> ended) {
    Promise<JobEvent> started = Promise.promise();
    return onContext(() -> {
      watchers.put(jobId, new Watcher(started, events, ended));
      send("WatchJob", WatchJobRequest.newBuilder().setJobId(jobId).build()).onFailure(err -> {
        Watcher w = watchers.get(jobId);
        if (w != null && w.started == started) {
          watchers.remove(jobId);
        }
        started.tryFail(err);
      });
      return started.future();
    });
  }

  private Future<JsonObject> send(String method, Message params) {
    String json;
    try {
      json = PRINTER.print(params);
    } catch (InvalidProtocolBufferException e) {
      return Future.failedFuture(e);
    }
    return connected().compose(ws -> {
      long id = ++nextId;
      Promise<JsonObject> reply = Promise.promise();
      pending.put(id, new Pending(reply, method));
      ws.writeTextMessage(new JsonObject().put("id", id).put("method", method).put("params", new JsonObject(json))
          .encode()).onFailure(err -> {
            pending.remove(id);
            reply.tryFail(PropiusClientException.unavailable("job manager WebSocket (" + method + ")", err));
          });
      return reply.future();
    });
  }

  /** The open socket, connecting when there is none. */
  private Future<WebSocket> connected() {
    if (closed) {
      return Future.failedFuture(new PropiusClientException(ErrorCode.UNAVAILABLE, "job client is closed"));
    }
    if (socket == null || socket.failed()) {
      socket = client.connect(connect)
          .recover(err -> Future.failedFuture(PropiusClientException.unavailable("job manager WebSocket "
              + connect.getHost() + ":" + connect.getPort(), err)))
          .onSuccess(this::attach);
    }
    return socket;
  }

  private void attach(WebSocket ws) {
    ws.textMessageHandler(text -> onFrame(ws, text));
    ws.closeHandler(v -> onClosed(ws));
    ws.exceptionHandler(err -> ws.close());
  }

  private void onFrame(WebSocket ws, String text) {
    JsonObject frame = new JsonObject(text);
    JsonObject event = frame.getJsonObject("event");
    if (event != null) {
      JobEvent.Builder builder = JobEvent.newBuilder();
      try {
        PARSER.merge(event.encode(), builder);
      } catch (InvalidProtocolBufferException e) {
        return;
      }
      JobEvent parsed = builder.build();
      Watcher w = watchers.get(parsed.getJobId());
      if (w != null && !w.started.tryComplete(parsed)) {
        w.events.handle(parsed);
      }
      if (w != null && (parsed.getType() == JobEvent.Type.JOB_FINISHED || parsed.getType() == JobEvent.Type.JOB_EXPIRED)) {
        watchers.remove(parsed.getJobId());
        w.ended.handle(null);
      }
      return;
    }
    Pending p = pending.remove(frame.getLong("id", -1L));
    if (p == null) {
      return;
    }
    JsonObject error = frame.getJsonObject("error");
    if (error != null) {
      p.reply.fail(PropiusClientException.fromErrorBody(frame, ErrorCode.INTERNAL, p.method + " failed", 0));
    } else {
      p.reply.complete(frame.getJsonObject("result", new JsonObject()));
    }
  }

  private void onClosed(WebSocket ws) {
    if (socket != null && socket.succeeded() && socket.result() == ws) {
      socket = null;
    }
    PropiusClientException lost = new PropiusClientException(ErrorCode.UNAVAILABLE, "job manager WebSocket closed");
    Map<Long, Pending> inFlight = new HashMap<>(pending);
    pending.clear();
    inFlight.values().forEach(p -> p.reply.tryFail(lost));
    Map<Long, Watcher> watching = new HashMap<>(watchers);
    watchers.clear();
    watching.values().forEach(w -> {
      if (!w.started.tryFail(lost)) {
        w.ended.handle(lost);
      }
    });
  }

  /** Runs on the transport's one context so that the maps and counters need no locks. */
  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(result));
    return result.future();
  }

  @Override
  public Future<Void> close() {
    return onContext(() -> {
      closed = true;
      Future<Void> closing = socket != null && socket.succeeded() ? socket.result().close() : Future.succeededFuture();
      return closing.transform(ar -> client.close());
    });
  }
}
