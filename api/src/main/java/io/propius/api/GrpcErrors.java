package io.propius.api;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.CodecException;
import io.vertx.grpc.common.MessageSizeOverflowException;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.Optional;

/**
 * How a {@link PropiusException} travels over gRPC. The gRPC status is the code's
 * {@link ErrorCode#grpcStatus()} and the status message is the exception's message, but several
 * codes share a status (JOB_EXPIRED and FAILED_PRECONDITION are both FAILED_PRECONDITION), so
 * the exact code goes in the trailer {@value #ERROR_CODE} (its {@link ErrorCode} name) and a
 * retry hint, when the server has one, in {@value #RETRY_AFTER_MS} (milliseconds, decimal): the
 * same two facts the HTTP and WebSocket error bodies carry as {@code code} and
 * {@code retry_after_ms}.
 */
public final class GrpcErrors {
  /** Trailer with the exact {@link ErrorCode} name of a failed call. */
  public static final String ERROR_CODE = "propius-error-code";
  /** Trailer with the milliseconds after which a retry may succeed; absent when the server has no hint. */
  public static final String RETRY_AFTER_MS = "propius-retry-after-ms";

  private GrpcErrors() {
  }

  /**
   * The call's single request message, or one failure naming the method: PAYLOAD_TOO_LARGE for a
   * message over the server's size limit, INVALID_ARGUMENT for one that does not decode (Vert.x
   * reports these as an invalid message and as a {@link CodecException}, which would otherwise
   * become INTERNAL). Installs the request's invalid-message handler.
   */
  public static <Q> Future<Q> requestMessage(GrpcServerRequest<Q, ?> request, String method) {
    Promise<Q> message = Promise.promise();
    request.invalidMessageHandler(invalid -> message.tryFail(invalid instanceof MessageSizeOverflowException tooLarge
        ? new PropiusException(ErrorCode.PAYLOAD_TOO_LARGE, method + " request of " + tooLarge.messageSize()
            + " bytes is over the server's message size limit")
        : PropiusException.invalid("malformed " + method + " request: " + invalid.getMessage())));
    request.last().onComplete(message::tryComplete, err -> message.tryFail(err instanceof CodecException
        ? PropiusException.invalid("malformed " + method + " request: "
            + (err.getCause() != null ? err.getCause().getMessage() : err.getMessage()))
        : err));
    return message.future();
  }

  /** Ends a call with {@code failure}: its status, its message and the two trailers. */
  public static Future<Void> end(GrpcServerResponse<?, ?> response, PropiusException failure) {
    MultiMap trailers = response.trailers();
    trailers.set(ERROR_CODE, failure.code().name());
    if (failure.retryAfterMs() > 0) {
      trailers.set(RETRY_AFTER_MS, Long.toString(failure.retryAfterMs()));
    }
    return response.status(failure.code().grpcStatus()).statusMessage(failure.getMessage()).end();
  }

  /**
   * The exact code of a failed call; empty when the server sent none (a server from before this
   * trailer, or a failure outside Propius such as a proxy's) or one this client does not know.
   */
  public static Optional<ErrorCode> code(GrpcClientResponse<?, ?> response) {
    String name = value(response, ERROR_CODE);
    try {
      return name == null ? Optional.empty() : Optional.of(ErrorCode.valueOf(name));
    } catch (IllegalArgumentException newerServer) {
      return Optional.empty();
    }
  }

  /** The server's retry hint of a failed call in milliseconds, 0 when it gave none. */
  public static long retryAfterMs(GrpcClientResponse<?, ?> response) {
    String ms = value(response, RETRY_AFTER_MS);
    try {
      return ms == null ? 0 : Math.max(0, Long.parseLong(ms));
    } catch (NumberFormatException malformed) {
      return 0;
    }
  }

  private static String value(GrpcClientResponse<?, ?> response, String name) {
    // A call that fails before any message is a "trailers-only" response: status and trailers
    // arrive in the one header frame, so they are among the headers rather than the trailers.
    String value = response.trailers().get(name);
    return value != null ? value : response.headers().get(name);
  }
}
