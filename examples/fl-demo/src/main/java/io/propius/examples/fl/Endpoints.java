package io.propius.examples.fl;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.propius.server.PropiusServer;
import io.propius.server.config.PropiusOptions;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/** Where the demo's jobs and devices connect: an embedded server, or a running deployment. */
final class Endpoints implements AutoCloseable {
  private final String jobsHost;
  private final int jobsPort;
  private final String devicesUrl;
  private final String dataPlaneUrl;
  private final Vertx serverVertx;
  private final PropiusServer server;

  private Endpoints(String jobsHost, int jobsPort, String devicesUrl, String dataPlaneUrl, Vertx serverVertx,
                    PropiusServer server) {
    this.jobsHost = jobsHost;
    this.jobsPort = jobsPort;
    this.devicesUrl = devicesUrl;
    this.dataPlaneUrl = dataPlaneUrl;
    this.serverVertx = serverVertx;
    this.server = server;
  }

  /**
   * The whole server in this JVM with in-memory state, on free local ports, with timers suited
   * to a demo whose rounds last seconds: devices are told to come back within 0.1–1 s.
   */
  static Endpoints embedded(PrintStream out, String policy, String label) throws Exception {
    PropiusOptions options = new PropiusOptions();
    options.scheduler().setPolicy(policy);
    options.jobs().setHost("127.0.0.1").setPort(0);
    options.devices().setHost("127.0.0.1").setPort(0).setStatsIntervalMs(250).setRetryMinMs(100)
        .setRetryMaxMs(1000).setRetryHorizonMs(500).setLeaseMs(5000).setMaxOffers(3);
    options.admin().setHost("127.0.0.1").setPort(0);
    options.dataPlane().setHost("127.0.0.1").setPort(0);
    options.scheduler().setTickMs(100);
    PrometheusMeterRegistry registry = PropiusServer.newRegistry();
    Vertx vertx = PropiusServer.newVertx(registry);
    PropiusServer server = PropiusServer.deploy(vertx, options.validate(), registry).toCompletionStage()
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    out.printf("%sembedded Propius: jobs :%d, devices :%d, data plane :%d, metrics :%d%n", label, server.jobsPort(),
        server.devicesPort(), server.dataPlanePort(), server.adminPort());
    return new Endpoints("127.0.0.1", server.jobsPort(), "http://127.0.0.1:" + server.devicesPort(),
        "http://127.0.0.1:" + server.dataPlanePort(), vertx, server);
  }

  static Endpoints remote(DemoOptions o) {
    String host = o.server.substring(0, o.server.lastIndexOf(':'));
    int port = Integer.parseInt(o.server.substring(o.server.lastIndexOf(':') + 1));
    return new Endpoints(host, port, o.devicesUrl != null ? o.devicesUrl : "http://" + host + ":8080",
        o.dataPlaneUrl != null ? o.dataPlaneUrl : "http://" + host + ":8090", null, null);
  }

  String jobsHost() {
    return jobsHost;
  }

  int jobsPort() {
    return jobsPort;
  }

  String devicesUrl() {
    return devicesUrl;
  }

  String dataPlaneUrl() {
    return dataPlaneUrl;
  }

  String describe() {
    return (server != null ? "the embedded server" : "a running server") + " (jobs " + jobsHost + ":" + jobsPort
        + ", devices " + devicesUrl + ", data plane " + dataPlaneUrl + ")";
  }

  @Override
  public void close() throws Exception {
    if (server != null) {
      server.undeploy().transform(ar -> serverVertx.close()).toCompletionStage().toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
    }
  }
}
