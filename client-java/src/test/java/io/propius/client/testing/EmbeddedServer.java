package io.propius.client.testing;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.propius.server.PropiusServer;
import io.propius.server.config.PropiusOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A real Propius server in this JVM on free ports, with its own Vert.x. */
public final class EmbeddedServer implements AutoCloseable {
  public final Vertx vertx;
  public final PropiusServer server;

  private EmbeddedServer(Vertx vertx, PropiusServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  /** Free ports and quick timers. */
  public static PropiusOptions options() {
    PropiusOptions options = new PropiusOptions();
    options.jobs().setHost("127.0.0.1").setPort(0);
    options.devices().setHost("127.0.0.1").setPort(0).setStatsIntervalMs(200).setRetryMinMs(50).setRetryMaxMs(500);
    options.admin().setHost("127.0.0.1").setPort(0);
    options.dataPlane().setHost("127.0.0.1").setPort(0);
    options.scheduler().setTickMs(100).setSeed(42);
    return options;
  }

  public static EmbeddedServer start() {
    return start(options());
  }

  public static EmbeddedServer start(PropiusOptions options) {
    PrometheusMeterRegistry registry = PropiusServer.newRegistry();
    Vertx vertx = PropiusServer.newVertx(registry);
    try {
      PropiusServer server = PropiusServer.deploy(vertx, options.validate(), registry).toCompletionStage()
          .toCompletableFuture().get(20, TimeUnit.SECONDS);
      return new EmbeddedServer(vertx, server);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException("server did not start", e);
    }
  }

  public String devicesUrl() {
    return "http://127.0.0.1:" + server.devicesPort();
  }

  public String dataPlaneUrl() {
    return "http://127.0.0.1:" + server.dataPlanePort();
  }

  public int jobsPort() {
    return server.jobsPort();
  }

  /** The job's state as the admin API reports it ({@code IDLE}, {@code EXPIRED}, ...). */
  public String jobState(long jobId) {
    try {
      HttpResponse<String> resp = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.adminPort() + "/v1/admin/jobs/" + jobId)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new JsonObject(resp.body()).getString("state");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Polls until the condition holds. */
  public static void eventually(Duration timeout, java.util.function.BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Override
  public void close() {
    try {
      server.undeploy().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // closing Vert.x below stops whatever is left
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().join();
    }
  }
}
