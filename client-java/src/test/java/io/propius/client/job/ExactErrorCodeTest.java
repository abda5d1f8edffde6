package io.propius.client.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.propius.api.ErrorCode;
import io.propius.api.GrpcErrors;
import io.propius.api.PropiusException;
import io.propius.api.grpc.JobManagerGrpcService;
import io.propius.api.grpc.RegisterJobResponse;
import io.propius.api.grpc.RequestRoundResponse;
import io.propius.client.PropiusClientException;
import io.propius.client.testing.CuttableProxy;
import io.propius.client.testing.QuickOptions;
import io.propius.server.config.PropiusOptions;
import io.propius.server.testing.TestServer;
import io.propius.testing.Eventually;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Both transports report the server's exact error code. Over gRPC it comes from the
 * {@code propius-error-code} trailer: a JOB_EXPIRED is not mistaken for the FAILED_PRECONDITION
 * that shares its status. Without the trailer (an older server) the status decides.
 */
class ExactErrorCodeTest {
  @ParameterizedTest
  @EnumSource(JobTransportType.class)
  void aJobExpiredWhileTheNetworkWasDownIsReportedAsJobExpired(JobTransportType transport) throws Exception {
    PropiusOptions options = QuickOptions.options();
    options.jobs().setHeartbeatTimeoutMs(600);
    options.devices().setLeaseMs(400); // expiry sweeps every 100 ms
    try (TestServer server = TestServer.start(options);
         CuttableProxy proxy = CuttableProxy.start(server.vertx, server.jobsPort());
         JobClient job = JobClient.create(new JobClientOptions().setServer("127.0.0.1", proxy.port())
             .setTransport(transport).setReconnectBackoff(20, 200))) {
      long id = job.register(JobSpec.of("expiring-" + transport, 2, 1));
      // The network goes away long enough for the server to miss the job's heartbeats.
      proxy.refuse(true);
      proxy.cut();
      Eventually.eventually(Duration.ofSeconds(10), () -> "EXPIRED".equals(server.jobState(id)),
          "the job to expire");
      proxy.refuse(false);

      assertThatThrownBy(() -> job.requestRound(1)).isInstanceOfSatisfying(PropiusClientException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.JOB_EXPIRED);
        assertThat(e.isRetryable()).isFalse();
      }).hasMessageContaining("job " + id + " was expired: no heartbeat for");
    }
  }

  @Test
  void withoutTheTrailerTheStatusDecidesAndARetryHintIsKept() throws Exception {
    // A stand-in for servers this SDK must still understand: one from before the trailer, one
    // newer whose code this SDK does not know, and the current one with a retry hint.
    Vertx vertx = Vertx.vertx();
    try {
      GrpcServer grpc = GrpcServer.server(vertx);
      grpc.callHandler(JobManagerGrpcService.RegisterJob, request -> request.last().onSuccess(req -> {
        GrpcServerResponse<?, ?> response = request.response();
        switch (req.getName()) {
          case "older" -> response.status(GrpcStatus.RESOURCE_EXHAUSTED).statusMessage("over the limit").end();
          case "newer" -> {
            response.trailers().set(GrpcErrors.ERROR_CODE, "SOME_LATER_CODE");
            response.status(GrpcStatus.FAILED_PRECONDITION).statusMessage("not now").end();
          }
          default -> GrpcErrors.end(response, new PropiusException(ErrorCode.UNAVAILABLE, "busy", 1500));
        }
      }));
      HttpServer http = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1")).requestHandler(grpc);
      int port = http.listen(0).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).actualPort();
      try (JobClient job = JobClient.create(new JobClientOptions().setServer("127.0.0.1", port))) {
        assertThat(registerFailure(job, "older").code()).isEqualTo(ErrorCode.ADMISSION_DENIED);
        assertThat(registerFailure(job, "newer").code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        PropiusClientException busy = registerFailure(job, "current");
        assertThat(busy.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(busy.retryAfterMs()).isEqualTo(1500);
        assertThat(busy).hasMessageContaining("busy");
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRetriedCallWaitsAtLeastTheServersRetryHint() throws Exception {
    // RequestRound is refused once as UNAVAILABLE with a 400 ms hint (a store outage), then succeeds.
    Vertx vertx = Vertx.vertx();
    try {
      List<Long> calls = Collections.synchronizedList(new ArrayList<>());
      GrpcServer grpc = GrpcServer.server(vertx);
      grpc.callHandler(JobManagerGrpcService.RegisterJob, request -> request.last().onSuccess(req ->
          request.response().end(RegisterJobResponse.newBuilder().setJobId(7).build())));
      grpc.callHandler(JobManagerGrpcService.RequestRound, request -> request.last().onSuccess(req -> {
        calls.add(System.nanoTime());
        if (calls.size() == 1) {
          GrpcErrors.end(request.response(), new PropiusException(ErrorCode.UNAVAILABLE, "store down", 400));
        } else {
          request.response().end(RequestRoundResponse.newBuilder().setRound(req.getRound()).build());
        }
      }));
      HttpServer http = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1")).requestHandler(grpc);
      int port = http.listen(0).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).actualPort();
      try (JobClient job = JobClient.create(new JobClientOptions().setServer("127.0.0.1", port)
          .setReconnectBackoff(20, 200))) {
        job.register(JobSpec.of("hinted", 1, 1));
        assertThat(job.requestRound(1)).isEqualTo(1);
        assertThat(calls).hasSize(2);
        // Its own back-off alone (20 ms, jittered) would have retried within 30 ms.
        assertThat(TimeUnit.NANOSECONDS.toMillis(calls.get(1) - calls.get(0))).isGreaterThanOrEqualTo(400);
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static PropiusClientException registerFailure(JobClient job, String name) {
    try {
      job.register(JobSpec.of(name, 1, 1));
    } catch (PropiusClientException e) {
      return e;
    }
    throw new AssertionError("register of " + name + " did not fail");
  }
}
