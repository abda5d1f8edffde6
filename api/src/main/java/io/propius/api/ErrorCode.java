package io.propius.api;

import io.vertx.grpc.common.GrpcStatus;

/**
 * Every error Propius reports, with the HTTP status devices see and the gRPC status jobs see.
 * The name is the stable machine-readable code in JSON error bodies and, over gRPC, in the
 * {@value GrpcErrors#ERROR_CODE} trailer ({@link GrpcErrors}).
 */
public enum ErrorCode {
  /** Malformed request: bad JSON, missing or wrong-typed field, bad constraint or query. */
  INVALID_ARGUMENT(400, GrpcStatus.INVALID_ARGUMENT),
  /** A token that is missing, forged or expired. */
  UNAUTHENTICATED(401, GrpcStatus.UNAUTHENTICATED),
  /** A valid token used for something it does not cover (other device, other job). */
  PERMISSION_DENIED(403, GrpcStatus.PERMISSION_DENIED),
  /** An offer that was never issued to this device or whose signature does not verify. */
  OFFER_INVALID(403, GrpcStatus.PERMISSION_DENIED),
  NOT_FOUND(404, GrpcStatus.NOT_FOUND),
  /** The request does not fit the job's current state (e.g. a round is already open). */
  FAILED_PRECONDITION(409, GrpcStatus.FAILED_PRECONDITION),
  /** The round already has all the devices it asked for. */
  ROUND_FULL(409, GrpcStatus.RESOURCE_EXHAUSTED),
  /** The round is no longer requesting devices (ended, finished, or a newer round is open). */
  ROUND_CLOSED(409, GrpcStatus.FAILED_PRECONDITION),
  /** The offer's validity window passed; the device should check in again. */
  OFFER_EXPIRED(409, GrpcStatus.DEADLINE_EXCEEDED),
  /** The binding was not confirmed within its lease and its slot was given back. */
  LEASE_EXPIRED(409, GrpcStatus.DEADLINE_EXCEEDED),
  /** The job was expired by the server (missed heartbeats). */
  JOB_EXPIRED(410, GrpcStatus.FAILED_PRECONDITION),
  /** Request body over the configured limit. */
  PAYLOAD_TOO_LARGE(413, GrpcStatus.RESOURCE_EXHAUSTED),
  /** Admission control: the job would exceed a configured limit. */
  ADMISSION_DENIED(429, GrpcStatus.RESOURCE_EXHAUSTED),
  /** Too many calls from one device, address, tenant or token; retry after the Retry-After hint. */
  RATE_LIMITED(429, GrpcStatus.RESOURCE_EXHAUSTED),
  /** A backing service (the job store) is unreachable; retry later. */
  UNAVAILABLE(503, GrpcStatus.UNAVAILABLE),
  INTERNAL(500, GrpcStatus.INTERNAL);

  private final int httpStatus;
  private final GrpcStatus grpcStatus;

  ErrorCode(int httpStatus, GrpcStatus grpcStatus) {
    this.httpStatus = httpStatus;
    this.grpcStatus = grpcStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public GrpcStatus grpcStatus() {
    return grpcStatus;
  }

  /**
   * The code a bare HTTP status stands for (a response without a JSON error body): the most general
   * code with that status, i.e. the first declared; {@link #INTERNAL} for a status no code has.
   */
  public static ErrorCode ofHttpStatus(int httpStatus) {
    for (ErrorCode code : values()) {
      if (code.httpStatus == httpStatus) {
        return code;
      }
    }
    return INTERNAL;
  }
}
