package io.propius.server.config;

import io.propius.api.tls.TlsOptions;
import io.propius.server.security.TrustedProxies;

/** The device-facing binding layer (paper §3.3). */
public final class DevicesOptions {
  private String host = "0.0.0.0";
  private int port = 8080;
  /** TLS of this port; unset: the global {@code tls} section. */
  private TlsOptions tls = new TlsOptions();
  /** Client manager verticle instances sharing the port (each with its own window). */
  private int instances = 2;
  /** Most offers in one check-in answer (K). */
  private int maxOffers = 3;
  /** How long an offer can be accepted. */
  private long offerTtlMs = 30_000;
  /** A bound device must confirm within this time or its slot is given back. */
  private long leaseMs = 30_000;
  /** How long a task token stays valid for the data plane. */
  private long taskTtlMs = 3_600_000;
  /** Devices seen within this time are in the sliding window. */
  private long windowMs = 600_000;
  /** Most devices one instance keeps in its window; the oldest go first. */
  private int windowCapacity = 200_000;
  /** Attributes kept per device in the window (the rest still count for offers). */
  private int windowAttributes = 16;
  /** Devices per instance sampled for the scheduler's client statistics. */
  private int sampleSize = 256;
  /** How often each instance reports its window statistics. */
  private long statsIntervalMs = 1_000;
  /** Largest device request body; larger gets 413. */
  private int maxBodyBytes = 16 * 1024;
  /** Base URL of the data plane handed to bound devices (their nearest edge node). */
  private String dataPlaneUrl = "http://127.0.0.1:8090";
  /** Check-in rate limits per device id and per client address (off by default). */
  private DeviceRateLimitOptions rateLimit = new DeviceRateLimitOptions();
  /**
   * Comma-separated CIDRs of the proxies in front of this port: from them (only), the client
   * address of the per-address limit is taken from {@code X-Forwarded-For}.
   */
  private String trustedProxies = "";
  /** Shortest and longest retry window told to devices without an offer. */
  private long retryMinMs = 1_000;
  private long retryMaxMs = 300_000;
  /** Pace steering aims to bring enough devices back within this horizon to fill open demand. */
  private long retryHorizonMs = 10_000;
  /**
   * Small-batch mode: a check-in is held (long-polled) until the device is assigned or this long
   * has passed since its check-in or its last ping; then it is answered without an offer.
   */
  private long holdMs = 20_000;
  /** Small-batch mode: most devices one instance holds; check-ins beyond are answered at once. */
  private int holdCapacity = 50_000;
  /**
   * Small-batch mode: the offers of a round that may be out at once (made, not yet accepted or
   * expired, on every node together), as a multiple of its open slots. 1.0 offers each slot once;
   * more (FedScale-style over-commitment, e.g. 1.3) fills a round faster when devices drop offers,
   * at the cost of ROUND_FULL answers when they do not.
   */
  private double overOffer = 1.0;
  /** Largest {@link #overOffer}: beyond it nearly every offer would be refused. */
  public static final double MAX_OVER_OFFER = 10.0;

  public String getHost() {
    return host;
  }

  public DevicesOptions setHost(String host) {
    this.host = host;
    return this;
  }

  public int getPort() {
    return port;
  }

  public DevicesOptions setPort(int port) {
    this.port = port;
    return this;
  }

  public int getInstances() {
    return instances;
  }

  public DevicesOptions setInstances(int instances) {
    this.instances = instances;
    return this;
  }

  public int getMaxOffers() {
    return maxOffers;
  }

  public DevicesOptions setMaxOffers(int maxOffers) {
    this.maxOffers = maxOffers;
    return this;
  }

  public long getOfferTtlMs() {
    return offerTtlMs;
  }

  public DevicesOptions setOfferTtlMs(long offerTtlMs) {
    this.offerTtlMs = offerTtlMs;
    return this;
  }

  public long getLeaseMs() {
    return leaseMs;
  }

  public DevicesOptions setLeaseMs(long leaseMs) {
    this.leaseMs = leaseMs;
    return this;
  }

  public long getTaskTtlMs() {
    return taskTtlMs;
  }

  public DevicesOptions setTaskTtlMs(long taskTtlMs) {
    this.taskTtlMs = taskTtlMs;
    return this;
  }

  public long getWindowMs() {
    return windowMs;
  }

  public DevicesOptions setWindowMs(long windowMs) {
    this.windowMs = windowMs;
    return this;
  }

  public int getWindowCapacity() {
    return windowCapacity;
  }

