package io.propius.bench.loadgen;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;

/**
 * The baseline: a bare Vert.x HTTP endpoint that reads the request body and answers every POST
 * with a fixed JSON body (the size of a real check-in response). What Propius costs on top of
 * plain Vert.x HTTP is the ratio of the two.
 */
public final class BareEndpoint extends VerticleBase {
  private final Buffer body;
  private final int port;
  private HttpServer server;

  public BareEndpoint(Buffer body, int port) {
    this.body = body;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer().requestHandler(req -> req.body().onComplete(ar -> {
      if (ar.failed()) {
        req.response().setStatusCode(400).end();
        return;
      }
      req.response().putHeader("Content-Type", "application/json").end(body);
    }));
    return server.listen(port, "127.0.0.1");
  }

  public int actualPort() {
    return server.actualPort();
  }

  /** A JSON object of exactly {@code size} bytes (at least 12). */
  public static Buffer jsonOfSize(int size) {
    String head = "{\"pad\":\"";
    String tail = "\"}";
    int pad = Math.max(0, size - head.length() - tail.length());
    return Buffer.buffer(head + "x".repeat(pad) + tail);
  }
}
