package io.propius.server.testing;

import io.vertx.grpc.common.GrpcStatus;

/** A gRPC call that ended with a non-OK status, with the server's status message. */
public final class GrpcFailure extends RuntimeException {
  public final GrpcStatus status;

  public GrpcFailure(GrpcStatus status, String message) {
    super(status + ": " + message);
    this.status = status;
  }

  public String statusMessage() {
    return getMessage().substring(getMessage().indexOf(": ") + 2);
  }
}
