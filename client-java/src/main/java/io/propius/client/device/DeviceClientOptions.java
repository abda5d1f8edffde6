package io.propius.client.device;

import io.propius.api.tls.TlsOptions;
import io.propius.client.allocation.DeviceBenchmark;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One device's identity and attributes and how it reaches Propius. Public attributes are sent at
 * check-in; private attributes only feed the {@link OfferDecision}.
 */
public final class DeviceClientOptions {
  private String url = "http://127.0.0.1:8080";
  private String deviceId;
  private final Map<String, Double> publicAttributes = new LinkedHashMap<>();
  private PrivateAttributes privateAttributes = PrivateAttributes.empty();
  private OfferDecision decision = OfferDecision.meetsPrivateConstraints();
  private Vertx vertx;
  private DeviceConnections connections;
  private double retryJitter = 0.2;
  private Duration callTimeout = Duration.ofSeconds(30);
  private TlsOptions tls = new TlsOptions();
  private DeviceBenchmark benchmark;
  private int iterations = 1;

  /** A device called {@code deviceId} (1 to 128 of {@code A-Z a-z 0-9 . _ : -}). */
  public DeviceClientOptions(String deviceId) {
    this.deviceId = deviceId;
  }

  /** Base URL of the device endpoint (a client manager or the load balancer in front). */
  public DeviceClientOptions setUrl(String url) {
    this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    return this;
  }

  public DeviceClientOptions setPublic(String name, double value) {
    publicAttributes.put(name, value);
    return this;
  }

  public DeviceClientOptions setPublicAttributes(Map<String, Double> attributes) {
    publicAttributes.clear();
    publicAttributes.putAll(attributes);
    return this;
  }

  public DeviceClientOptions setPrivateAttributes(PrivateAttributes attributes) {
    this.privateAttributes = attributes;
    return this;
  }

  /** The device's choice among offers (default {@link OfferDecision#meetsPrivateConstraints()}). */
  public DeviceClientOptions setDecision(OfferDecision decision) {
    this.decision = decision;
    return this;
  }

  /** Run on this Vert.x instead of a private one; the application keeps closing it. */
  public DeviceClientOptions setVertx(Vertx vertx) {
    this.vertx = vertx;
    return this;
  }

  /** Share connection pools with other devices of this process (implies their Vert.x). */
  public DeviceClientOptions setConnections(DeviceConnections connections) {
    this.connections = connections;
    return this;
  }

  /**
   * Spread of the wait before checking in again: the server's {@code retry_after_ms} times a
   * random factor in {@code [1 - jitter, 1 + jitter]}, so that devices told the same window do
   * not come back all at once.
   */
  public DeviceClientOptions setRetryJitter(double jitter) {
    if (!(jitter >= 0 && jitter < 1)) {
      throw new IllegalArgumentException("retry jitter must be in [0, 1), got " + jitter);
    }
    this.retryJitter = jitter;
    return this;
  }

  /** How long a blocking single call waits. */
  public DeviceClientOptions setCallTimeout(Duration callTimeout) {
    this.callTimeout = callTimeout;
    return this;
  }

  /**
   * For an {@code https} URL: {@code trustPath} (PEM CAs) verifies the device endpoint and the
   * data plane, the JDK's CAs when empty. Ignored with {@link #setConnections}, which bring their own.
   */
  public DeviceClientOptions setTls(TlsOptions tls) {
    this.tls = tls;
    return this;
  }

  /**
   * The device's private benchmark and its local passes per shard: an offer that asks for shards
   * (the {@code med} policy) is then trained with at most as many as DAB (thesis Eq. 3.5) says fit
   * its deadline, and declined when not even one does. Without a benchmark the device trains what it
   * is offered.
   */
  public DeviceClientOptions setBenchmark(DeviceBenchmark benchmark, int iterations) {
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations must be at least 1, got " + iterations);
    }
    this.benchmark = benchmark;
    this.iterations = iterations;
    return this;
  }

  /** The private benchmark; null when none was set. */
  public DeviceBenchmark benchmark() {
    return benchmark;
  }

  public int iterations() {
    return iterations;
  }

  public TlsOptions tls() {
    return tls;
  }

  public String url() {
    return url;
  }

  public String deviceId() {
    return deviceId;
  }

  public Map<String, Double> publicAttributes() {
    return publicAttributes;
  }

  public PrivateAttributes privateAttributes() {
    return privateAttributes;
  }

  public OfferDecision decision() {
    return decision;
  }

  public Vertx vertx() {
    return vertx;
  }

  public DeviceConnections connections() {
    return connections;
  }

  public double retryJitter() {
    return retryJitter;
  }

  public Duration callTimeout() {
    return callTimeout;
  }
}
