package io.propius.edge;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.propius.api.token.TokenSigner;
import io.propius.edge.access.ControlPlaneJobAccess;
import io.propius.edge.access.JobAccess;
import io.propius.edge.config.DataPlaneOptions;
import io.propius.edge.config.EdgeRole;
import io.propius.edge.metrics.MeterRegistries;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A standalone edge node: {@code java -cp propius.jar io.propius.edge.EdgeMain --role leaf --parent
 * http://host:8090 --port 8091 --journal /var/lib/propius/leaf} ({@code --help} lists the flags; a
 * bad flag or combination gets the usage and exit code 2). The token secret comes from
 * {@code PROPIUS_SECURITY_TOKEN_SECRET}, as for the server: every node and client manager of a
 * deployment must share it. Prometheus metrics are on the node's own port at {@code /metrics}.
 *
 * <p>A root takes job calls (publish, aggregates), so it must know who may make them: with
 * {@code --control-plane HOST:PORT} it asks the server's job API, which applies its API keys and
 * job ownership ({@link ControlPlaneJobAccess}); {@code --open-job-calls true} lets anyone (a
 * private network only). It has no job store of its own to decide by.
 */
@Command(name = "edge-node", mixinStandardHelpOptions = true, sortOptions = false,
    description = "A standalone Propius edge (data-plane) node.",
    footer = "Environment: PROPIUS_SECURITY_TOKEN_SECRET (base64), shared with the server.")
public final class EdgeMain implements Callable<Integer> {
  @Spec
  CommandSpec spec;
  @Option(names = "--role", paramLabel = "ROLE", defaultValue = "leaf", description = "leaf, parent or root (default ${DEFAULT-VALUE})")
  String role;
  @Option(names = "--parent", paramLabel = "URL", defaultValue = "", description = "parent node, e.g. http://10.0.0.5:8090 (leaf and parent)")
  String parent;
  @Option(names = "--host", paramLabel = "H", defaultValue = "0.0.0.0", description = "address to listen on (default ${DEFAULT-VALUE})")
  String host;
  @Option(names = "--port", paramLabel = "N", defaultValue = "8091", description = "HTTP port (default ${DEFAULT-VALUE})")
  int port;
  @Option(names = "--journal", paramLabel = "DIR", defaultValue = "", description = "journal of accepted results (required for leaf and parent)")
  String journal;
  @Option(names = "--id", paramLabel = "NAME", description = "node id (default: kept in the journal directory)")
  String id;
  @Option(names = "--cache-mb", paramLabel = "N", description = "plan cache size (default 512)")
  Long cacheMb;
  @Option(names = "--plan-ttl-ms", paramLabel = "N", description = "plan cache TTL and Cache-Control max-age (default 300000)")
  Long planTtlMs;
  @Option(names = "--push-interval-ms", paramLabel = "N", description = "partial push interval (default 1000)")
  Long pushIntervalMs;
  @Option(names = "--push-threshold", paramLabel = "N", description = "push at once after N new contributions (default 100)")
  Integer pushThreshold;
  @Option(names = "--max-upload-mb", paramLabel = "N", description = "largest result upload (default 64)")
  Long maxUploadMb;
  @Option(names = "--allow-non-finite", paramLabel = "B", arity = "1", description = "accept NaN/Inf values (default false)")
  boolean allowNonFinite;
  @Option(names = "--fsync", paramLabel = "B", arity = "1", description = "fsync the journal before acknowledging (default false)")
  Boolean fsync;
  @Option(names = "--compact-mb", paramLabel = "N", description = "compact the journal after N MB appended (default 64)")
  Long compactMb;
  @Option(names = "--retention-ms", paramLabel = "N", description = "retire rounds quiet this long (default 21600000, 6 h)")
  Long retentionMs;
  @Option(names = "--control-plane", paramLabel = "H:P", defaultValue = "",
      description = "root: ask the server's job API (gRPC port) who may publish and read a job")
  String controlPlane;
  @Option(names = "--open-job-calls", paramLabel = "B", arity = "1",
      description = "root: anyone may publish and read any job (private networks only)")
  boolean openJobCalls;

  public static void main(String[] args) {
    int code = new CommandLine(new EdgeMain()).execute(args);
    if (code != 0 || Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")
        || Arrays.asList(args).contains("--version") || Arrays.asList(args).contains("-V")) {
      System.exit(code);
    }
  }

