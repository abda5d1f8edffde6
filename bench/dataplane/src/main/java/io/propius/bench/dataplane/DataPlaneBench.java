package io.propius.bench.dataplane;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.propius.api.tensor.DType;
import io.propius.api.tensor.Tensors;
import io.propius.api.token.TaskToken;
import io.propius.api.token.TokenSigner;
import io.propius.edge.EdgeNodeVerticle;
import io.propius.edge.access.JobAccess;
import io.propius.edge.config.EdgeOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The data-plane benchmark: (1) plan downloads from a leaf edge node vs nginx serving the same
 * bytes from a file, (2) result uploads into a leaf (decode, validate, journal, aggregate) vs a
 * Vert.x endpoint that discards the bytes. Same client, same concurrency, same run; prints a
 * Markdown table of throughputs and ratios.
 *
 * <p>{@code java -jar bench/dataplane/target/dataplane-bench.jar [--concurrency 32] [--seconds 10]
 * [--sizes-mb 1,16|none] [--uploads both|journaled|memory|none] [--tensor 7850]
 * [--warmup-seconds N] [--upload-concurrency 16,64]}: each measurement follows N seconds of
 * unmeasured load (default a fifth of --seconds, at least 1); on a loaded machine the JIT needs
 * longer than that to settle. Uploads are measured at each of {@code --upload-concurrency}
 * (default: {@code --concurrency}), as a journaled leaf's batches grow with it.
 */
public final class DataPlaneBench {
  private static final long JOB = 1;

  private DataPlaneBench() {
  }

