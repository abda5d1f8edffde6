package io.propius.bench.store;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.api.query.Constraints;
import io.propius.api.token.KeyRing;
import io.propius.api.token.OfferToken;
import io.propius.api.token.TokenSigner;
import io.propius.server.PropiusServer;
import io.propius.server.config.PropiusOptions;
import io.propius.server.config.SecurityOptions;
import io.propius.server.metrics.PropiusMetrics;
import io.propius.server.store.AdmissionLimits;
import io.propius.server.store.InMemoryJobStore;
import io.propius.server.store.JobSpec;
import io.propius.server.store.JobStore;
import io.propius.server.store.Reservation;
import io.propius.server.store.redis.RedisJobStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.grpc.client.GrpcClient;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Bindings per second with the Redis job store vs the in-memory store, same load, same run.
 *
 * <p>For each store, a real server in this JVM gets a job whose round asks for {@code --devices}
 * devices; that many devices then accept over HTTP ({@code POST /v1/accept}, the real binding
 * path: token check, slot reservation, binding reply) with {@code --concurrency} requests in flight.
 * Offers are signed with the deployment's token secret exactly as a check-in would sign them, so
 * only accepts are timed. Further figures time {@code JobStore.reserve} alone, without HTTP, and
 * take the CPU time per reservation and per confirmation of this JVM and of redis-server, and per
 * binding when each device reserves and at once confirms (both kinds in flight together, as on
 * the binding path).
 * After one discarded warm-up run of each, the stores alternate over {@code --repeats} runs; medians
 * and their ratio are printed as Markdown.
 *
 * <pre>java -jar bench/store/target/store-bench.jar [--devices 20000] [--concurrency 64] [--repeats 3]
 *     [--redis-uri redis://host:port | --redis-server redis-server] [--max-batch store.maxBatch]</pre>
 */
public final class StoreBench {
  private int devices = 20_000;
  private int concurrency = 64;
  private int repeats = 3;
  private String redisUri;
  private String redisServer = "redis-server";
  /** The Redis store's store.maxBatch; 0 keeps the default. */
  private int maxBatch;
  private final byte[] secret = new byte[32];
  /** The redis-server this bench started, whose CPU time it reads; null for --redis-uri. */
  private Process redisProcess;

  public static void main(String[] args) throws Exception {
    StoreBench bench = new StoreBench();
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--devices" -> bench.devices = Integer.parseInt(value);
        case "--concurrency" -> bench.concurrency = Integer.parseInt(value);
        case "--repeats" -> bench.repeats = Integer.parseInt(value);
        case "--redis-uri" -> bench.redisUri = value;
        case "--redis-server" -> bench.redisServer = value;
        case "--max-batch" -> bench.maxBatch = Integer.parseInt(value);
        default -> {
          System.err.println("unknown argument " + args[i]);
          System.exit(2);
        }
      }
      i++;
    }
    bench.run();
    System.exit(0);
  }

  private void run() throws Exception {
    new SecureRandom().nextBytes(secret);
    Process redis = null;
    Path dir = null;
    if (redisUri == null) {
      int port = freePort();
      dir = Files.createTempDirectory("store-bench-redis");
      redis = new ProcessBuilder(redisServer, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "",
          "--appendonly", "no", "--dir", dir.toString()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("redis.log").toFile()).start();
      awaitPort(port);
      redisUri = "redis://127.0.0.1:" + port;
      redisProcess = redis;
    }
    try {
      // One discarded run of each first: the JIT compiles the server and client paths.
      measure("memory");
      measure("redis");
      List<double[]> memory = new ArrayList<>();
      List<double[]> redisRuns = new ArrayList<>();
      for (int r = 0; r < repeats; r++) {
        memory.add(measure("memory"));
        redisRuns.add(measure("redis"));
      }
      report(memory, redisRuns);
    } finally {
      if (redis != null) {
        redis.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** @return {accept path bindings/s, store reserves/s, CPU µs per reserve: this JVM, redis-server} */
  private double[] measure(String type) throws Exception {
    PropiusOptions options = new PropiusOptions();
    options.jobs().setHost("127.0.0.1").setPort(0);
    options.devices().setHost("127.0.0.1").setPort(0).setLeaseMs(600_000);
    options.admin().setHost("127.0.0.1").setPort(0);
    options.admission().setMaxDemandPerRound(devices);
    options.security().setTokenSecret(Base64.getEncoder().encodeToString(secret));
    options.store().setType(type).setRedisUri(redisUri).setKeyPrefix("bench-" + UUID.randomUUID() + ":");
    if (maxBatch > 0) {
      options.store().setMaxBatch(maxBatch);
    }
    options.validate();
    PrometheusMeterRegistry registry = PropiusServer.newRegistry();
    Vertx serverVertx = PropiusServer.newVertx(registry);
    Vertx clientVertx = Vertx.vertx();
    try {
      PropiusServer server = await(PropiusServer.deploy(serverVertx, options, registry));
      JobManagerGrpcClient jobs = JobManagerGrpcClient.create(GrpcClient.client(clientVertx, new HttpClientOptions()
          .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)),
          SocketAddress.inetSocketAddress(server.jobsPort(), "127.0.0.1"));
      WebClient http = WebClient.create(clientVertx, new WebClientOptions().setKeepAlive(true),
          new PoolOptions().setHttp1MaxSize(concurrency));
      TokenSigner signer = new TokenSigner(KeyRing.single(
          SecurityOptions.SECRET_KID, secret));

      // Warm-up on a job of its own, then the measured job.
      acceptAll(jobs, http, server.devicesPort(), signer, Math.min(devices, 5_000));
      double httpRate = acceptAll(jobs, http, server.devicesPort(), signer, devices);
      await(server.undeploy());

      JobStore store = "redis".equals(type) ? new RedisJobStore(clientVertx, options.store(),
          new PropiusMetrics(registry)) : new InMemoryJobStore();
      await(store.open());
      confirmAll(store, reserveAll(store, Math.min(devices, 5_000)), Math.min(devices, 5_000));
      long jvmCpu = jvmCpuNanos();
      long redisCpu = redisCpuNanos();
      long started = System.nanoTime();
      long jobId = reserveAll(store, devices);
      double storeRate = devices / ((System.nanoTime() - started) / 1e9);
      double jvmUs = (jvmCpuNanos() - jvmCpu) / 1e3 / devices;
      boolean redis = "redis".equals(type);
      double redisUs = redis ? (redisCpuNanos() - redisCpu) / 1e3 / devices : 0;
      jvmCpu = jvmCpuNanos();
      redisCpu = redisCpuNanos();
      confirmAll(store, jobId, devices);
      double confirmJvmUs = (jvmCpuNanos() - jvmCpu) / 1e3 / devices;
      double confirmRedisUs = redis ? (redisCpuNanos() - redisCpu) / 1e3 / devices : 0;
      jvmCpu = jvmCpuNanos();
      redisCpu = redisCpuNanos();
      bindAll(store, devices);
      double bindJvmUs = (jvmCpuNanos() - jvmCpu) / 1e3 / devices;
      double bindRedisUs = redis ? (redisCpuNanos() - redisCpu) / 1e3 / devices : 0;
      await(store.close());
      System.err.printf(Locale.ROOT, "%-6s accept path %,10.0f bindings/s   store.reserve %,10.0f/s  CPU per reserve: "
          + "JVM %.1f µs, redis-server %.1f µs; per confirm: JVM %.1f µs, redis-server %.1f µs; per reserve and "
          + "confirm: JVM %.1f µs, redis-server %.1f µs%n", type, httpRate, storeRate, jvmUs, redisUs, confirmJvmUs,
          confirmRedisUs, bindJvmUs, bindRedisUs);
      return new double[] {httpRate, storeRate, jvmUs, redisUs, confirmJvmUs, confirmRedisUs, bindJvmUs, bindRedisUs};
    } finally {
      await(clientVertx.close());
      await(serverVertx.close());
    }
  }

  private double acceptAll(JobManagerGrpcClient jobs, WebClient http, int port, TokenSigner signer, int n) {
    long jobId = await(jobs.registerJob(RegisterJobRequest.newBuilder().setTotalRounds(1).setEstDemand(n).build()))
        .getJobId();
    await(jobs.requestRound(RequestRoundRequest.newBuilder().setJobId(jobId).setDemand(n).setRound(1).build()));
    long expires = System.currentTimeMillis() + 3_600_000;
    String[] offers = new String[n];
    for (int i = 0; i < n; i++) {
      offers[i] = new OfferToken("dev-" + i, jobId, 1, expires).encode(signer);
    }
    AtomicInteger failures = new AtomicInteger();
    long started = System.nanoTime();
    await(inFlight(n, i -> http.post(port, "127.0.0.1", "/v1/accept")
        .sendJsonObject(new JsonObject().put("device_id", "dev-" + i).put("offer", offers[i])).map(r -> {
          if (r.statusCode() != 200) {
            failures.incrementAndGet();
          }
          return null;
        })));
    double rate = n / ((System.nanoTime() - started) / 1e9);
    int amount = await(jobs.getJob(GetJobRequest.newBuilder().setJobId(jobId).build())).getAmount();
    if (failures.get() > 0 || amount != n) {
      throw new IllegalStateException(failures.get() + " accepts failed, " + amount + " of " + n + " bound");
    }
    return rate;
  }

  /** A new job with its first round open for {@code n} devices; @return the job's id. */
  private static long openRound(JobStore store, int n, long now) {
    long jobId = await(store.register(new JobSpec("bench", "bench", 1, n, Constraints.NONE, Constraints.NONE, "",
        "fedavg", "", ""), new AdmissionLimits(1_000, Long.MAX_VALUE, Long.MAX_VALUE), now)).id();
    await(store.requestRound(jobId, n, 1, now));
    return jobId;
  }

  /** Reserves a slot for each of {@code n} devices in a new job's round; @return the job's id. */
  private long reserveAll(JobStore store, int n) {
    long now = System.currentTimeMillis();
    long jobId = openRound(store, n, now);
    AtomicInteger bound = new AtomicInteger();
    await(inFlight(n, i -> store.reserve(jobId, 1, "dev-" + i, now, now + 600_000).map(r -> {
      if (r.outcome() == Reservation.Outcome.BOUND) {
        bound.incrementAndGet();
      }
      return null;
    })));
    if (bound.get() != n) {
      throw new IllegalStateException(bound.get() + " of " + n + " reserved");
    }
    return jobId;
  }

  /** Confirms the bindings {@link #reserveAll} made; each must be newly confirmed. */
  private void confirmAll(JobStore store, long jobId, int n) {
    AtomicInteger confirmed = new AtomicInteger();
    await(inFlight(n, i -> store.confirm(jobId, 1, "dev-" + i, System.currentTimeMillis()).map(c -> {
      if (c.newlyConfirmed()) {
        confirmed.incrementAndGet();
      }
      return null;
    })));
    if (confirmed.get() != n) {
      throw new IllegalStateException(confirmed.get() + " of " + n + " confirmed");
    }
  }

  /** Each of {@code n} devices reserves a slot of a new job's round and, once bound, confirms it. */
  private void bindAll(JobStore store, int n) {
    long now = System.currentTimeMillis();
    long jobId = openRound(store, n, now);
    AtomicInteger confirmed = new AtomicInteger();
    await(inFlight(n, i -> store.reserve(jobId, 1, "dev-" + i, now, now + 600_000).compose(r -> {
      if (r.outcome() != Reservation.Outcome.BOUND) {
        return Future.failedFuture("dev-" + i + ": " + r.outcome());
      }
      return store.confirm(jobId, 1, "dev-" + i, System.currentTimeMillis());
    }).map(c -> {
      if (c.newlyConfirmed()) {
        confirmed.incrementAndGet();
      }
      return null;
    })));
    if (confirmed.get() != n) {
      throw new IllegalStateException(confirmed.get() + " of " + n + " bound and confirmed");
    }
  }

  /** Runs {@code n} calls with at most {@code concurrency} in flight; fails on the first failure. */
  private Future<Void> inFlight(int n, IntFunction<Future<?>> call) {
    Promise<Void> done = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger lanes = new AtomicInteger(concurrency);
    for (int l = 0; l < concurrency; l++) {
      lane(n, call, next, lanes, done);
    }
    return done.future();
  }

  private static void lane(int n, IntFunction<Future<?>> call, AtomicInteger next, AtomicInteger lanes,
                           Promise<Void> done) {
    while (true) {
      int i = next.getAndIncrement();
      if (i >= n) {
        if (lanes.decrementAndGet() == 0) {
          done.tryComplete();
        }
        return;
      }
      Future<?> result = call.apply(i);
      if (!result.isComplete()) {
        result.onComplete(ar -> {
          if (ar.failed()) {
            done.tryFail(ar.cause());
          } else {
            lane(n, call, next, lanes, done);
          }
        });
        return;
      }
      // The in-memory store answers at once: loop instead of recursing.
      if (result.failed()) {
        done.tryFail(result.cause());
        return;
      }
    }
  }

  private void report(List<double[]> memory, List<double[]> redis) {
    double memHttp = median(memory, 0);
    double redisHttp = median(redis, 0);
    double memStore = median(memory, 1);
    double redisStore = median(redis, 1);
    System.out.printf(Locale.ROOT, "%n%d devices per measured round, %d requests in flight, median of %d runs each%n%n",
        devices, concurrency, repeats);
    System.out.println("| path | in-memory store | Redis store | Redis / in-memory |");
    System.out.println("|---|---:|---:|---:|");
    System.out.printf(Locale.ROOT, "| accept over HTTP (bindings/s) | %,.0f | %,.0f | %.2f |%n", memHttp, redisHttp,
        redisHttp / memHttp);
    System.out.printf(Locale.ROOT, "| JobStore.reserve alone (reservations/s) | %,.0f | %,.0f | %.2f |%n", memStore,
        redisStore, redisStore / memStore);
    // CPU time does not depend on how busy a shared machine is nearly as much as rates do.
    System.out.printf(Locale.ROOT, "| JobStore.reserve alone, CPU µs per reservation (bench JVM + redis-server) | %.1f | "
        + "%.1f + %.1f | |%n", median(memory, 2), median(redis, 2), median(redis, 3));
    System.out.printf(Locale.ROOT, "| JobStore.confirm alone, CPU µs per confirmation (bench JVM + redis-server) | %.1f | "
        + "%.1f + %.1f | |%n", median(memory, 4), median(redis, 4), median(redis, 5));
    System.out.printf(Locale.ROOT, "| JobStore.reserve then confirm, CPU µs per binding (bench JVM + redis-server) | "
        + "%.1f | %.1f + %.1f | |%n", median(memory, 6), median(redis, 6), median(redis, 7));
  }

  /** CPU time of this whole JVM (every thread), as the OS counts it. */
  private static long jvmCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** User + system CPU time of the redis-server this bench started (from /proc), or 0. */
  private long redisCpuNanos() throws IOException {
    Path stat = Path.of("/proc/" + (redisProcess == null ? 0 : redisProcess.pid()) + "/stat");
    if (redisProcess == null || !Files.exists(stat)) {
      return 0;
    }
    String line = Files.readString(stat);
    // Fields after the command name, which is in parentheses: utime and stime are the 12th and 13th.
    String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    return ticks * 10_000_000L; // USER_HZ is 100 on Linux
  }

  private static double median(List<double[]> runs, int column) {
    double[] values = runs.stream().mapToDouble(r -> r[column]).sorted().toArray();
    return values[values.length / 2];
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void awaitPort(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(20);
      }
    }
    throw new IllegalStateException("redis-server did not open port " + port);
  }
}
