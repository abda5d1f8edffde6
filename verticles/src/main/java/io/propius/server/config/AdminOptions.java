package io.propius.server.config;

import io.propius.api.tls.TlsOptions;

/** The operator endpoint: Prometheus metrics, health, admin API. */
public final class AdminOptions {
  private String host = "0.0.0.0";
  private int port = 9400;
  /** Whether {@code /metrics} is served without an operator key (security.adminKeys). */
  private boolean metricsOpen = true;
  /** Whether {@code /healthz} and {@code /readyz} are served without an operator key. */
  private boolean probesOpen = true;
  /**
   * Whether Vert.x's own per-request HTTP server meters ({@code vertx_http_server_*}) are kept. Off
   * by default: Vert.x looks its meters up on every request (8 % of a check-in's event-loop time),
   * and Propius's own counters already cover every outcome of the device API.
   */
  private boolean httpServerMetrics;

  public boolean isMetricsOpen() {
    return metricsOpen;
  }

  public AdminOptions setMetricsOpen(boolean metricsOpen) {
    this.metricsOpen = metricsOpen;
    return this;
  }

  public boolean isHttpServerMetrics() {
    return httpServerMetrics;
  }

  public AdminOptions setHttpServerMetrics(boolean httpServerMetrics) {
    this.httpServerMetrics = httpServerMetrics;
    return this;
  }

  public boolean isProbesOpen() {
    return probesOpen;
  }

  public AdminOptions setProbesOpen(boolean probesOpen) {
    this.probesOpen = probesOpen;
    return this;
  }
  /** TLS of this port; unset: the global {@code tls} section. */
  private TlsOptions tls = new TlsOptions();

  public String getHost() {
    return host;
  }

  public AdminOptions setHost(String host) {
    this.host = host;
    return this;
  }

  public int getPort() {
    return port;
  }

  public AdminOptions setPort(int port) {
    this.port = port;
    return this;
  }

  public TlsOptions getTls() {
    return tls;
  }

  public AdminOptions setTls(TlsOptions tls) {
    this.tls = tls;
    return this;
  }

  void validate() {
    tls.validate("admin.tls");
    Checks.port("admin.port", port);
  }
}
