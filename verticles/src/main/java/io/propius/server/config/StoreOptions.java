package io.propius.server.config;

/** Where hard job state lives. */
public final class StoreOptions {
  /** {@code memory}: in this process only (the embedded default). */
  private String type = "memory";
  /** Finished and expired jobs stay readable this long. */
  private long retainFinishedMs = 3_600_000;

  public String getType() {
    return type;
  }

  public StoreOptions setType(String type) {
    this.type = type;
    return this;
  }

  public long getRetainFinishedMs() {
    return retainFinishedMs;
  }

  public StoreOptions setRetainFinishedMs(long retainFinishedMs) {
    this.retainFinishedMs = retainFinishedMs;
    return this;
  }

  void validate() {
    if (!"memory".equals(type)) {
      throw new IllegalArgumentException("store.type must be 'memory', got '" + type + "'");
    }
    Checks.positive("store.retainFinishedMs", retainFinishedMs);
  }
}
