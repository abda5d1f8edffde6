package io.propius.edge;

import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.propius.edge.metrics.MeterRegistries;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.micrometer.MicrometerMetricsFactory;
import org.junit.jupiter.api.Test;

/**
 * A standalone node's Vert.x meters: the per-request HTTP server ones (a meter lookup per upload)
 * only with {@code --http-server-metrics true}; the HTTP client's (pushes to the parent) always.
 */
class EdgeMainMetricsTest {
  @Test
  void vertxHttpServerMetersOnlyWhenAskedFor() {
    assertThat(scrapeAfterOneRequest(false)).doesNotContain("vertx_http_server_requests_total")
        .contains("vertx_http_client_requests_total");
    assertThat(scrapeAfterOneRequest(true)).contains("vertx_http_server_requests_total");
  }

  private static String scrapeAfterOneRequest(boolean httpServerMetrics) {
    PrometheusMeterRegistry registry = MeterRegistries.prometheus();
    Vertx vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(EdgeMain.metricsOptions(httpServerMetrics)))
        .withMetrics(new MicrometerMetricsFactory(registry)).build();
    try {
      HttpServer server = await(vertx.createHttpServer().requestHandler(req -> req.response().end("ok"))
          .listen(0, "127.0.0.1"));
      await(vertx.createHttpClient().request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
          .compose(req -> req.send()).compose(resp -> resp.body()));
      return registry.scrape();
    } finally {
      await(vertx.close());
    }
  }
}
