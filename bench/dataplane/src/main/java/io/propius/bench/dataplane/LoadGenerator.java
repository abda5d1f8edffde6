package io.propius.bench.dataplane;

import com.sun.management.OperatingSystemMXBean;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Closed-loop HTTP load: {@code concurrency} loops, each sending its next request as soon as the
 * previous response has been read to the end (bodies are counted, not kept). Runs a warm-up, then
 * measures requests and response bytes over a fixed duration.
 *
 * <p>The warm-up's clock starts at the server's first answer, not at the first request: a server
 * JVM that has just started links and interprets its request path cold, and on a loaded machine
 * that alone took longer than a whole 1 s warm-up plus measurement (no request answered in the
 * measured second, so the run failed).
 */
final class LoadGenerator {
  /** How long a server may take to answer its first request (a cold JVM on a loaded machine). */
  private static final long FIRST_ANSWER_SECONDS = 60;

  /**
   * What one run measured.
   *
   * @param cpuSeconds CPU time of this whole process (client, GC, JIT, in-process servers) during
   *                   the run
   * @param serverCpuSeconds CPU time of the server's own process during the run, NaN when the
   *                         server runs in this one
   * @param latency each measured request's time from sending it to the end of its response, in µs
   */
  record Result(long requests, long bytes, long errors, double seconds, double cpuSeconds, double serverCpuSeconds,
                Histogram latency) {
    /** A measured request's latency at percentile {@code p} (0–100), in ms. */
    double latencyMs(double p) {
      return latency.getValueAtPercentile(p) / 1000.0;
    }

    /** This process's CPU per request: on a saturated machine, throughput goes as its inverse. */
    double cpuMicrosPerRequest() {
      return cpuSeconds * 1e6 / requests;
    }

    /** This process's CPU per MB of response bodies: the load generator's cost of reading them. */
    double cpuMicrosPerMegabyte() {
      return cpuSeconds * 1e6 / (bytes / (1024.0 * 1024));
    }

    /** The server process's CPU per request. */
    double serverCpuMicrosPerRequest() {
      return serverCpuSeconds * 1e6 / requests;
    }

    /** The server process's CPU per MB of response bodies. */
    double serverCpuMicrosPerMegabyte() {
      return serverCpuSeconds * 1e6 / (bytes / (1024.0 * 1024));
    }

    double requestsPerSecond() {
      return requests / seconds;
    }

    double megabytesPerSecond() {
      return bytes / seconds / (1024 * 1024);
    }
  }

  /** The request for loop iteration {@code i}: method, URI, Authorization token, body (or null). */
  record Call(HttpMethod method, String uri, String bearer, Buffer body) {
  }

  private final Vertx vertx;
  private final HttpClient client;

  LoadGenerator(Vertx vertx, int concurrency) {
    this.vertx = vertx;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(concurrency));
  }

  /** A run against a server in this process. */
  Result run(int port, int concurrency, long warmupMs, long durationMs, IntFunction<Call> calls) {
    return run(port, concurrency, warmupMs, durationMs, calls, null);
  }

  /**
   * A run that also measures the CPU time of the server's process.
   *
   * @param serverCpuNanos the server process's CPU time so far, or null when it runs in this one
   */
  Result run(int port, int concurrency, long warmupMs, long durationMs, IntFunction<Call> calls,
             LongSupplier serverCpuNanos) {
    AtomicLong counter = new AtomicLong();
    AtomicLong requests = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    // Thread-safe: the client's callbacks run on more than one event loop.
    Recorder latencies = new Recorder(3);
    boolean[] stop = {false};
    Promise<Void> done = Promise.promise();
    AtomicLong running = new AtomicLong(concurrency);
    CompletableFuture<Void> firstAnswer = new CompletableFuture<>();
    long[] started = new long[1];
    // Loops are started from a Vert.x context so the client's callbacks stay on event loops.
    vertx.runOnContext(v -> {
      for (int c = 0; c < concurrency; c++) {
        loop(port, calls, counter, requests, bytes, errors, latencies, stop, running, done, firstAnswer);
      }
    });
    awaitFirstAnswer(port, firstAnswer, stop);
    sleep(warmupMs);
    requests.set(0);
    bytes.set(0);
    errors.set(0);
    latencies.reset();
    started[0] = System.nanoTime();
    long cpuStart = processCpuNanos();
    long serverCpuStart = serverCpuNanos == null ? 0 : serverCpuNanos.getAsLong();
    sleep(durationMs);
    long r = requests.get();
    long b = bytes.get();
    Histogram latency = latencies.getIntervalHistogram();
    double seconds = (System.nanoTime() - started[0]) / 1e9;
    double cpu = (processCpuNanos() - cpuStart) / 1e9;
    double serverCpu = serverCpuNanos == null ? Double.NaN : (serverCpuNanos.getAsLong() - serverCpuStart) / 1e9;
    stop[0] = true;
    done.future().toCompletionStage().toCompletableFuture().join();
    if ((r == 0 && b == 0) || errors.get() > 0) {
      throw new IllegalStateException("load on port " + port + ": " + r + " requests, " + errors.get() + " errors");
    }
    return new Result(r, b, errors.get(), seconds, cpu, serverCpu, latency);
  }

  /** Waits for the server's first answer (success or error); stops the loops and fails if none comes. */
  private static void awaitFirstAnswer(int port, CompletableFuture<Void> firstAnswer, boolean[] stop) {
    try {
      firstAnswer.orTimeout(FIRST_ANSWER_SECONDS, TimeUnit.SECONDS).join();
    } catch (CompletionException e) {
      stop[0] = true;
      throw new IllegalStateException("load on port " + port + ": no answer within " + FIRST_ANSWER_SECONDS + " s", e);
    }
  }

  private static long processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private void loop(int port, IntFunction<Call> calls, AtomicLong counter, AtomicLong requests, AtomicLong bytes,
                    AtomicLong errors, Recorder latencies, boolean[] stop, AtomicLong running, Promise<Void> done,
                    CompletableFuture<Void> firstAnswer) {
    if (stop[0]) {
      if (running.decrementAndGet() == 0) {
        done.tryComplete();
      }
      return;
    }
    Call call = calls.apply((int) counter.getAndIncrement());
    long sent = System.nanoTime();
    RequestOptions o = new RequestOptions().setMethod(call.method()).setHost("127.0.0.1").setPort(port)
        .setURI(call.uri()).setIdleTimeout(30_000); // a stalled server fails the run instead of hanging it
    if (call.bearer() != null) {
      o.putHeader("Authorization", "Bearer " + call.bearer());
    }
    Future<Void> exchange = client.request(o)
        .compose(req -> call.body() == null ? req.send() : req.send(call.body()))
        .compose(resp -> {
          Promise<Void> end = Promise.promise();
          // Counted as they arrive: a window shorter than one large download still measures its bytes.
          resp.handler(chunk -> bytes.addAndGet(chunk.length()));
          resp.endHandler(v -> end.tryComplete());
          resp.exceptionHandler(end::tryFail);
          return resp.statusCode() / 100 == 2 ? end.future()
              : end.future().compose(v -> Future.failedFuture("HTTP " + resp.statusCode()));
        });
    exchange.onComplete(ar -> {
      if (ar.succeeded()) {
        latencies.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
        requests.incrementAndGet();
      } else {
        errors.incrementAndGet();
      }
      firstAnswer.complete(null);
      loop(port, calls, counter, requests, bytes, errors, latencies, stop, running, done, firstAnswer);
    });
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
