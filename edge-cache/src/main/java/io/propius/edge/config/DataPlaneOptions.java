package io.propius.edge.config;

import io.propius.edge.ratelimit.RateLimit;
import io.propius.api.tls.TlsOptions;
import io.vertx.core.json.JsonObject;

/**
 * One edge node's settings. In the all-in-one server they are the {@code dataPlane} section (the
 * role is always root there); a standalone node takes them from {@code EdgeMain}'s flags. The
 * token secret and job API keys are not here: they come from the {@code security} settings.
 */
public final class DataPlaneOptions {
  private String role = "root";
  /** Stable node name, used by the parent to tell children apart; empty: taken from the journal or random. */
  private String nodeId = "";
  private String host = "0.0.0.0";
  private int port = 8090;
  /** TLS of this port; unset: the global {@code tls} section. */
  private TlsOptions tls = new TlsOptions();
  /** Base URL of the parent node (parent and leaf roles), e.g. {@code http://10.0.0.5:8090}. */
  private String parentUrl = "";
  /** Plan cache size of parent and leaf nodes; least recently used plans are evicted beyond it. */
  private long cacheBytes = 512L * 1024 * 1024;
  /** How long a cached plan is served before it is fetched again; also the Cache-Control max-age. */
  private long planTtlMs = 300_000;
  /** A node pushes its partial aggregates to its parent this often when they changed... */
  private long pushIntervalMs = 1_000;
  /**
   * ...and at once when this many new contributions arrived for a round. A push carries the whole
   * state (8 bytes per value) however few uploads it adds, so at 100 a leaf taking small uploads
   * spent a tenth of its event loop pushing; 1,000 is also the most uploads one push reports
   * ({@code PartialUpdate.MAX_UPLOADS}). Below 1,000 uploads a second the interval sends every push,
   * so the parent's view lags by up to {@link #pushIntervalMs} (it did below 100 a second before).
   */
  private int pushThreshold = 1_000;
  /** Largest accepted result upload (413 beyond). */
  private long maxUploadBytes = 64L * 1024 * 1024;
  /** Largest accepted plan (413 beyond). */
  private long maxPlanBytes = 1024L * 1024 * 1024;
  /**
   * Fold float32 uploads with the Vector API when the JVM was started with {@code --add-modules
   * jdk.incubator.vector}; without the module the node folds with the scalar loop and says so. On
   * by default: the results are bit-identical, and the module is the operator's opt-in already.
   * Process-wide: the last node started in a JVM sets it for all of them.
   */
  private boolean vectorFold = true;
  /** Refuse uploads containing NaN or infinite values. */
  private boolean rejectNonFinite = true;
  /**
   * Directory of the node's journal of accepted contributions and child partials; empty keeps
   * them in memory only (a restart then loses what was not yet pushed up).
   */
  private String journalDir = "";
  /** Directory of the plan files a node serves; empty: a fresh temporary directory, deleted at stop. */
  private String planDir = "";
  /** fsync the journal before acknowledging (survives an OS crash, not only a process restart). */
  private boolean journalFsync = false;
  /**
   * Compact the journal (rewrite it as a snapshot of the live state) once this many bytes were
   * appended since the last compaction and more than twice the last snapshot's size. The file
   * stays below the threshold plus three times the live state.
   */
  private long journalCompactBytes = 64L * 1024 * 1024;
  /**
   * How long a group commit that could start may wait for the uploads whose bodies were already
   * arriving, so that they share its write (the round's whole state, whatever the number of
   * uploads in it); 0: commit at once. A node with no other upload arriving commits at once either
   * way; the bound is what an acknowledgement may wait when a body stalls. Measured: at 16
   * concurrent 16 MB uploads, 1 s took commits from ~4 to ~13 uploads each (100 ms: ~7).
   */
  private long journalGroupCommitWaitMicros = 1_000_000;
  /**
   * A round without change for this long (and, below the root, fully pushed to the parent) is
   * forgotten: its aggregate, seen tokens and plan. Later uploads for it are refused (409). Keep it
   * above the longest round plus the task-token lifetime.
   */
  private long roundRetentionMs = 6 * 3_600_000L;
  /**
   * Bytes a connection may hold in its send buffer that TCP has not sent yet (Linux
   * {@code TCP_NOTSENT_LOWAT}); 0: the kernel's default, no bound. Bounded, large plans leave at
   * the pace of the client's window instead of queueing megabytes that the client's reads then
   * have to release (see {@code NotSentLowWatermark}).
   */
  private long tcpNotSentLowatBytes = 128 * 1024;
  /** Retry hint (Retry-After) given with 503 when the parent is unreachable. */
  private long retryAfterMs = 2_000;
  /** Give up on a parent request after this long. */
  private long upstreamTimeoutMs = 10_000;
  /**
   * Uploads per task token (one device's result for one round): its first upload and retries go
   * through, a flood gets 429 RATE_LIMITED. Rate 0 turns it off.
   */
  private RateLimit uploadsPerToken = new RateLimit(0.1, 10);