  public static void main(String[] args) throws Exception {
    int concurrency = 32;
    int repeats = 3;
    long seconds = 10;
    int tensor = 7850;
    List<Integer> sizesMb = List.of(1, 16);
    String uploads = "both";
    long warmupSeconds = -1;
    long compactMb = 64;
    List<Integer> uploadConcurrency = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--concurrency" -> concurrency = Integer.parseInt(args[i + 1]);
        case "--seconds" -> seconds = Long.parseLong(args[i + 1]);
        case "--repeats" -> repeats = Integer.parseInt(args[i + 1]);
        case "--tensor" -> tensor = Integer.parseInt(args[i + 1]);
        case "--sizes-mb" -> sizesMb = "none".equals(args[i + 1]) ? List.of()
            : java.util.Arrays.stream(args[i + 1].split(",")).map(Integer::parseInt).toList();
        case "--uploads" -> uploads = args[i + 1];
        case "--warmup-seconds" -> warmupSeconds = Long.parseLong(args[i + 1]);
        case "--compact-mb" -> compactMb = Long.parseLong(args[i + 1]);
        case "--upload-concurrency" -> uploadConcurrency = Arrays.stream(args[i + 1].split(","))
            .map(Integer::parseInt).toList();
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    long durationMs = seconds * 1000;
    long warmupMs = warmupSeconds >= 0 ? warmupSeconds * 1000 : Math.max(1000, durationMs / 5);
    final int repeatsF = repeats;
    // Readable by all: when the bench runs as root, nginx's workers run as an unprivileged user.
    Path work = Files.createTempDirectory("propius-dataplane-bench",
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
    // Servers and the load generator get their own Vert.x instances (own event loops).
    Vertx servers = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setPreferNativeTransport(true));
    Vertx clients = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
    System.out.println("transport: " + (servers.isNativeTransportEnabled() ? "native epoll" : "NIO"));
    TokenSigner signer = TokenSigner.random();
    try {
      EdgeNodeVerticle root = deploy(servers, new EdgeOptions().setRole("root").setPort(0).setHost("127.0.0.1"),
          signer);
      SimpleMeterRegistry leafMeters = new SimpleMeterRegistry();
      EdgeNodeVerticle leaf = deploy(servers, new EdgeOptions().setRole("leaf").setPort(0).setHost("127.0.0.1")
          .setParentUrl("http://127.0.0.1:" + root.actualPort()).setJournalDir(work.resolve("journal").toString())
          .setJournalCompactBytes(compactMb << 20)
          .setMaxUploadBytes(64L << 20), signer, leafMeters);
      EdgeNodeVerticle memoryLeaf = deploy(servers, new EdgeOptions().setRole("leaf").setPort(0).setHost("127.0.0.1")
          .setParentUrl("http://127.0.0.1:" + root.actualPort()).setMaxUploadBytes(64L << 20), signer);
      List<Integer> uploadLevels = uploadConcurrency != null ? uploadConcurrency : List.of(concurrency);
      LoadGenerator load = new LoadGenerator(clients, Math.max(concurrency,
          uploadLevels.stream().mapToInt(Integer::intValue).max().orElse(concurrency)));
      // Held in a variable: Vert.x 5 closes a client that is no longer referenced when it is collected.
      HttpClient admin = servers.createHttpClient();
      final int conc = concurrency;
      String token = new TaskToken(JOB, 1, "bench", System.currentTimeMillis() + 3_600_000).encode(signer);
      StringBuilder table = new StringBuilder();
      table.append(String.format(Locale.ROOT, "| test | Propius | baseline | ratio |%n|---|---|---|---|%n"));

      Path docroot = Files.createDirectories(work.resolve("www"));
      try (NginxServer nginx = new NginxServer(docroot, work.resolve("nginx"), 1)) {
        int round = 1;
        for (int mb : sizesMb) {
          byte[] plan = new byte[mb << 20];
          new Random(mb).nextBytes(plan);
          Files.write(docroot.resolve("plan" + mb + ".bin"), plan);
          await(admin.request(HttpMethod.PUT, root.actualPort(), "127.0.0.1",
                  "/v1/plans/" + JOB + "/" + round)
              .compose(req -> req.send(Buffer.buffer(plan))).compose(r -> r.body()));
          String planToken = new TaskToken(JOB, round, "bench", System.currentTimeMillis() + 3_600_000)
              .encode(signer);
          String uri = "/v1/plans/" + JOB + "/" + round;
          Pair pair = alternate(repeatsF,
              () -> load.run(leaf.actualPort(), conc, warmupMs, durationMs,
                  i -> new LoadGenerator.Call(HttpMethod.GET, uri, planToken, null)).megabytesPerSecond(),
              () -> load.run(nginx.port, conc, warmupMs, durationMs,
                  i -> new LoadGenerator.Call(HttpMethod.GET, "/plan" + mb + ".bin", planToken, null))
                  .megabytesPerSecond());
          table.append(String.format(Locale.ROOT, "| plan download %d MB, %d concurrent | %.0f MB/s | nginx %.0f MB/s"
              + " | %.2f× (runs: %s) |%n", mb, concurrency, pair.a(), pair.b(), pair.ratio(), pair.ratios()));
          round++;
        }
      }

      // Uploads: every request carries a fresh device token, so each one is a new contribution.
      final int uploadRound = 100;
      final int length = tensor;
      await(admin.request(HttpMethod.PUT, root.actualPort(), "127.0.0.1",
              "/v1/rounds/" + JOB + "/" + uploadRound)
          .compose(req -> req.send(new JsonObject().put("reducer", "fedavg").put("tensor_length", length)
              .put("target", Integer.MAX_VALUE).encode())).compose(r -> r.body()));
      Buffer body = Buffer.buffer(Tensors.encode(new Random(1).doubles(tensor, -1, 1).toArray(), DType.FLOAT32));
      long expiry = System.currentTimeMillis() + 3_600_000;
      String upUri = "/v1/results/" + JOB + "/" + uploadRound + "?samples=10";
      HttpServer sink = await(servers.createHttpServer().requestHandler(req -> req.handler(chunk -> {
      }).endHandler(v -> req.response().putHeader("Content-Type", "application/json")
          .end("{\"accepted\":true,\"duplicate\":false}"))).listen(0, "127.0.0.1"));
      // Each measurement uses device ids of its own, so no upload is a duplicate.
      AtomicInteger devices = new AtomicInteger();
      java.util.function.IntFunction<LoadGenerator.Call> upload = i -> new LoadGenerator.Call(HttpMethod.PUT, upUri,
          new TaskToken(JOB, uploadRound, "device-" + devices.incrementAndGet(), expiry).encode(signer), body);
      EdgeNodeVerticle[] targets = switch (uploads) {
        case "journaled" -> new EdgeNodeVerticle[] {leaf};
        case "memory" -> new EdgeNodeVerticle[] {memoryLeaf};
        case "none" -> new EdgeNodeVerticle[0];
        default -> new EdgeNodeVerticle[] {leaf, memoryLeaf};
      };
      // An unmeasured pass over every target first: without it whichever target was measured first
      // (journaled or not) ran at about half its later rate, so the order decided the comparison.
      for (EdgeNodeVerticle target : targets) {
        load.run(target.actualPort(), conc, warmupMs, warmupMs, upload);
        load.run(sink.actualPort(), conc, warmupMs, warmupMs, upload);
      }
      StringBuilder commits = new StringBuilder();
      for (EdgeNodeVerticle target : targets) {
        for (int level : uploadLevels) {
          GroupCommits before = GroupCommits.of(leafMeters);
          List<LoadGenerator.Result> mine = new java.util.ArrayList<>();
          List<LoadGenerator.Result> theirs = new java.util.ArrayList<>();
          Pair pair = alternate(repeatsF,
              () -> record(mine, load.run(target.actualPort(), level, warmupMs, durationMs, upload))
                  .requestsPerSecond(),
              () -> record(theirs, load.run(sink.actualPort(), level, warmupMs, durationMs, upload))
                  .requestsPerSecond());
          table.append(String.format(Locale.ROOT, "| upload + aggregate (%s), %d float32 (%d KB), %d concurrent"
                  + " | %.0f uploads/s, %.0f µs CPU each | discard sink %.0f uploads/s, %.0f µs CPU each"
                  + " | %.2f× (runs: %s) |%n",
              target == leaf ? "journaled leaf" : "leaf without journal", tensor, body.length() / 1024, level,
              pair.a(), cpuPerRequest(mine), pair.b(), cpuPerRequest(theirs), pair.ratio(), pair.ratios()));
          if (target == leaf) {
            GroupCommits during = GroupCommits.of(leafMeters).minus(before);
            commits.append(String.format(Locale.ROOT, "- journaled leaf, %d concurrent: %.1f uploads per group commit,"
                + " %.0f µs per commit on average (measured runs and their warm-ups)%n", level,
                during.uploads() / during.commits(), during.nanos() / 1e3 / during.commits()));
          }
        }
      }
      System.out.println();
      System.out.println("Data plane benchmark: " + seconds + " s per measurement after " + warmupMs / 1000
          + " s warm-up, keep-alive connections, loopback, "
          + Runtime.getRuntime().availableProcessors() + " cores, Java " + Runtime.version());
      System.out.print(table);
      System.out.print(commits);
    } finally {
      await(clients.close());
      await(servers.close());
      try (var files = Files.walk(work)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** The journaled leaf's group-commit meters, as totals since it started. */
  private record GroupCommits(double commits, double uploads, double nanos) {
    static GroupCommits of(SimpleMeterRegistry meters) {
      var perCommit = meters.get("propius.edge.journal.commit.uploads").summary();
      var timer = meters.get("propius.edge.journal.commit").timer();
      return new GroupCommits(perCommit.count(), perCommit.totalAmount(), timer.totalTime(TimeUnit.NANOSECONDS));
    }

    GroupCommits minus(GroupCommits earlier) {
      return new GroupCommits(commits - earlier.commits, uploads - earlier.uploads, nanos - earlier.nanos);
    }
  }

  private static LoadGenerator.Result record(List<LoadGenerator.Result> into, LoadGenerator.Result r) {
    into.add(r);
    return r;
  }

  /** Median over runs of the process CPU per request (client included, the same for both sides). */
  private static double cpuPerRequest(List<LoadGenerator.Result> runs) {
    return median(runs.stream().map(LoadGenerator.Result::cpuMicrosPerRequest).toList());
  }

  /** Medians of alternating measurements (A, B, A, B...): both sides see the same machine load. */
  record Pair(double a, double b, List<Double> runRatios) {
    double ratio() {
      return a / b;
    }

    String ratios() {
      return runRatios.stream().map(r -> String.format(Locale.ROOT, "%.2f", r))
          .collect(java.util.stream.Collectors.joining(", "));
    }
  }

  private static Pair alternate(int repeats, java.util.function.DoubleSupplier a, java.util.function.DoubleSupplier b) {
    List<Double> as = new java.util.ArrayList<>();
    List<Double> bs = new java.util.ArrayList<>();
    List<Double> ratios = new java.util.ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      double x = a.getAsDouble();
      double y = b.getAsDouble();
      as.add(x);
      bs.add(y);
      ratios.add(x / y);
    }
    return new Pair(median(as), median(bs), ratios);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static EdgeNodeVerticle deploy(Vertx vertx, EdgeOptions options, TokenSigner signer) {
    return deploy(vertx, options, signer, new SimpleMeterRegistry());
  }

  private static EdgeNodeVerticle deploy(Vertx vertx, EdgeOptions options, TokenSigner signer,
      SimpleMeterRegistry meters) {
    EdgeNodeVerticle v = new EdgeNodeVerticle(options, signer, JobAccess.open(), meters, null);
    await(vertx.deployVerticle(v));
    return v;
  }

  private static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }
}
