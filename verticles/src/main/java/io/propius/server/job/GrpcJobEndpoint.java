package io.propius.server.job;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.grpc.EndRoundRequest;
import io.propius.api.grpc.EndRoundResponse;
import io.propius.api.grpc.FinishJobRequest;
import io.propius.api.grpc.FinishJobResponse;
import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.HeartbeatRequest;
import io.propius.api.grpc.HeartbeatResponse;
import io.propius.api.grpc.JobEvent;
import io.propius.api.grpc.JobManagerGrpcService;
import io.propius.api.grpc.JobManagerService;
import io.propius.api.grpc.JobStatus;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RegisterJobResponse;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.api.grpc.RequestRoundResponse;
import io.propius.api.grpc.WatchJobRequest;
import io.propius.server.metrics.PropiusMetrics;
import io.vertx.core.Future;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;
import io.vertx.grpc.server.StatusException;

/** The JobManager gRPC service over {@link JobService}; failures become gRPC statuses with a message. */
final class GrpcJobEndpoint extends JobManagerService {
  private static final System.Logger LOG = System.getLogger(GrpcJobEndpoint.class.getName());

  private final JobService jobs;
  private final JobEventHub hub;
  private final JobEvents events;
  private final PropiusMetrics metrics;

  GrpcJobEndpoint(JobService jobs, JobEventHub hub, JobEvents events, PropiusMetrics metrics) {
    this.jobs = jobs;
    this.hub = hub;
    this.events = events;
    this.metrics = metrics;
  }

  void bind(GrpcServer server) {
    server.addService(JobManagerGrpcService.builder(this).bind(JobManagerGrpcService.RegisterJob,
        JobManagerGrpcService.RequestRound, JobManagerGrpcService.EndRound, JobManagerGrpcService.FinishJob,
        JobManagerGrpcService.Heartbeat, JobManagerGrpcService.GetJob).build());
    // Bound by hand: the generated streaming stub drops failures instead of sending a status.
    server.callHandler(JobManagerGrpcService.WatchJob, this::watch);
  }

  @Override
  public Future<RegisterJobResponse> registerJob(RegisterJobRequest request) {
    return outcome("RegisterJob", jobs.register(request));
  }

  @Override
  public Future<RequestRoundResponse> requestRound(RequestRoundRequest request) {
    return outcome("RequestRound", jobs.requestRound(request));
  }

  @Override
  public Future<EndRoundResponse> endRound(EndRoundRequest request) {
    return outcome("EndRound", jobs.endRound(request));
  }

  @Override
  public Future<FinishJobResponse> finishJob(FinishJobRequest request) {
    return outcome("FinishJob", jobs.finish(request));
  }

  @Override
  public Future<HeartbeatResponse> heartbeat(HeartbeatRequest request) {
    return outcome("Heartbeat", jobs.heartbeat(request));
  }

  @Override
  public Future<JobStatus> getJob(GetJobRequest request) {
    return outcome("GetJob", jobs.get(request));
  }

  private <T> Future<T> outcome(String method, Future<T> result) {
    return result.transform(ar -> {
      if (ar.succeeded()) {
        metrics.jobApiCall(PropiusMetrics.Transport.GRPC, method, null);
        return Future.succeededFuture(ar.result());
      }
      PropiusException failure = asPropius(ar.cause());
      metrics.jobApiCall(PropiusMetrics.Transport.GRPC, method, failure.code());
      return Future.failedFuture(new StatusException(failure.code().grpcStatus(), failure.getMessage()));
    });
  }

  private void watch(GrpcServerRequest<WatchJobRequest, JobEvent> request) {
    GrpcServerResponse<WatchJobRequest, JobEvent> response = request.response();
    request.handler(req -> JobWatch.start(req.getJobId(), jobs, hub, events, new JobWatch.Sink() {
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
    }, metrics).onSuccess(watch -> {
      metrics.jobApiCall(PropiusMetrics.Transport.GRPC, "WatchJob", null);
      request.errorHandler(err -> watch.cancel());
      request.exceptionHandler(err -> watch.cancel());
      request.connection().closeHandler(v -> watch.cancel());
    }).onFailure(err -> {
      PropiusException failure = asPropius(err);
      metrics.jobApiCall(PropiusMetrics.Transport.GRPC, "WatchJob", failure.code());
      response.status(failure.code().grpcStatus()).statusMessage(failure.getMessage()).end();
    }));
    request.invalidMessageHandler(invalid ->
        response.status(GrpcStatus.INVALID_ARGUMENT).statusMessage("malformed WatchJobRequest").end());
  }

  static PropiusException asPropius(Throwable err) {
    if (err instanceof PropiusException p) {
      return p;
    }
    LOG.log(System.Logger.Level.ERROR, "job API call failed unexpectedly", err);
    return new PropiusException(ErrorCode.INTERNAL, "internal error: " + err.getClass().getSimpleName());
  }
}