  public RateLimit getUploadsPerToken() {
    return uploadsPerToken;
  }

  public DataPlaneOptions setUploadsPerToken(RateLimit uploadsPerToken) {
    this.uploadsPerToken = uploadsPerToken;
    return this;
  }

  public EdgeRole role() {
    return EdgeRole.parse(role);
  }

  public String getRole() {
    return role;
  }

  public DataPlaneOptions setRole(String role) {
    this.role = role;
    return this;
  }

  public String getNodeId() {
    return nodeId;
  }

  public DataPlaneOptions setNodeId(String nodeId) {
    this.nodeId = nodeId;
    return this;
  }

  public String getHost() {
    return host;
  }

  public DataPlaneOptions setHost(String host) {
    this.host = host;
    return this;
  }

  public int getPort() {
    return port;
  }

  public DataPlaneOptions setPort(int port) {
    this.port = port;
    return this;
  }

  public String getParentUrl() {
    return parentUrl;
  }

  public DataPlaneOptions setParentUrl(String parentUrl) {
    this.parentUrl = parentUrl;
    return this;
  }

  public long getCacheBytes() {
    return cacheBytes;
  }

  public DataPlaneOptions setCacheBytes(long cacheBytes) {
    this.cacheBytes = cacheBytes;
    return this;
  }

  public long getPlanTtlMs() {
    return planTtlMs;
  }

  public DataPlaneOptions setPlanTtlMs(long planTtlMs) {
    this.planTtlMs = planTtlMs;
    return this;
  }

  public long getPushIntervalMs() {
    return pushIntervalMs;
  }

  public DataPlaneOptions setPushIntervalMs(long pushIntervalMs) {
    this.pushIntervalMs = pushIntervalMs;
    return this;
  }

  public int getPushThreshold() {
    return pushThreshold;
  }

  public DataPlaneOptions setPushThreshold(int pushThreshold) {
    this.pushThreshold = pushThreshold;
    return this;
  }

  public long getMaxUploadBytes() {
    return maxUploadBytes;
  }

  public DataPlaneOptions setMaxUploadBytes(long maxUploadBytes) {
    this.maxUploadBytes = maxUploadBytes;
    return this;
  }

  public long getMaxPlanBytes() {
    return maxPlanBytes;
  }

  public DataPlaneOptions setMaxPlanBytes(long maxPlanBytes) {
    this.maxPlanBytes = maxPlanBytes;
    return this;
  }

  public boolean isRejectNonFinite() {
    return rejectNonFinite;
  }

  public DataPlaneOptions setRejectNonFinite(boolean rejectNonFinite) {
    this.rejectNonFinite = rejectNonFinite;
    return this;
  }

  public boolean isVectorFold() {
    return vectorFold;
  }

  public DataPlaneOptions setVectorFold(boolean vectorFold) {
    this.vectorFold = vectorFold;
    return this;
  }

  public String getJournalDir() {
    return journalDir;
  }

  public DataPlaneOptions setJournalDir(String journalDir) {
    this.journalDir = journalDir;
    return this;
  }

  public String getPlanDir() {
    return planDir;
  }

  public DataPlaneOptions setPlanDir(String planDir) {
    this.planDir = planDir;
    return this;
  }

  public boolean isJournalFsync() {
    return journalFsync;
  }

