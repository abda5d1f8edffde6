package io.propius.client.job;

import com.google.protobuf.Message;
import io.propius.api.ErrorCode;
import io.propius.api.GrpcErrors;
import io.propius.api.grpc.JobEvent;
import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.grpc.WatchJobRequest;
import io.propius.api.tls.Tls;
import io.propius.api.tls.TlsOptions;
import io.propius.client.PropiusClientException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The job API over gRPC (HTTP/2 without TLS, as the server serves it). Uses the request/response
 * API of the Vert.x gRPC client rather than the generated stub, which drops the status message
 * and the trailers that carry the exact error code ({@link GrpcErrors}).
 */
final class GrpcJobTransport implements JobTransport {
  private static final int HTTP2_WINDOW = 4 << 20;

  private final GrpcClient client;
  private final SocketAddress address;
  private final String apiKey;

  /** @param tls null for plaintext */
  GrpcJobTransport(Vertx vertx, String host, int port, TlsOptions tls, String apiKey, int connectTimeoutMs) {
    HttpClientOptions http = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setConnectTimeout(connectTimeoutMs)
        .setInitialSettings(new Http2Settings().setInitialWindowSize(HTTP2_WINDOW));
    if (tls != null) {
      Tls.client(http.setSsl(true), tls);
    }
    this.client = GrpcClient.client(vertx, http);
    this.address = SocketAddress.inetSocketAddress(port, host);
    this.apiKey = apiKey;
  }

  @Override
  public <Q extends Message, R extends Message> Future<R> call(JobCall<Q, R> call, Q request) {
    return open(call.grpc(), request, call.name())
        .compose(response -> response.last().recover(err -> Future.failedFuture(failure(response, err, call.name()))));
  }

  @Override
  public Future<JobEvent> watch(long jobId, Handler<JobEvent> events, Handler<Throwable> ended) {
    Promise<JobEvent> started = Promise.promise();
    AtomicBoolean done = new AtomicBoolean();
    Handler<Throwable> end = err -> {
      if (done.compareAndSet(false, true) && !started.tryFail(err != null ? err
          : new PropiusClientException(ErrorCode.UNAVAILABLE, "WatchJob ended before its first event"))) {
        ended.handle(err);
      }
    };
    open(JobManagerGrpcClient.WatchJob, WatchJobRequest.newBuilder().setJobId(jobId).build(), "WatchJob")
        .onFailure(started::tryFail)
        .onSuccess(response -> {
          response.handler(event -> {
            if (!started.tryComplete(event)) {
              events.handle(event);
            }
          });
          response.exceptionHandler(err -> end.handle(PropiusClientException.unavailable("WatchJob stream", err)));
          response.endHandler(v -> end.handle(response.status() == GrpcStatus.OK ? null
              : failure(response, null, "WatchJob")));
        });
    return started.future();
  }

  private <Q, R> Future<GrpcClientResponse<Q, R>> open(ServiceMethod<R, Q> method, Q request, String name) {
    return client.request(address, method)
        .compose((GrpcClientRequest<Q, R> req) -> {
          if (apiKey != null) {
            req.headers().set("authorization", "Bearer " + apiKey);
          }
          return req.end(request).compose(v -> req.response());
        })
        .recover(err -> Future.failedFuture(err instanceof PropiusClientException ? err
            : PropiusClientException.unavailable("job manager " + address + " (" + name + ")", err)));
  }

  private static PropiusClientException failure(GrpcClientResponse<?, ?> response, Throwable err, String name) {
    GrpcStatus status = response.status();
    if (status == null || status == GrpcStatus.OK) {
      return PropiusClientException.unavailable("job manager (" + name + ")", err != null ? err
          : new IllegalStateException("stream ended without a status"));
    }
    String message = response.statusMessage() != null ? response.statusMessage() : name + " failed";
    return new PropiusClientException(GrpcErrors.code(response).orElseGet(() -> codeOf(status)), message,
        GrpcErrors.retryAfterMs(response), null);
  }

  /**
   * The code of a failure without the exact-code trailer: from a server before the trailer, or
   * from outside Propius (a proxy, the connection) where only the status is known.
   */
  private static ErrorCode codeOf(GrpcStatus status) {
    return switch (status) {
      case INVALID_ARGUMENT, OUT_OF_RANGE -> ErrorCode.INVALID_ARGUMENT;
      case UNAUTHENTICATED -> ErrorCode.UNAUTHENTICATED;
      case PERMISSION_DENIED -> ErrorCode.PERMISSION_DENIED;
      case NOT_FOUND -> ErrorCode.NOT_FOUND;
      case FAILED_PRECONDITION, ABORTED -> ErrorCode.FAILED_PRECONDITION;
      case RESOURCE_EXHAUSTED -> ErrorCode.ADMISSION_DENIED;
      case UNAVAILABLE, CANCELLED, DEADLINE_EXCEEDED -> ErrorCode.UNAVAILABLE;
      default -> ErrorCode.INTERNAL;
    };
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }
}
