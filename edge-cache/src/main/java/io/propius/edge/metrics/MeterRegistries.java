package io.propius.edge.metrics;

import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Set;

/** The Prometheus registry every Propius process (server, edge node) exposes on {@code /metrics}. */
public final class MeterRegistries {
  /**
   * Gauges vertx-micrometer-metrics 5.0.7 registers anew for every HTTP request, every server and
   * every event-bus consumer (several verticles consume one address). Micrometer refuses a second
   * registration of a gauge with a warning ("This Gauge has been already registered"), so they are
   * kept out of the registry; the counters and timers next to them (requests, response times,
   * bytes, event-bus messages) are registered once and stay.
   */
  private static final Set<String> REREGISTERED_GAUGES = Set.of("vertx.http.server.active.requests",
      "vertx.http.server.active.connections", "vertx.eventbus.handlers", "vertx.eventbus.pending");

  private MeterRegistries() {
  }

  public static PrometheusMeterRegistry prometheus() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(MeterFilter.deny(id -> REREGISTERED_GAUGES.contains(id.getName())));
    return registry;
  }
}