  public DevicesOptions setWindowCapacity(int windowCapacity) {
    this.windowCapacity = windowCapacity;
    return this;
  }

  public int getWindowAttributes() {
    return windowAttributes;
  }

  public DevicesOptions setWindowAttributes(int windowAttributes) {
    this.windowAttributes = windowAttributes;
    return this;
  }

  public int getSampleSize() {
    return sampleSize;
  }

  public DevicesOptions setSampleSize(int sampleSize) {
    this.sampleSize = sampleSize;
    return this;
  }

  public long getStatsIntervalMs() {
    return statsIntervalMs;
  }

  public DevicesOptions setStatsIntervalMs(long statsIntervalMs) {
    this.statsIntervalMs = statsIntervalMs;
    return this;
  }

  public int getMaxBodyBytes() {
    return maxBodyBytes;
  }

  public DevicesOptions setMaxBodyBytes(int maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
    return this;
  }

  public String getDataPlaneUrl() {
    return dataPlaneUrl;
  }

  public DevicesOptions setDataPlaneUrl(String dataPlaneUrl) {
    this.dataPlaneUrl = dataPlaneUrl;
    return this;
  }

  public long getRetryMinMs() {
    return retryMinMs;
  }

  public DevicesOptions setRetryMinMs(long retryMinMs) {
    this.retryMinMs = retryMinMs;
    return this;
  }

  public long getRetryMaxMs() {
    return retryMaxMs;
  }

  public DevicesOptions setRetryMaxMs(long retryMaxMs) {
    this.retryMaxMs = retryMaxMs;
    return this;
  }

  public long getRetryHorizonMs() {
    return retryHorizonMs;
  }

  public DevicesOptions setRetryHorizonMs(long retryHorizonMs) {
    this.retryHorizonMs = retryHorizonMs;
    return this;
  }

  public long getHoldMs() {
    return holdMs;
  }

  public DevicesOptions setHoldMs(long holdMs) {
    this.holdMs = holdMs;
    return this;
  }

  public int getHoldCapacity() {
    return holdCapacity;
  }

  public DevicesOptions setHoldCapacity(int holdCapacity) {
    this.holdCapacity = holdCapacity;
    return this;
  }

  public double getOverOffer() {
    return overOffer;
  }

  public DevicesOptions setOverOffer(double overOffer) {
    this.overOffer = overOffer;
    return this;
  }

  public String getTrustedProxies() {
    return trustedProxies;
  }

  public DevicesOptions setTrustedProxies(String trustedProxies) {
    this.trustedProxies = trustedProxies;
    return this;
  }

  public DeviceRateLimitOptions getRateLimit() {
    return rateLimit;
  }

  public TlsOptions getTls() {
    return tls;
  }

  public DevicesOptions setTls(TlsOptions tls) {
    this.tls = tls;
    return this;
  }

  void validate() {
    rateLimit.validate();
    TrustedProxies.parse(trustedProxies);
    tls.validate("devices.tls");
    Checks.port("devices.port", port);
    Checks.positive("devices.instances", instances);
    Checks.positive("devices.maxOffers", maxOffers);
    Checks.positive("devices.offerTtlMs", offerTtlMs);
    Checks.positive("devices.leaseMs", leaseMs);
    Checks.positive("devices.taskTtlMs", taskTtlMs);
    Checks.positive("devices.windowMs", windowMs);
    Checks.positive("devices.windowCapacity", windowCapacity);
    Checks.positive("devices.windowAttributes", windowAttributes);
    Checks.positive("devices.sampleSize", sampleSize);
    Checks.positive("devices.statsIntervalMs", statsIntervalMs);
    Checks.positive("devices.maxBodyBytes", maxBodyBytes);
    Checks.positive("devices.retryMinMs", retryMinMs);
    Checks.positive("devices.retryHorizonMs", retryHorizonMs);
    Checks.positive("devices.holdMs", holdMs);
    Checks.positive("devices.holdCapacity", holdCapacity);
    if (!(overOffer >= 1.0 && overOffer <= MAX_OVER_OFFER)) {
      throw new IllegalArgumentException("devices.overOffer must be between 1.0 (each open slot offered once) and "
          + MAX_OVER_OFFER + ", got " + overOffer);
    }
    if (retryMaxMs < retryMinMs) {
      throw new IllegalArgumentException("devices.retryMaxMs (" + retryMaxMs + ") must be >= devices.retryMinMs (" + retryMinMs + ")");
    }
  }
}
