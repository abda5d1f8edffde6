package io.propius.bench.loadgen;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Simulated devices over real HTTP/1.1 keep-alive connections (one client, at most
 * {@code connections} connections, shared by every phase so the baseline and Propius see the same
 * connections). Three operations:
 * <ul>
 *   <li>{@code bare}: one POST to the bare endpoint;</li>
 *   <li>{@code checkin}: one {@code /v1/checkin} of a device with a few attributes;</li>
 *   <li>{@code binding}: check-in, accept the first offer, confirm: one device bound to a job.
 *       A check-in without offers, or an accept that lost the race for the round's last slot
 *       (409), counts as "unbound", not as a binding.</li>
 * </ul>
 * Each phase runs closed-loop (N operations in flight) or open-loop at a fixed rate, with a
 * warm-up that is not recorded. Every new device id is fresh, so a binding never meets a device's
 * earlier lease.
 */
public final class DeviceLoad {
  /** Operations. */
  public enum Op { BARE, CHECKIN, BINDING }

  private static final JsonObject ATTRIBUTES = new JsonObject().put("cpu_cores", 8).put("ram_gb", 6)
      .put("os_version", 13).put("battery", 80);

  private final Vertx vertx;
  private final HttpClient http;
  private final String devicesHost;
  private final int devicesPort;
  private final int barePort;
  private final AtomicLong deviceIds = new AtomicLong();
  private final String idPrefix;

  public DeviceLoad(Vertx vertx, String devicesHost, int devicesPort, int barePort, int connections) {
    this.vertx = vertx;
    this.devicesHost = devicesHost;
    this.devicesPort = devicesPort;
    this.barePort = barePort;
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setPipelining(false),
        new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    this.idPrefix = "lg" + Long.toHexString(System.nanoTime() & 0xFFFFFF) + "-";
  }

  /** One check-in's request body. */
  public Buffer checkinBody(String deviceId) {
    return new JsonObject().put("device_id", deviceId).put("attributes", ATTRIBUTES).toBuffer();
  }

  /** The body of a real check-in response (with offers when jobs are open): what the baseline answers. */
  public Future<Buffer> sampleCheckinResponse() {
    return post(devicesHost, devicesPort, "/v1/checkin", checkinBody(nextDevice()));
  }

  /**
   * Runs a phase: {@code inFlight} operations at a time (closed loop) when {@code ratePerSecond} is
   * 0, else that many operations per second (open loop).
   */
  public Future<PhaseResult> run(Op op, int inFlight, double ratePerSecond, double warmupS, double measureS) {
    if (inFlight <= 0 && !(ratePerSecond > 0)) {
      // Neither a loop nor a schedule would ever send anything, and the phase would wait forever.
      return Future.failedFuture(new IllegalArgumentException(op.name().toLowerCase(Locale.ROOT)
          + ": a phase needs operations in flight or a rate above 0, got " + inFlight + " and " + ratePerSecond));
    }
    Promise<PhaseResult> done = Promise.promise();
    Phase phase = new Phase(op, warmupS, measureS, done);
    vertx.runOnContext(v -> {
      if (ratePerSecond > 0) {
        phase.openLoop(ratePerSecond);
      } else {
        for (int i = 0; i < inFlight; i++) {
          phase.loop();
        }
      }
    });
    String mode = ratePerSecond > 0 ? String.format(Locale.ROOT, "rate(%.0f/s)", ratePerSecond)
        : "closed(" + inFlight + ")";
    return done.future().map(r -> new PhaseResult(r.name(), mode, r.seconds(), r.latencies(), r.noOffer()));
  }

  public Future<Void> close() {
    return http.close();
  }

  private String nextDevice() {
    return idPrefix + deviceIds.incrementAndGet();
  }

