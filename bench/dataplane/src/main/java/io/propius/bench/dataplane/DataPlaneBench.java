package io.propius.bench.dataplane;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.propius.api.tensor.DType;
import io.propius.api.tensor.Tensors;
import io.propius.api.token.NodeCredential;
import io.propius.api.token.TaskToken;
import io.propius.api.token.TokenSigner;
import io.propius.edge.EdgeMain;
import io.propius.edge.EdgeNodeVerticle;
import io.propius.edge.access.JobAccess;
import io.propius.edge.auth.EdgeCredentials;
import io.propius.edge.auth.EdgeKeysFile;
import io.propius.edge.config.DataPlaneOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * The data-plane benchmark: (1) plan downloads from a leaf edge node vs nginx serving the same
 * bytes from a file, (2) result uploads into the same leaf (verify, decode, validate, journal,
 * aggregate) vs a Vert.x endpoint that discards the bytes. The leaf ({@code EdgeMain}, journaled,
 * below a root in this JVM) and the sink each run in a JVM of its own. Same client, same
 * concurrency, same run; prints a Markdown table of throughputs, each server's CPU per MB (or per
 * upload) and the ratios.
 *
 * <p>{@code java -jar bench/dataplane/target/dataplane-bench.jar [--concurrency 16,64] [--seconds 10]
 * [--sizes-mb 1,16|none] [--uploads journaled|unjournaled|none] [--tensor 7850,262144,4194304]
 * [--warmup-seconds N] [--upload-concurrency 16,64]}: each measurement follows N seconds of
 * unmeasured load (default a fifth of --seconds, at least 1), counted from the server's first
 * answer (a just-started server JVM can take seconds for it); on a loaded machine the JIT needs
 * longer than that to settle. Plans are measured at each of {@code --concurrency}; uploads of each
 * {@code --tensor} size at each of {@code --upload-concurrency}, as a journaled leaf's batches grow with it.
 * {@code --uploads unjournaled} measures the floor any journal design can reach instead: the same
 * uploads (verified, decoded, validated, deduplicated, folded) into a node without a journal, a root
 * in a JVM of its own (a leaf must have one).
 */
public final class DataPlaneBench {
  /** The audience (and node id) of the benchmark's leaf. */
  private static final String LEAF = "leaf";
  private static final long JOB = 1;

  private DataPlaneBench() {
  }

