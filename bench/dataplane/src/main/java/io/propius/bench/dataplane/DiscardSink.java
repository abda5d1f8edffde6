package io.propius.bench.dataplane;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

/**
 * The upload baseline in a process of its own: a Vert.x HTTP endpoint on 127.0.0.1 that reads each
 * request body, drops it and answers what a leaf answers an accepted upload. Prints
 * {@code discard sink is up on :PORT} once it listens on a free port.
 */
public final class DiscardSink {
  private static final String ANSWER = "{\"accepted\":true,\"duplicate\":false}";

  private DiscardSink() {
  }

  public static void main(String[] args) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    vertx.createHttpServer()
        .requestHandler(req -> req.handler(chunk -> {
        }).endHandler(v -> req.response().putHeader("Content-Type", "application/json").end(ANSWER)))
        .listen(0, "127.0.0.1")
        .onSuccess(server -> System.out.println("discard sink is up on :" + server.actualPort()))
        .onFailure(err -> {
          System.err.println("discard sink failed to start: " + err.getMessage());
          System.exit(1);
        });
  }
}