  /** One operation; succeeds with true for a completed one, false for "no offer". */
  private Future<Boolean> operate(Op op) {
    switch (op) {
      case BARE:
        return post("127.0.0.1", barePort, "/v1/checkin", checkinBody(nextDevice())).map(b -> true);
      case CHECKIN:
        return post(devicesHost, devicesPort, "/v1/checkin", checkinBody(nextDevice())).map(b -> true);
      case BINDING:
        String device = nextDevice();
        return post(devicesHost, devicesPort, "/v1/checkin", checkinBody(device)).compose(b -> {
          JsonArray offers = b.toJsonObject().getJsonArray("offers");
          if (offers == null || offers.isEmpty()) {
            return Future.succeededFuture(false);
          }
          String offer = offers.getJsonObject(0).getString("offer");
          return post(devicesHost, devicesPort, "/v1/accept",
              new JsonObject().put("device_id", device).put("offer", offer).toBuffer())
              .compose(a -> post(devicesHost, devicesPort, "/v1/confirm",
                  new JsonObject().put("task_token", a.toJsonObject().getString("task_token")).toBuffer()))
              .map(c -> true)
              // 409: the round filled or closed between offer and accept; a device checks in again.
              .recover(err -> err instanceof StatusException e && e.status == 409 ? Future.succeededFuture(false)
                  : Future.failedFuture(err));
        });
      default:
        throw new IllegalArgumentException(op.toString());
    }
  }

  private Future<Buffer> post(String host, int port, String path, Buffer body) {
    return http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setURI(path)
            .putHeader("Content-Type", "application/json"))
        .compose(req -> req.send(body))
        .compose(resp -> resp.body().compose(b -> resp.statusCode() / 100 == 2 ? Future.succeededFuture(b)
            : Future.failedFuture(new StatusException(resp.statusCode(), path + " answered " + resp.statusCode() + ": " + b))));
  }

  /** A non-2xx answer. */
  static final class StatusException extends RuntimeException {
    final int status;

    StatusException(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }
  }

  /** The state of one phase, touched only from the client's event loop. */
  private final class Phase {
    final Op op;
    final long warmupEnd;
    final long end;
    final Promise<PhaseResult> done;
    final Latencies latencies = new Latencies();
    long noOffer;
    long inFlight;
    boolean finished;
    String lastError;

    Phase(Op op, double warmupS, double measureS, Promise<PhaseResult> done) {
      this.op = op;
      long now = System.nanoTime();
      this.warmupEnd = now + (long) (warmupS * 1e9);
      this.end = warmupEnd + (long) (measureS * 1e9);
      this.done = done;
    }

    void loop() {
      if (System.nanoTime() >= end) {
        finish();
        return;
      }
      once(System.nanoTime()).onComplete(ar -> loop());
    }

    void openLoop(double rate) {
      long start = System.nanoTime();
      long intervalNanos = (long) (1e9 / rate);
      long[] sent = {0};
      // A 1 ms timer sends every operation whose intended start has passed.
      vertx.setPeriodic(1, timer -> {
        long now = System.nanoTime();
        if (now >= end) {
          vertx.cancelTimer(timer);
          finish();
          return;
        }
        while (start + sent[0] * intervalNanos <= now) {
          once(start + sent[0] * intervalNanos);
          sent[0]++;
        }
      });
    }

    Future<Boolean> once(long intendedStart) {
      inFlight++;
      return operate(op).onComplete(ar -> {
        inFlight--;
        long now = System.nanoTime();
        if (intendedStart >= warmupEnd && now < end) {
          if (ar.failed()) {
            latencies.fail();
            lastError = ar.cause().getMessage();
          } else if (ar.result()) {
            latencies.record(now - intendedStart);
          } else {
            noOffer++;
          }
        }
        if (finished && inFlight == 0 && !done.future().isComplete()) {
          complete();
        }
      });
    }

    void finish() {
      finished = true;
      if (inFlight == 0 && !done.future().isComplete()) {
        complete();
      }
    }

    void complete() {
      if (lastError != null) {
        System.err.println(op + ": last error: " + lastError);
      }
      double seconds = (end - warmupEnd) / 1e9;
      done.complete(new PhaseResult(op.name().toLowerCase(Locale.ROOT), "", seconds, latencies, noOffer));
    }
  }
}