  /** The node's settings from the flags; picocli's usage error (exit 2) for a bad combination. */
  DataPlaneOptions options() {
    DataPlaneOptions options;
    try {
      options = new DataPlaneOptions().setRole(role).setParentUrl(parent).setHost(host).setPort(port)
          .setJournalDir(journal).setRejectNonFinite(!allowNonFinite);
      if (id != null) {
        options.setNodeId(id);
      }
      if (cacheMb != null) {
        options.setCacheBytes(cacheMb * 1024 * 1024);
      }
      if (planTtlMs != null) {
        options.setPlanTtlMs(planTtlMs);
      }
      if (pushIntervalMs != null) {
        options.setPushIntervalMs(pushIntervalMs);
      }
      if (pushThreshold != null) {
        options.setPushThreshold(pushThreshold);
      }
      if (maxUploadMb != null) {
        options.setMaxUploadBytes(maxUploadMb * 1024 * 1024);
      }
      if (fsync != null) {
        options.setJournalFsync(fsync);
      }
      if (compactMb != null) {
        options.setJournalCompactBytes(compactMb * 1024 * 1024);
      }
      if (retentionMs != null) {
        options.setRoundRetentionMs(retentionMs);
      }
      options.validate();
      if (options.role() != EdgeRole.ROOT && options.getJournalDir().isEmpty()) {
        throw new IllegalArgumentException("a " + options.getRole() + " node needs --journal DIR: it is what keeps "
            + "acknowledged results across a restart");
      }
      checkJobAccessFlags(options.role(), controlPlane, openJobCalls);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "edge node: " + e.getMessage());
    }
    return options;
  }

  /** Starts the node and returns; the JVM keeps running until it is stopped. */
  @Override
  public Integer call() {
    DataPlaneOptions options = options();
    String secret = System.getenv("PROPIUS_SECURITY_TOKEN_SECRET");
    if (secret == null || secret.isEmpty()) {
      System.err.println("edge node: set PROPIUS_SECURITY_TOKEN_SECRET (base64, the server's security.tokenSecret)");
      return 2;
    }
    TokenSigner signer = new TokenSigner(Base64.getDecoder().decode(secret));
    PrometheusMeterRegistry registry = MeterRegistries.prometheus();
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setPreferNativeTransport(true)
            .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry)).build();
    JobAccess jobAccess = controlPlane.isEmpty() ? JobAccess.open()
        : new ControlPlaneJobAccess(vertx, controlPlane.substring(0, controlPlane.lastIndexOf(':')),
            Integer.parseInt(controlPlane.substring(controlPlane.lastIndexOf(':') + 1)), options.getUpstreamTimeoutMs(),
            options.getRetryAfterMs());
    EdgeNodeVerticle node = new EdgeNodeVerticle(options, signer, jobAccess, registry, null);
    String jobCalls = options.role() != EdgeRole.ROOT ? ""
        : controlPlane.isEmpty() ? ", job calls open to anyone" : ", job calls checked by " + controlPlane;
    vertx.deployVerticle(node).onSuccess(id -> {
      System.out.printf("Propius edge node %s (%s) is up on :%d%s%s%n", node.node().nodeId(), options.getRole(),
          node.actualPort(), options.getParentUrl().isEmpty() ? "" : ", parent " + options.getParentUrl(), jobCalls);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().toCompletionStage().toCompletableFuture()
          .join()));
    }).onFailure(err -> {
      System.err.println("edge node failed to start: " + err.getMessage());
      vertx.close();
      System.exit(1);
    });
    return 0;
  }

  /** A root must be told who may make job calls; other nodes take none. */
  private static void checkJobAccessFlags(EdgeRole role, String controlPlane, boolean openJobCalls) {
    if (role != EdgeRole.ROOT) {
      if (!controlPlane.isEmpty() || openJobCalls) {
        throw new IllegalArgumentException("--control-plane and --open-job-calls are for a root: only a root takes "
            + "job calls");
      }
      return;
    }
    if (controlPlane.isEmpty() == !openJobCalls) {
      throw new IllegalArgumentException("a root node needs exactly one of --control-plane HOST:PORT (the server's "
          + "job API, which decides by API key who may publish and read a job's rounds) and --open-job-calls true "
          + "(anyone may; a private network only)");
    }
    if (!controlPlane.isEmpty() && !controlPlane.matches(".*[^:]:\\d{1,5}")) {
      throw new IllegalArgumentException("--control-plane must be HOST:PORT, got '" + controlPlane + "'");
    }
  }
}
