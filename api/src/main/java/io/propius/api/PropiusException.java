package io.propius.api;

import io.vertx.core.json.JsonObject;

/**
 * A failure with a stable {@link ErrorCode} and a message meant for the caller. Servers map it to
 * HTTP and gRPC statuses; clients rebuild it from error bodies.
 */
public class PropiusException extends RuntimeException {
  private final ErrorCode code;
  private final long retryAfterMs;

  public PropiusException(ErrorCode code, String message) {
    this(code, message, 0);
  }

  /** @param retryAfterMs when the caller may usefully retry, 0 if unknown */
  public PropiusException(ErrorCode code, String message, long retryAfterMs) {
    super(message, null, false, false);
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }

  public ErrorCode code() {
    return code;
  }

  public long retryAfterMs() {
    return retryAfterMs;
  }

  /** An HTTP {@code Retry-After} value (whole seconds, rounded up so a client never comes back early). */
  public static String retryAfterHeader(long retryAfterMs) {
    return Long.toString((retryAfterMs + 999) / 1000);
  }

  public static PropiusException invalid(String message) {
    return new PropiusException(ErrorCode.INVALID_ARGUMENT, message);
  }

  /** The JSON error body of the HTTP and WebSocket APIs: {@code {"error":{"code":..,"message":..}}}. */
  public JsonObject toJson() {
    JsonObject error = new JsonObject().put("code", code.name()).put("message", getMessage());
    if (retryAfterMs > 0) {
      error.put("retry_after_ms", retryAfterMs);
    }
    return new JsonObject().put("error", error);
  }

  @Override
  public String toString() {
    return code + ": " + getMessage();
  }
}