  public DataPlaneOptions setJournalFsync(boolean journalFsync) {
    this.journalFsync = journalFsync;
    return this;
  }

  public long getJournalCompactBytes() {
    return journalCompactBytes;
  }

  public DataPlaneOptions setJournalCompactBytes(long journalCompactBytes) {
    this.journalCompactBytes = journalCompactBytes;
    return this;
  }

  public long getJournalGroupCommitWaitMicros() {
    return journalGroupCommitWaitMicros;
  }

  public DataPlaneOptions setJournalGroupCommitWaitMicros(long journalGroupCommitWaitMicros) {
    this.journalGroupCommitWaitMicros = journalGroupCommitWaitMicros;
    return this;
  }

  public long getRoundRetentionMs() {
    return roundRetentionMs;
  }

  public DataPlaneOptions setRoundRetentionMs(long roundRetentionMs) {
    this.roundRetentionMs = roundRetentionMs;
    return this;
  }

  public long getRetryAfterMs() {
    return retryAfterMs;
  }

  public DataPlaneOptions setRetryAfterMs(long retryAfterMs) {
    this.retryAfterMs = retryAfterMs;
    return this;
  }

  public long getTcpNotSentLowatBytes() {
    return tcpNotSentLowatBytes;
  }

  public DataPlaneOptions setTcpNotSentLowatBytes(long tcpNotSentLowatBytes) {
    this.tcpNotSentLowatBytes = tcpNotSentLowatBytes;
    return this;
  }

  public long getUpstreamTimeoutMs() {
    return upstreamTimeoutMs;
  }

  public DataPlaneOptions setUpstreamTimeoutMs(long upstreamTimeoutMs) {
    this.upstreamTimeoutMs = upstreamTimeoutMs;
    return this;
  }

  /** @throws IllegalArgumentException naming the first bad setting */
  public TlsOptions getTls() {
    return tls;
  }

  public DataPlaneOptions setTls(TlsOptions tls) {
    this.tls = tls;
    return this;
  }

  public DataPlaneOptions validate() {
    uploadsPerToken.validate("dataPlane.uploadsPerToken");
    tls.validate("dataPlane.tls");
    EdgeRole r = role();
    if (r != EdgeRole.ROOT && (parentUrl == null || !parentUrl.matches("https?://[^/]+/?"))) {
      throw new IllegalArgumentException("dataPlane.parentUrl must be http(s)://host:port for a " + role
          + " node, got '" + parentUrl + "'");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("dataPlane.port must be 0..65535, got " + port);
    }
    positive("cacheBytes", cacheBytes);
    positive("planTtlMs", planTtlMs);
    positive("pushIntervalMs", pushIntervalMs);
    positive("pushThreshold", pushThreshold);
    positive("maxUploadBytes", maxUploadBytes);
    positive("maxPlanBytes", maxPlanBytes);
    positive("retryAfterMs", retryAfterMs);
    positive("upstreamTimeoutMs", upstreamTimeoutMs);
    positive("journalCompactBytes", journalCompactBytes);
    positive("roundRetentionMs", roundRetentionMs);
    if (journalGroupCommitWaitMicros < 0 || journalGroupCommitWaitMicros > 1_000_000) {
      throw new IllegalArgumentException("dataPlane.journalGroupCommitWaitMicros must be 0 (commit at once) to"
          + " 1000000 (1 s), got " + journalGroupCommitWaitMicros);
    }
    if (tcpNotSentLowatBytes < 0 || tcpNotSentLowatBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("dataPlane.tcpNotSentLowatBytes must be 0 (the kernel's default) or a"
          + " positive number of bytes below 2 GiB, got " + tcpNotSentLowatBytes);
    }
    if (maxPlanBytes > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("dataPlane.maxPlanBytes must be below 2 GiB, got " + maxPlanBytes);
    }
    return this;
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException("dataPlane." + name + " must be positive, got " + value);
    }
  }

  @Override
  public String toString() {
    return new JsonObject().put("role", role).put("nodeId", nodeId).put("host", host).put("port", port)
        .put("parentUrl", parentUrl).encode();
  }
}
