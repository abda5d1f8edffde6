package io.propius.server.job;

import io.propius.api.PropiusException;
import io.propius.api.grpc.JobEvent;
import io.propius.server.bus.Addresses;
import io.propius.server.bus.Inbox;
import io.propius.server.config.JobsOptions;
import io.propius.server.metrics.PropiusMetrics;
import io.propius.api.tls.Tls;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerOptions;

/**
 * The application layer (paper §3.1): serves the job API over gRPC and over a WebSocket
 * ({@value #WEBSOCKET_PATH}) on one port, and streams job events to watchers.
 */
public final class JobManagerVerticle extends VerticleBase {
  public static final String WEBSOCKET_PATH = "/v1/jobs/ws";
  /** HTTP/2 flow-control window; the 64 KiB default makes large messages crawl. */
  private static final int HTTP2_WINDOW = 4 << 20;

  private final JobService jobs;
  private final JobAuthenticator auth;
  private final JobCallLimiter limiter;
  private final JobEvents events;
  private final JobsOptions options;
  private final PropiusMetrics metrics;
  private final JobEventHub hub;
  private HttpServer server;

  public JobManagerVerticle(JobService jobs, JobAuthenticator auth, JobCallLimiter limiter, JobEvents events,
                            JobsOptions options, PropiusMetrics metrics) {
    this.limiter = limiter;
    this.jobs = jobs;
    this.auth = auth;
    this.events = events;
    this.hub = new JobEventHub(events);
    this.options = options;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    new Inbox(vertx.eventBus(), metrics).consumer(Addresses.JOB_EVENTS, JobEvent.class, msg -> hub.dispatch(msg.body()));
    GrpcServer grpc = GrpcServer.server(vertx, new GrpcServerOptions().setMaxMessageSize(options.getMaxMessageBytes()));
    new GrpcJobEndpoint(jobs, auth, limiter, hub, events, metrics).bind(grpc);
    HttpServerOptions serverOptions = new HttpServerOptions().setHost(options.getHost()).setPort(options.getPort())
        .setMaxWebSocketFrameSize(options.getMaxMessageBytes()).setMaxWebSocketMessageSize(options.getMaxMessageBytes())
        .setInitialSettings(new Http2Settings().setInitialWindowSize(HTTP2_WINDOW))
        .setHttp2ConnectionWindowSize(HTTP2_WINDOW);
    server = Tls.createHttpServer(vertx, serverOptions, options.getTls()).requestHandler(req -> route(req, grpc));
    return server.listen();
  }

  private void route(HttpServerRequest req, GrpcServer grpc) {
    String contentType = req.getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType != null && contentType.startsWith("application/grpc")) {
      grpc.handle(req);
    } else if (WEBSOCKET_PATH.equals(req.path()) && "websocket".equalsIgnoreCase(req.getHeader(HttpHeaders.UPGRADE))) {
      JobCaller caller;
      try {
        caller = auth.authenticate(req.getHeader(HttpHeaders.AUTHORIZATION));
      } catch (PropiusException e) {
        req.response().setStatusCode(e.code().httpStatus()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(e.toJson().encode());
        return;
      }
      req.toWebSocket().onSuccess(ws -> new WebSocketJobSession(ws, caller, limiter, jobs, hub, events, metrics));
    } else {
      req.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
          .end("This port serves the Propius job API: gRPC (propius.v1.JobManager) and a WebSocket at "
              + WEBSOCKET_PATH + "\n");
    }
  }

  /** The port the server listens on (useful when configured as 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
