package io.propius.server.testing;

import io.propius.api.GrpcErrors;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;

/**
 * A gRPC call that ended with a non-OK status, with the server's status message and what its
 * trailers said: the exact error code and the retry hint.
 */
public final class GrpcFailure extends RuntimeException {
  public final GrpcStatus status;
  /** The {@value GrpcErrors#ERROR_CODE} trailer as sent, null when absent. */
  public final String errorCode;
  /** The {@value GrpcErrors#RETRY_AFTER_MS} trailer as sent, null when absent. */
  public final String retryAfterMs;

  private GrpcFailure(GrpcStatus status, String message, String errorCode, String retryAfterMs) {
    super(status + ": " + message);
    this.status = status;
    this.errorCode = errorCode;
    this.retryAfterMs = retryAfterMs;
  }

  /** The failure of a finished call, read from the raw response (trailers, or headers of a trailers-only reply). */
  public static GrpcFailure of(GrpcClientResponse<?, ?> response) {
    return new GrpcFailure(response.status(), response.statusMessage(), trailer(response, GrpcErrors.ERROR_CODE),
        trailer(response, GrpcErrors.RETRY_AFTER_MS));
  }

  private static String trailer(GrpcClientResponse<?, ?> response, String name) {
    String value = response.trailers().get(name);
    return value != null ? value : response.headers().get(name);
  }

  public String statusMessage() {
    return getMessage().substring(getMessage().indexOf(": ") + 2);
  }
}
