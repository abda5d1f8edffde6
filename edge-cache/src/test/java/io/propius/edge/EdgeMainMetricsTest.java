package io.propius.edge;

import static io.propius.testing.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.propius.edge.metrics.MeterRegistries;
import io.propius.testing.HttpRoundTrip;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

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

  @Test
  void theFlagTurnsThemOn() {
    EdgeMain off = new EdgeMain();
    new CommandLine(off).parseArgs("--keys", "node.keys.json");
    assertThat(off.httpServerMetrics).isFalse();
    EdgeMain on = new EdgeMain();
    new CommandLine(on).parseArgs("--keys", "node.keys.json", "--http-server-metrics", "true");
    assertThat(on.httpServerMetrics).isTrue();
  }

  private static String scrapeAfterOneRequest(boolean httpServerMetrics) {
    PrometheusMeterRegistry registry = MeterRegistries.prometheus();
    Vertx vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(EdgeMain.metricsOptions(httpServerMetrics)))
        .withMetrics(new MicrometerMetricsFactory(registry)).build();
    try {
      HttpRoundTrip.once(vertx);
      return registry.scrape();
    } finally {
      await(vertx.close());
    }
  }
}
