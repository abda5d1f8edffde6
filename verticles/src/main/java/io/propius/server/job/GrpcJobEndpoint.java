package io.propius.server.job;

import io.propius.api.ErrorCode;
import io.propius.api.GrpcErrors;
import io.propius.api.PropiusException;
import io.propius.api.grpc.JobEvent;
import io.propius.api.grpc.JobManagerGrpcService;
import io.propius.api.grpc.WatchJobRequest;
import io.propius.server.metrics.PropiusMetrics;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.function.BiFunction;

/**
 * The JobManager gRPC service over {@link JobService}: authenticates each call from its
 * {@code authorization} metadata and turns failures into gRPC statuses with a message and the
 * exact code in a trailer ({@link GrpcErrors}), unary and streaming alike. Methods are
 * bound with the request/response API rather than the generated stub, which sees no metadata and
 * drops failures of streaming calls.
 */
final class GrpcJobEndpoint {
  private static final System.Logger LOG = System.getLogger(GrpcJobEndpoint.class.getName());

  private final JobService jobs;
  private final JobAuthenticator auth;
  private final JobCallLimiter limiter;
  private final JobEventHub hub;
  private final JobEvents events;
  private final PropiusMetrics metrics;

  GrpcJobEndpoint(JobService jobs, JobAuthenticator auth, JobCallLimiter limiter, JobEventHub hub, JobEvents events,
                  PropiusMetrics metrics) {
    this.limiter = limiter;
    this.jobs = jobs;
    this.auth = auth;
    this.hub = hub;
    this.events = events;
    this.metrics = metrics;
  }

  void bind(GrpcServer server) {
    unary(server, JobManagerGrpcService.RegisterJob, "RegisterJob", jobs::register);
    unary(server, JobManagerGrpcService.RequestRound, "RequestRound", jobs::requestRound);
    unary(server, JobManagerGrpcService.EndRound, "EndRound", jobs::endRound);
    unary(server, JobManagerGrpcService.FinishJob, "FinishJob", jobs::finish);
    unary(server, JobManagerGrpcService.Heartbeat, "Heartbeat", jobs::heartbeat);
    unary(server, JobManagerGrpcService.GetJob, "GetJob", jobs::get);
    server.callHandler(JobManagerGrpcService.WatchJob, this::watch);
  }

  private <Q, R> void unary(GrpcServer server, ServiceMethod<Q, R> method, String name,
                            BiFunction<JobCaller, Q, Future<R>> call) {
    server.callHandler(method, request -> {
      GrpcServerResponse<Q, R> response = request.response();
      GrpcErrors.requestMessage(request, name)
          .compose(req -> {
            JobCaller caller = auth.authenticate(request.headers().get(HttpHeaders.AUTHORIZATION));
            limiter.admit(caller);
            return call.apply(caller, req);
          })
          .onSuccess(result -> {
            metrics.jobApiCall(PropiusMetrics.Transport.GRPC, name, null);
            response.end(result);
          })
          .onFailure(err -> fail(response, name, err));
    });
  }

  private void fail(GrpcServerResponse<?, ?> response, String method, Throwable err) {
    PropiusException failure = asPropius(err);
    metrics.jobApiCall(PropiusMetrics.Transport.GRPC, method, failure.code());
    GrpcErrors.end(response, failure);
  }

  private void watch(GrpcServerRequest<WatchJobRequest, JobEvent> request) {
    GrpcServerResponse<WatchJobRequest, JobEvent> response = request.response();
    GrpcErrors.requestMessage(request, "WatchJob").compose(req -> {
      JobCaller caller = auth.authenticate(request.headers().get(HttpHeaders.AUTHORIZATION));
      limiter.admit(caller);
      return JobWatch.start(caller, req.getJobId(), jobs, hub, events, new JobWatch.Sink() {
        @Override
        public boolean writable() {
          return !response.writeQueueFull();
        }

        @Override
        public void send(JobEvent event) {
          response.write(event);
        }

        @Override
        public void end() {
          response.end();
        }
      }, metrics);
    }).onSuccess(watch -> {
      metrics.jobApiCall(PropiusMetrics.Transport.GRPC, "WatchJob", null);
      request.errorHandler(err -> watch.cancel());
      request.exceptionHandler(err -> watch.cancel());
      request.connection().closeHandler(v -> watch.cancel());
    }).onFailure(err -> fail(response, "WatchJob", err));
  }

  static PropiusException asPropius(Throwable err) {
    if (err instanceof PropiusException p) {
      return p;
    }
    LOG.log(System.Logger.Level.ERROR, "job API call failed unexpectedly", err);
    return new PropiusException(ErrorCode.INTERNAL, "internal error: " + err.getClass().getSimpleName());
  }
}
