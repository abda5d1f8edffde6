package io.propius.client;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.vertx.core.json.JsonObject;

/**
 * A failed Propius call as the SDK reports it: the server's {@link ErrorCode} (or
 * {@link ErrorCode#UNAVAILABLE} when the server could not be reached), its message, and when the
 * server says a retry may help, {@link #retryAfterMs()}. Unchecked, so the blocking style needs no
 * {@code throws} clauses and the async style carries it as the failure of a {@code Future}.
 */
// Not api's PropiusException, though the fields match: that one is the server's stackless, causeless
// error; this one is the SDK's public type, with a cause (the transport failure) and the code in its message.
public class PropiusClientException extends RuntimeException {
  private final ErrorCode code;
  private final long retryAfterMs;

  public PropiusClientException(ErrorCode code, String message) {
    this(code, message, 0, null);
  }

  public PropiusClientException(ErrorCode code, String message, long retryAfterMs, Throwable cause) {
    super(code + ": " + message, cause);
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }

  /** The stable machine-readable code. */
  public ErrorCode code() {
    return code;
  }

  /** When the server suggested retrying (ms), 0 when it did not. */
  public long retryAfterMs() {
    return retryAfterMs;
  }

  /** True for a connection failure or an overloaded server: the same call may succeed later. */
  public boolean isRetryable() {
    return code == ErrorCode.UNAVAILABLE;
  }

  /** A connection-level failure (refused, reset, timed out) talking to {@code what}. */
  public static PropiusClientException unavailable(String what, Throwable cause) {
    return new PropiusClientException(ErrorCode.UNAVAILABLE, what + " unreachable: "
        + (cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName()), 0, cause);
  }

  /**
   * Rebuilds the error of a JSON error body ({@code {"error":{"code":..,"message":..}}}); an
   * unknown or missing code becomes {@code fallback}.
   */
  public static PropiusClientException fromErrorBody(JsonObject body, ErrorCode fallback, String fallbackMessage,
                                                     long retryAfterMs) {
    JsonObject error = body == null ? null : body.getJsonObject("error");
    if (error == null) {
      return new PropiusClientException(fallback, fallbackMessage, retryAfterMs, null);
    }
    ErrorCode code = fallback;
    try {
      code = ErrorCode.valueOf(error.getString("code", fallback.name()));
    } catch (IllegalArgumentException ignored) {
      // a code from a newer server: keep the status-derived one
    }
    long retry = error.getLong("retry_after_ms", retryAfterMs);
    return new PropiusClientException(code, error.getString("message", fallbackMessage), retry, null);
  }

  /** The code a bare HTTP status stands for, when a response carries no JSON error body (a proxy's page). */
  public static ErrorCode codeOfHttpStatus(int httpStatus) {
    // Gateways answer 502 and 504 when the server behind them is unreachable.
    return httpStatus == 502 || httpStatus == 504 ? ErrorCode.UNAVAILABLE : ErrorCode.ofHttpStatus(httpStatus);
  }

  /** Wraps anything into a client exception, keeping a server-side {@link PropiusException}'s code. */
  public static PropiusClientException wrap(Throwable err) {
    if (err instanceof PropiusClientException p) {
      return p;
    }
    if (err instanceof PropiusException p) {
      return new PropiusClientException(p.code(), p.getMessage(), p.retryAfterMs(), p);
    }
    return new PropiusClientException(ErrorCode.INTERNAL, String.valueOf(err.getMessage()), 0, err);
  }
}
