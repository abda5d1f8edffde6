package io.propius.edge.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** The Prometheus registry every Propius process (server, edge node) exposes on {@code /metrics}. */
public final class MeterRegistries {
  /**
   * vertx-micrometer-metrics 5.0.7 registers its gauges (active connections and requests, event-bus
   * handlers and pending messages, pool sizes) anew for every HTTP request, client, server and
   * event-bus consumer. Micrometer refuses every second registration of a gauge with a warning
   * ("This Gauge has been already registered"), so Vert.x's gauges are kept out of the registry;
   * its counters and timers (requests, response times, bytes, event-bus messages) register once
   * and stay. No dashboard reads a Vert.x gauge.
   */
  private static final MeterFilter NO_VERTX_GAUGES = MeterFilter.deny(id -> id.getType() == Meter.Type.GAUGE
      && id.getName().startsWith("vertx."));

  private MeterRegistries() {
  }

  public static PrometheusMeterRegistry prometheus() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(NO_VERTX_GAUGES);
    return registry;
  }
}
