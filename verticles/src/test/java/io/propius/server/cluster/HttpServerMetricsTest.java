package io.propius.server.cluster;

import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.propius.server.PropiusServer;
import io.propius.server.config.PropiusOptions;
import io.propius.testing.HttpRoundTrip;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

/**
 * Vert.x's per-request HTTP server meters cost a meter lookup per request: they are exported only
 * when admin.httpServerMetrics asks for them, while the rest of Vert.x's metrics stay.
 */
class HttpServerMetricsTest {
  @Test
  void vertxHttpServerMetersOnlyWhenAskedFor() {
    assertThat(scrapeAfterOneRequest(false)).doesNotContain("vertx_http_server_requests_total")
        .contains("vertx_http_client_requests_total");
    assertThat(scrapeAfterOneRequest(true)).contains("vertx_http_server_requests_total");
  }

  private static String scrapeAfterOneRequest(boolean httpServerMetrics) {
    PropiusOptions options = new PropiusOptions();
    options.admin().setHttpServerMetrics(httpServerMetrics);
    PrometheusMeterRegistry registry = PropiusServer.newRegistry();
    Vertx vertx = await(ClusterNode.vertx(options, registry));
    try {
      HttpRoundTrip.once(vertx);
      return registry.scrape();
    } finally {
      await(vertx.close());
    }
  }
}
