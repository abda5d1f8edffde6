package io.propius.server.testing;

import io.propius.testing.Futures;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A job speaking the WebSocket JSON protocol: requests by id, pushed events collected. */
public final class JobSocket implements AutoCloseable {
  public final List<JsonObject> events = new CopyOnWriteArrayList<>();
  private final WebSocket ws;
  private final Map<Long, Promise<JsonObject>> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  private JobSocket(WebSocket ws) {
    this.ws = ws;
    ws.textMessageHandler(text -> {
      JsonObject frame = new JsonObject(text);
      if (frame.containsKey("event")) {
        events.add(frame.getJsonObject("event"));
      } else {
        Promise<JsonObject> p = pending.remove(frame.getValue("id") == null ? -1L : frame.getLong("id"));
        if (p != null) {
          p.complete(frame);
        }
      }
    });
  }

  public static JobSocket connect(TestServer server) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(server.server.jobsPort()).setURI("/v1/jobs/ws");
    return new JobSocket(Futures.await(server.webSocketClient().connect(options)));
  }

  /** Sends a request and returns the whole reply frame ({@code result} or {@code error}). */
  public JsonObject call(String method, JsonObject params) {
    long id = ids.incrementAndGet();
    Promise<JsonObject> reply = Promise.promise();
    pending.put(id, reply);
    ws.writeTextMessage(new JsonObject().put("id", id).put("method", method).put("params", params).encode());
    return Futures.await(reply.future());
  }

  /** Sends a raw text frame and returns the next reply without an id match (for malformed frames). */
  public JsonObject raw(String text) {
    Promise<JsonObject> reply = Promise.promise();
    pending.put(-1L, reply);
    ws.writeTextMessage(text);
    return Futures.await(reply.future());
  }

  public Future<Void> closeFuture() {
    return ws.close();
  }

  @Override
  public void close() {
    Futures.await(ws.close());
  }
}
