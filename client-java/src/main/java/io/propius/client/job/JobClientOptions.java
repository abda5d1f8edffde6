package io.propius.client.job;

import io.propius.api.tls.TlsOptions;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;

/**
 * Where and how a {@link JobClient} connects. Defaults match the all-in-one server on localhost
 * (jobs on 7070, data-plane root on 8090, gRPC).
 */
public final class JobClientOptions {
  private String host = "127.0.0.1";
  private int port = 7070;
  private JobTransportType transport = JobTransportType.GRPC;
  private String apiKey;
  private String dataPlaneUrl = "http://127.0.0.1:8090";
  private Vertx vertx;
  private Duration callTimeout = Duration.ofSeconds(30);
  private int connectTimeoutMs = 5000;
  private long reconnectMinMs = 100;
  private long reconnectMaxMs = 5000;
  private int maxMessageBytes = 1 << 20;
  private TlsOptions tls;

  /** The job endpoint, {@code host:port}. */
  public JobClientOptions setServer(String host, int port) {
    this.host = host;
    this.port = port;
    return this;
  }

  /**
   * The job endpoint as a URL: {@code http://host:port}, or {@code https://host:port} for TLS
   * (verified against {@link #setTls}'s trust, else the JDK's CAs).
   *
   * @throws IllegalArgumentException for another scheme or a URL without a port
   */
  public JobClientOptions setServer(String url) {
    URI uri = URI.create(url);
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getPort() < 0) {
      throw new IllegalArgumentException("job endpoint must be http(s)://host:port, got '" + url + "'");
    }
    if ("https".equals(uri.getScheme()) && tls == null) {
      tls = new TlsOptions();
    } else if ("http".equals(uri.getScheme())) {
      tls = null;
    }
    return setServer(uri.getHost(), uri.getPort());
  }

  /**
   * Connect to the job endpoint over TLS: {@code trustPath} (PEM CAs) verifies the server, the
   * JDK's CAs when empty; {@code certPath} and {@code keyPath} are presented to a server that
   * requires client certificates. The data plane is reached over TLS when its URL is https, with
   * the same trust.
   */
  public JobClientOptions setTls(TlsOptions tls) {
    this.tls = tls;
    return this;
  }

  public JobClientOptions setTransport(JobTransportType transport) {
    this.transport = transport;
    return this;
  }

  /** The tenant's API key, sent as {@code authorization: Bearer} (null: an open server). */
  public JobClientOptions setApiKey(String apiKey) {
    this.apiKey = apiKey;
    return this;
  }

  /** Base URL of the data-plane root where plans are published and aggregates read. */
  public JobClientOptions setDataPlaneUrl(String dataPlaneUrl) {
    this.dataPlaneUrl = dataPlaneUrl;
    return this;
  }

  /** Run on this Vert.x instead of a private one; the application keeps closing it. */
  public JobClientOptions setVertx(Vertx vertx) {
    this.vertx = vertx;
    return this;
  }

  /** How long a blocking call waits. */
  public JobClientOptions setCallTimeout(Duration callTimeout) {
    this.callTimeout = callTimeout;
    return this;
  }

  public JobClientOptions setConnectTimeoutMs(int connectTimeoutMs) {
    this.connectTimeoutMs = connectTimeoutMs;
    return this;
  }

  /** Bounds of the exponential back-off between reconnect attempts. */
  public JobClientOptions setReconnectBackoff(long minMs, long maxMs) {
    this.reconnectMinMs = minMs;
    this.reconnectMaxMs = maxMs;
    return this;
  }

  public JobClientOptions setMaxMessageBytes(int maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
    return this;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public JobTransportType transport() {
    return transport;
  }

  public String apiKey() {
    return apiKey;
  }

  public String dataPlaneUrl() {
    return dataPlaneUrl;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Duration callTimeout() {
    return callTimeout;
  }

  public int connectTimeoutMs() {
    return connectTimeoutMs;
  }

  public long reconnectMinMs() {
    return reconnectMinMs;
  }

  public long reconnectMaxMs() {
    return reconnectMaxMs;
  }

  /** The TLS settings, or null for plaintext. */
  public TlsOptions tls() {
    return tls;
  }

  public int maxMessageBytes() {
    return maxMessageBytes;
  }
}
