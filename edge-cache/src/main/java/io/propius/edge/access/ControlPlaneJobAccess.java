package io.propius.edge.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.auth.TenantKeys;
import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.tls.Tls;
import io.propius.api.tls.TlsOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientOptions;
import io.vertx.grpc.common.GrpcStatus;
import java.util.concurrent.TimeUnit;

/**
 * Job calls at a standalone root ({@code EdgeMain --control-plane}), which has no job store of its
 * own: it asks the control plane's job API ({@code GetJob}) with the caller's own
 * {@code Authorization}, so the control plane's rules decide — key → tenant, the job must be that
 * tenant's, open without keys — and its UNAUTHENTICATED, PERMISSION_DENIED and NOT_FOUND answers are
 * passed on as they are. Allowed (key, job) pairs are remembered, at most a fixed number (a job's
 * owner never changes; a key removed from the server stays usable here for jobs it already used
 * until this node restarts). A control plane that cannot be reached is UNAVAILABLE with a retry hint.
 */
public final class ControlPlaneJobAccess implements JobAccess {
  /** Allowed (key, job) pairs remembered. */
  public static final int REMEMBERED_PAIRS = 10_000;
  private static final Future<Void> ALLOWED = Future.succeededFuture();

  private final GrpcClient client;
  private final SocketAddress address;
  private final long retryAfterMs;
  private final Cache<String, Boolean> allowed = Caffeine.newBuilder().maximumSize(REMEMBERED_PAIRS).build();

  /**
   * @param timeoutMs    how long to wait for the control plane's answer
   * @param retryAfterMs the retry hint when it does not answer
   */
  public ControlPlaneJobAccess(Vertx vertx, String host, int port, long timeoutMs, long retryAfterMs) {
    this(vertx, host, port, null, timeoutMs, retryAfterMs);
  }

  /** @param tls null for plaintext, else TLS verified against its {@code trustPath} (with its certificate for mTLS) */
  public ControlPlaneJobAccess(Vertx vertx, String host, int port, TlsOptions tls, long timeoutMs, long retryAfterMs) {
    HttpClientOptions http = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setConnectTimeout((int) timeoutMs);
    if (tls != null) {
      Tls.client(http.setSsl(true), tls);
    }
    this.client = GrpcClient.client(vertx, new GrpcClientOptions().setScheduleDeadlineAutomatically(true)
        .setTimeout((int) timeoutMs).setTimeoutUnit(TimeUnit.MILLISECONDS), http);
    this.address = SocketAddress.inetSocketAddress(port, host);
    this.retryAfterMs = retryAfterMs;
  }

  @Override
  public Future<Void> authorize(String authorization, long jobId) {
    String pair = TenantKeys.digest(authorization == null ? "" : authorization.trim()) + "/" + jobId;
    if (allowed.getIfPresent(pair) != null) {
      return ALLOWED;
    }
    return client.request(address, JobManagerGrpcClient.GetJob)
        .compose(req -> {
          if (authorization != null) {
            req.headers().set("authorization", authorization);
          }
          return req.end(GetJobRequest.newBuilder().setJobId(jobId).build()).compose(v -> req.response());
        })
        .compose(resp -> resp.last().transform(done -> {
          if (done.succeeded() && resp.status() == GrpcStatus.OK) {
            allowed.put(pair, Boolean.TRUE);
            return ALLOWED;
          }
          return Future.<Void>failedFuture(refusal(jobId, resp.status(), resp.statusMessage()));
        }))
        .recover(err -> Future.failedFuture(err instanceof PropiusException p ? p
            : unreachable(jobId, err.getClass().getSimpleName() + ": " + err.getMessage())));
  }

  private PropiusException refusal(long jobId, GrpcStatus status, String message) {
    if (status == null) {
      return unreachable(jobId, "no answer");
    }
    return switch (status) {
      case UNAUTHENTICATED -> new PropiusException(ErrorCode.UNAUTHENTICATED, message);
      case PERMISSION_DENIED -> new PropiusException(ErrorCode.PERMISSION_DENIED, message);
      case NOT_FOUND -> new PropiusException(ErrorCode.NOT_FOUND, message);
      default -> unreachable(jobId, status + (message == null ? "" : ": " + message));
    };
  }

  private PropiusException unreachable(long jobId, String why) {
    return new PropiusException(ErrorCode.UNAVAILABLE, "the control plane at " + address.host() + ":"
        + address.port() + " could not say whether this key may use job " + jobId + " (" + why + "); retry",
        retryAfterMs);
  }
}