  /** The benchmark's flags. */
  @Command(name = "dataplane-bench", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Plan downloads (leaf vs nginx) and result uploads (journaled leaf vs a discard sink).")
  static final class Flags {
    @Option(names = "--concurrency", paramLabel = "N,...", split = ",",
        description = "plan download concurrency levels (default 16,64)")
    List<Integer> concurrency = List.of(16, 64);
    @Option(names = "--seconds", paramLabel = "S", description = "measured seconds per run (default ${DEFAULT-VALUE})")
    long seconds = 10;
    @Option(names = "--repeats", paramLabel = "N", description = "alternating runs per pair (default ${DEFAULT-VALUE})")
    int repeats = 3;
    @Option(names = "--tensor", paramLabel = "N,...", split = ",",
        description = "float32 values per uploaded tensor, one measurement each (default 7850; 262144 is 1 MB,"
            + " 4194304 is 16 MB)")
    List<Integer> tensor = List.of(7850);
    @Option(names = "--sizes-mb", paramLabel = "MB,...|none", description = "plan sizes (default 1,16)")
    String sizesMb = "1,16";
    @Option(names = "--uploads", paramLabel = "journaled|unjournaled|none",
        description = "upload target: the journaled leaf, a node without a journal (the floor), or none (default ${DEFAULT-VALUE})")
    String uploads = "journaled";
    @Option(names = "--warmup-seconds", paramLabel = "S", description = "unmeasured load first (default: a fifth of --seconds, at least 1)")
    long warmupSeconds = -1;
    @Option(names = "--compact-mb", paramLabel = "MB", description = "leaf journal compaction (default ${DEFAULT-VALUE})")
    long compactMb = 64;
    @Option(names = "--upload-concurrency", paramLabel = "N,...", split = ",",
        description = "upload concurrency levels (default 16)")
    List<Integer> uploadConcurrency = List.of(16);
    @Option(names = "--group-commit-wait-us", paramLabel = "US",
        description = "the journaled leaf's dataPlane.journalGroupCommitWaitMicros (default: the leaf's default)")
    Long groupCommitWaitMicros;
    @Option(names = "--vector-fold", description = "start the leaf's JVM with --add-modules jdk.incubator.vector, so"
        + " that it folds float32 uploads with the Vector API (dataPlane.vectorFold, on by default); without it: the scalar fold")
    boolean vectorFold;
    @Option(names = "--server-cpus", paramLabel = "LIST", description = "run the servers in JVMs of their own (the"
        + " leaf, the node without journal, the discard sink) on these CPUs only, as taskset -c takes them (e.g. 1 or"
        + " 2-5); start the bench under taskset -c on the others to keep the load generator (and the root and nginx)"
        + " off them (default: any CPU, shared)")
    String serverCpus;
  }

  public static void main(String[] args) throws Exception {
    CommandLine cli = new CommandLine(new Flags());
    try {
      cli.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      System.err.println(e.getMessage());
      cli.usage(System.err);
      System.exit(2);
    }
    if (cli.isUsageHelpRequested() || cli.isVersionHelpRequested()) {
      cli.usage(System.out);
      return;
    }
    System.out.print(run(args));
  }

  /**
   * Runs the benchmark the flags describe and returns its report (a Markdown table).
   *
   * @throws CommandLine.ParameterException for an unknown flag or a value of the wrong type
   * @throws IllegalArgumentException for an unknown upload target
   */
  static String run(String... args) throws Exception {
    Flags flags = CommandLine.populateCommand(new Flags(), args);
    if (!List.of("journaled", "unjournaled", "none").contains(flags.uploads)) {
      throw new IllegalArgumentException("--uploads is journaled, unjournaled or none, got " + flags.uploads);
    }
    List<Integer> concurrency = flags.concurrency;
    int repeats = flags.repeats;
    long seconds = flags.seconds;
    List<Integer> tensors = flags.tensor;
    List<Integer> sizesMb = "none".equals(flags.sizesMb) ? List.of()
        : Arrays.stream(flags.sizesMb.split(",")).map(Integer::parseInt).toList();
    String uploads = flags.uploads;
    long warmupSeconds = flags.warmupSeconds;
    long compactMb = flags.compactMb;
    List<Integer> uploadLevels = flags.uploadConcurrency;
    long durationMs = seconds * 1000;
    long warmupMs = warmupSeconds >= 0 ? warmupSeconds * 1000 : Math.max(1000, durationMs / 5);
    // Readable by all: when the bench runs as root, nginx's workers run as an unprivileged user.
    Path work = Files.createTempDirectory("propius-dataplane-bench",
        PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwxr-xr-x")));
    // Servers and the load generator get their own Vert.x instances (own event loops).
    Vertx servers = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setPreferNativeTransport(true));
    Vertx clients = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
    // The control plane's signer; the leaf process gets a keys file derived from it.
    TokenSigner signer = TokenSigner.random();
    try {
      EdgeNodeVerticle root = deploy(servers, new DataPlaneOptions().setRole("root").setPort(0).setHost("127.0.0.1"),
          signer, "root");
      LoadGenerator load = new LoadGenerator(clients, Stream.concat(concurrency.stream(), uploadLevels.stream())
          .mapToInt(Integer::intValue).max().orElse(1));
      // Held in a variable: Vert.x 5 closes a client that is no longer referenced when it is collected.
      // A connection per request: its requests come a minute apart, as long as the pool keeps an idle
      // connection, and a /metrics read sent as the pool dropped one never completed (the benchmark
      // hung on it in 3 of 5 runs of three sizes).
      HttpClient admin = servers.createHttpClient(new HttpClientOptions().setKeepAlive(false));
      StringBuilder table = new StringBuilder();
      table.append(String.format(Locale.ROOT, "| test | Propius | baseline | ratio |%n|---|---|---|---|%n"));
      long expiry = System.currentTimeMillis() + 3_600_000;
      long maxUploadMb = 1 + tensors.stream().mapToLong(n -> 4L * n).max().orElse(0) / (1 << 20);
      Path keys = Files.writeString(work.resolve("leaf-keys.json"), EdgeKeysFile.contents(signer, LEAF, LEAF, "root",
          expiry).encode());
      // The leaf as an operator runs it, in a JVM of its own (its JIT, heap, GC and CPU time apart
      // from the load generator's and the root's), serving plans and taking uploads.
      List<String> leafArgs = new ArrayList<>(List.of("--keys", keys.toString(), "--role", "leaf", "--host",
          "127.0.0.1", "--port", "0", "--parent", "http://127.0.0.1:" + root.actualPort(), "--journal",
          work.resolve("journal").toString(), "--compact-mb", Long.toString(compactMb), "--max-upload-mb",
          Long.toString(maxUploadMb)));
      if (flags.groupCommitWaitMicros != null) {
        leafArgs.addAll(List.of("--group-commit-wait-us", flags.groupCommitWaitMicros.toString()));
      }
      List<String> leafJvm = flags.vectorFold ? List.of("--add-modules", "jdk.incubator.vector") : List.of();
      try (ChildJvm leaf = ChildJvm.start("journaled leaf", flags.serverCpus, leafJvm, EdgeMain.class.getName(),
          leafArgs.toArray(String[]::new))) {
        Matcher fold = Pattern.compile("(\\w+) float32 fold").matcher(leaf.upLine());
        table.insert(0, "The leaf folds float32 with the " + (fold.find() ? fold.group(1) : "(unknown)") + " fold."
            + System.lineSeparator() + System.lineSeparator());
        if (flags.serverCpus != null) {
          table.insert(0, "The servers' JVMs run on CPUs " + leaf.allowedCpus() + " only; the load generator on CPUs "
              + ProcessCpu.allowedCpus(ProcessHandle.current()) + "." + System.lineSeparator());
        }
        if (!sizesMb.isEmpty()) {
          measurePlans(admin, root.actualPort(), signer, work, expiry, sizesMb, concurrency, repeats, load, leaf,
              warmupMs, durationMs, table);
        }
        if ("journaled".equals(uploads)) {
          measureUploads(admin, root.actualPort(), signer, expiry, tensors, uploadLevels, repeats, load, leaf,
              "journaled leaf", flags.serverCpus, warmupMs, durationMs, table);
        } else if ("unjournaled".equals(uploads)) {
          try (ChildJvm floor = ChildJvm.start("node without journal", flags.serverCpus, leafJvm,
              EdgeMain.class.getName(), "--keys", keys.toString(), "--role", "root", "--open-job-calls", "true", "--host", "127.0.0.1",
              "--port", "0", "--max-upload-mb", Long.toString(maxUploadMb))) {
            measureUploads(admin, floor.port(), signer, expiry, tensors, uploadLevels, repeats, load, floor,
                "node without journal", flags.serverCpus, warmupMs, durationMs, table);
          }
        }
      }
      Reference.reachabilityFence(admin);
      return String.format(Locale.ROOT, "transport: %s%n%nData plane benchmark: %d s per measurement after %d s"
              + " warm-up, keep-alive connections, loopback, %d cores, Java %s%n%s",
          servers.isNativeTransportEnabled() ? "native epoll" : "NIO", seconds, warmupMs / 1000,
          Runtime.getRuntime().availableProcessors(), Runtime.version(), table);
    } finally {
      await(clients.close());
      await(servers.close());
      try (var files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /**
   * Plan downloads from the leaf against nginx (one worker, sendfile) serving the same bytes from a
   * file, each server's CPU per MB from the OS. The leaf fetches each plan from the root once, as in
   * a deployment, then serves its own copy.
   */
  private static void measurePlans(HttpClient admin, int rootPort, TokenSigner signer, Path work, long expiry,
      List<Integer> sizesMb, List<Integer> levels, int repeats, LoadGenerator load, ChildJvm leaf, long warmupMs,
      long durationMs, StringBuilder table) throws Exception {
    Path docroot = Files.createDirectories(work.resolve("www"));
    try (NginxServer nginx = new NginxServer(docroot, work.resolve("nginx"), 1)) {
      int round = 1;
      for (int mb : sizesMb) {
        byte[] plan = new byte[mb << 20];
        new Random(mb).nextBytes(plan);
        Files.write(docroot.resolve("plan" + mb + ".bin"), plan);
        await(admin.request(HttpMethod.PUT, rootPort, "127.0.0.1", "/v1/plans/" + JOB + "/" + round)
            .compose(req -> req.send(Buffer.buffer(plan))).compose(r -> r.body()));
        String planToken = new TaskToken(JOB, round, "bench", LEAF, expiry).encode(signer);
        String uri = "/v1/plans/" + JOB + "/" + round;
        for (int level : levels) {
          List<LoadGenerator.Result> mine = new ArrayList<>();
          List<LoadGenerator.Result> theirs = new ArrayList<>();
          Pair pair = alternate(repeats,
              () -> record(mine, load.run(leaf.port(), level, warmupMs, durationMs,
                  i -> new LoadGenerator.Call(HttpMethod.GET, uri, planToken, null), leaf::cpuNanos))
                  .megabytesPerSecond(),
              () -> record(theirs, load.run(nginx.port, level, warmupMs, durationMs,
                  i -> new LoadGenerator.Call(HttpMethod.GET, "/plan" + mb + ".bin", planToken, null),
                  nginx::cpuNanos)).megabytesPerSecond());
          table.append(String.format(Locale.ROOT, "| plan download %d MB, %d concurrent | %.0f MB/s; CPU: leaf %.0f µs/MB,"
                  + " load generator %.0f µs/MB | nginx %.0f MB/s; CPU: nginx %.0f µs/MB, load generator %.0f µs/MB"
                  + " | %.2f× (runs: %s) |%n", mb, level, pair.a(),
              median(mine, LoadGenerator.Result::serverCpuMicrosPerMegabyte),
              median(mine, LoadGenerator.Result::cpuMicrosPerMegabyte), pair.b(),
              median(theirs, LoadGenerator.Result::serverCpuMicrosPerMegabyte),
              median(theirs, LoadGenerator.Result::cpuMicrosPerMegabyte), pair.ratio(), pair.ratios()));
        }
        round++;
      }
    }
  }

  /**
   * Uploads into a journaled leaf against uploads into the discard sink, each server in a JVM of its
   * own as deployed (not sharing JIT profiles, heap and GC with each other or the load generator),
   * its CPU measured apart. Every request carries a fresh device token, so each one is a new
   * contribution. Each tensor size has a round of its own, published at {@code rootPort}.
   */
  private static void measureUploads(HttpClient admin, int rootPort, TokenSigner signer, long expiry,
      List<Integer> tensors, List<Integer> levels, int repeats, LoadGenerator load, ChildJvm leaf, String target,
      String serverCpus, long warmupMs, long durationMs, StringBuilder table) throws Exception {
    StringBuilder commits = new StringBuilder();
    // Each measurement uses device ids of its own, so no upload is a duplicate.
    AtomicInteger devices = new AtomicInteger();
    try (ChildJvm sink = ChildJvm.start("discard sink", serverCpus, List.of(), DiscardSink.class.getName())) {
      for (int t = 0; t < tensors.size(); t++) {
        int tensor = tensors.get(t);
        int uploadRound = 100 + t;
        await(admin.request(HttpMethod.PUT, rootPort, "127.0.0.1", "/v1/rounds/" + JOB + "/" + uploadRound)
            .compose(req -> req.send(new JsonObject().put("reducer", "fedavg").put("tensor_length", tensor)
                .put("target", Integer.MAX_VALUE).encode())).compose(r -> r.body()));
        Buffer body = Buffer.buffer(Tensors.encode(new Random(1).doubles(tensor, -1, 1).toArray(), DType.FLOAT32));
        String uri = "/v1/results/" + JOB + "/" + uploadRound + "?samples=10";
        IntFunction<LoadGenerator.Call> upload = i -> new LoadGenerator.Call(HttpMethod.PUT, uri,
            new TaskToken(JOB, uploadRound, "device-" + devices.incrementAndGet(), LEAF, expiry).encode(signer), body);
        // An unmeasured pass over both first: without it whichever was measured first ran at about
        // half its later rate, so the order decided the comparison.
        load.run(leaf.port(), levels.get(0), warmupMs, warmupMs, upload);
        load.run(sink.port(), levels.get(0), warmupMs, warmupMs, upload);
        String size = body.length() < (1 << 20) ? body.length() / 1024 + " KB" : (body.length() >> 20) + " MB";
        double mb = body.length() / (double) (1 << 20);
        for (int level : levels) {
          GroupCommits before = GroupCommits.of(admin, leaf.port());
          List<LoadGenerator.Result> mine = new ArrayList<>();
          List<LoadGenerator.Result> theirs = new ArrayList<>();
          Pair pair = alternate(repeats,
              () -> record(mine, load.run(leaf.port(), level, warmupMs, durationMs, upload, leaf::cpuNanos))
                  .requestsPerSecond(),
              () -> record(theirs, load.run(sink.port(), level, warmupMs, durationMs, upload, sink::cpuNanos))
                  .requestsPerSecond());
          double leafCpu = median(mine, LoadGenerator.Result::serverCpuMicrosPerRequest);
          double sinkCpu = median(theirs, LoadGenerator.Result::serverCpuMicrosPerRequest);
          table.append(String.format(Locale.ROOT, "| upload + aggregate (%s), %d float32 (%s),"
                  + " %d concurrent | %.0f uploads/s, %.1f MB/s; CPU each: leaf %.0f µs (%.0f µs/MB),"
                  + " load generator %.0f µs | discard sink %.0f uploads/s, %.1f MB/s; CPU each: sink %.0f µs"
                  + " (%.0f µs/MB), load generator %.0f µs | %.2f× (runs: %s) |%n",
              target, tensor, size, level, pair.a(), pair.a() * mb, leafCpu, leafCpu / mb,
              median(mine, LoadGenerator.Result::cpuMicrosPerRequest), pair.b(), pair.b() * mb, sinkCpu, sinkCpu / mb,
              median(theirs, LoadGenerator.Result::cpuMicrosPerRequest), pair.ratio(), pair.ratios()));
          GroupCommits during = GroupCommits.of(admin, leaf.port()).minus(before);
          if (during.commits() == 0) {
            continue; // a node without a journal
          }
          commits.append(String.format(Locale.ROOT, "- journaled leaf, %s, %d concurrent: %.1f uploads per group"
              + " commit, %.0f µs per commit on average, %.0f %% of commits held %.0f µs on average for uploads being"
              + " received (measured runs and their warm-ups); upload latency p50 %.2f ms, p99 %.2f ms (sink %.2f,"
              + " %.2f ms; medians of the runs)%n", size, level,
              during.uploads() / during.commits(), during.seconds() * 1e6 / during.commits(),
              100 * during.held() / during.commits(), during.held() == 0 ? 0 : during.heldSeconds() * 1e6 / during.held(),
              median(mine, r -> r.latencyMs(50)), median(mine, r -> r.latencyMs(99)),
              median(theirs, r -> r.latencyMs(50)), median(theirs, r -> r.latencyMs(99))));
        }
      }
    }
    table.append(commits);
  }

  /** The leaf's group-commit meters, as totals since it started, read from its Prometheus endpoint. */
  private record GroupCommits(double commits, double uploads, double seconds, double held, double heldSeconds) {
    static GroupCommits of(HttpClient http, int port) {
      String text = null;
      // A read that stalls is given up and sent again: such reads hung three runs (13:39–14:00 UTC, 2026-12-07).
      for (int attempt = 1; text == null; attempt++) {
        try {
          text = await(http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
              .setURI("/metrics").setIdleTimeout(10_000)).compose(req -> req.send()).compose(r -> r.body())
              .timeout(15, TimeUnit.SECONDS)).toString();
        } catch (RuntimeException e) {
          if (attempt == 3) {
            throw e;
          }
        }
      }
      return new GroupCommits(total(text, "propius_edge_journal_commit_uploads_count"),
          total(text, "propius_edge_journal_commit_uploads_sum"), total(text, "propius_edge_journal_commit_seconds_sum"),
          total(text, "propius_edge_journal_commit_held_seconds_count"),
          total(text, "propius_edge_journal_commit_held_seconds_sum"));
    }

    /** The sum over a metric's series (one per node). */
    private static double total(String text, String metric) {
      return text.lines().filter(l -> l.startsWith(metric + "{") || l.startsWith(metric + " "))
          .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    GroupCommits minus(GroupCommits earlier) {
      return new GroupCommits(commits - earlier.commits, uploads - earlier.uploads, seconds - earlier.seconds,
          held - earlier.held, heldSeconds - earlier.heldSeconds);
    }
  }

  private static LoadGenerator.Result record(List<LoadGenerator.Result> into, LoadGenerator.Result r) {
    into.add(r);
    return r;
  }

  private static double median(List<LoadGenerator.Result> runs, ToDoubleFunction<LoadGenerator.Result> of) {
    return median(runs.stream().map(of::applyAsDouble).toList());
  }

  /** Medians of alternating measurements (A, B, A, B...): both sides see the same machine load. */
  record Pair(double a, double b, List<Double> runRatios) {
    double ratio() {
      return a / b;
    }

    String ratios() {
      return runRatios.stream().map(r -> String.format(Locale.ROOT, "%.2f", r))
          .collect(Collectors.joining(", "));
    }
  }

  private static Pair alternate(int repeats, DoubleSupplier a, DoubleSupplier b) {
    List<Double> as = new ArrayList<>();
    List<Double> bs = new ArrayList<>();
    List<Double> ratios = new ArrayList<>();
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

  private static EdgeNodeVerticle deploy(Vertx vertx, DataPlaneOptions options, TokenSigner signer, String audience) {
    String credential = new NodeCredential(audience, "root", System.currentTimeMillis() + 86_400_000).encode(signer);
    EdgeNodeVerticle v = new EdgeNodeVerticle(options.setNodeId(audience),
        new EdgeCredentials(signer.audienceKeys(audience), () -> credential), JobAccess.open(),
        new SimpleMeterRegistry(), null);
    await(vertx.deployVerticle(v));
    return v;
  }

  private static <T> T await(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }
}
