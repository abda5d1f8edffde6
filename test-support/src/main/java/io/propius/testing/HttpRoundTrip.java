package io.propius.testing;

import static io.propius.testing.Futures.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;

/** One real HTTP request through a Vert.x instance's server and client, for what it records (its metrics). */
public final class HttpRoundTrip {
  private HttpRoundTrip() {
  }

  /** Serves one GET on a free loopback port and makes it with the instance's own client. */
  public static void once(Vertx vertx) {
    HttpServer server = await(vertx.createHttpServer().requestHandler(req -> req.response().end("ok"))
        .listen(0, "127.0.0.1"));
    await(vertx.createHttpClient().request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
        .compose(req -> req.send()).compose(resp -> resp.body()));
  }
}
