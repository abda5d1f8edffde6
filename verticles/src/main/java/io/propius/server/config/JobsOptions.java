package io.propius.server.config;

import io.propius.edge.ratelimit.RateLimit;
import io.propius.api.tls.TlsOptions;

/** The job-facing endpoint: gRPC and WebSocket on one port. */
public final class JobsOptions {
  private String host = "0.0.0.0";
  private int port = 7070;
  /** TLS of this port; unset: the global {@code tls} section. */
  private TlsOptions tls = new TlsOptions();
  /** A job is expired after this long without any call (heartbeat or other). */
  private long heartbeatTimeoutMs = 60_000;
  /** Largest gRPC message or WebSocket frame accepted from a job. */
  private int maxMessageBytes = 1 << 20;
  /** Job API calls per tenant (gRPC and WebSocket); rate 0, the default, turns it off. */
  private RateLimit rateLimitPerTenant = new RateLimit();

  public RateLimit getRateLimitPerTenant() {
    return rateLimitPerTenant;
  }

  public JobsOptions setRateLimitPerTenant(RateLimit rateLimitPerTenant) {
    this.rateLimitPerTenant = rateLimitPerTenant;
    return this;
  }

  public String getHost() {
    return host;
  }

  public JobsOptions setHost(String host) {
    this.host = host;
    return this;
  }

  public int getPort() {
    return port;
  }

  public JobsOptions setPort(int port) {
    this.port = port;
    return this;
  }

  public long getHeartbeatTimeoutMs() {
    return heartbeatTimeoutMs;
  }

  public JobsOptions setHeartbeatTimeoutMs(long heartbeatTimeoutMs) {
    this.heartbeatTimeoutMs = heartbeatTimeoutMs;
    return this;
  }

  public int getMaxMessageBytes() {
    return maxMessageBytes;
  }

  public JobsOptions setMaxMessageBytes(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
    return this;
  }

  public TlsOptions getTls() {
    return tls;
  }

  public JobsOptions setTls(TlsOptions tls) {
    this.tls = tls;
    return this;
  }

  void validate() {
    tls.validate("jobs.tls");
    Checks.port("jobs.port", port);
    rateLimitPerTenant.validate("jobs.rateLimitPerTenant");
    Checks.positive("jobs.heartbeatTimeoutMs", heartbeatTimeoutMs);
    Checks.positive("jobs.maxMessageBytes", maxMessageBytes);
  }
}
