package io.propius.edge;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.propius.api.PropiusException;
import io.propius.api.tls.DevCertificate;
import io.propius.api.tls.TlsOptions;
import io.propius.edge.access.ControlPlaneJobAccess;
import io.propius.edge.access.JobAccess;
import io.propius.edge.auth.EdgeKeysFile;
import io.propius.edge.config.DataPlaneOptions;
import io.propius.edge.config.EdgeRole;
import io.propius.edge.metrics.MeterRegistries;
import io.propius.policy.reduce.builtin.Float32Fold;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * A standalone edge node: {@code java -cp propius.jar io.propius.edge.EdgeMain --role leaf --parent
 * http://host:8090 --port 8091 --journal /var/lib/propius/leaf --keys /etc/propius/leaf-keys.json}. The keys
 * file (written by the control plane's {@code POST /v1/admin/keys/node}) holds only this node's
 * verification keys and its credential at its parent; it is re-read when it changes, so keys rotate
 * without a restart. Prometheus metrics are on the node's own port at {@code /metrics}.
 *
 * <p>A root takes job calls (publish, aggregates), so it must know who may make them: with
 * {@code --control-plane HOST:PORT} it asks the server's job API, which applies its API keys and
 * job ownership ({@link ControlPlaneJobAccess}); {@code --open-job-calls true} lets anyone (a
 * private network only). It has no job store of its own to decide by.
 */
@Command(name = "edge-node", mixinStandardHelpOptions = true, sortOptions = false,
    description = "A standalone Propius edge (data-plane) node.",
    footer = {"Environment: PROPIUS_TLS_CERT_PATH, PROPIUS_TLS_KEY_PATH, PROPIUS_TLS_CLIENT_CA_PATH,",
        "PROPIUS_TLS_TRUST_PATH when the flags are not given."})
public final class EdgeMain implements Callable<Integer> {
  private static final long KEYS_CHECK_MS = 2_000;

  @Spec
  CommandSpec spec;
  @Option(names = "--role", paramLabel = "ROLE", defaultValue = "leaf", description = "leaf, parent or root (default ${DEFAULT-VALUE})")
  String role;
  @Option(names = "--parent", paramLabel = "URL", defaultValue = "", description = "parent node, e.g. http://10.0.0.5:8090 (leaf and parent)")
  String parent;
  @Option(names = "--host", paramLabel = "H", description = "address to listen on (default 0.0.0.0)")
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
  @Option(names = "--push-threshold", paramLabel = "N", description = "push at once after N new contributions (default 1000)")
  Integer pushThreshold;
  @Option(names = "--tcp-notsent-lowat", paramLabel = "BYTES", description = "unsent bytes a connection may queue"
      + " (TCP_NOTSENT_LOWAT; default 131072, 0: the kernel's default)")
  Long tcpNotSentLowat;
  @Option(names = "--max-upload-mb", paramLabel = "N", description = "largest result upload (default 64)")
  Long maxUploadMb;
  @Option(names = "--allow-non-finite", paramLabel = "B", arity = "1", description = "accept NaN/Inf values (default false)")
  boolean allowNonFinite;
  @Option(names = "--fsync", paramLabel = "B", arity = "1", description = "fsync the journal before acknowledging (default false)")
  Boolean fsync;
  @Option(names = "--compact-mb", paramLabel = "N", description = "compact the journal after N MB appended (default 64)")
  Long compactMb;
  @Option(names = "--group-commit-wait-us", paramLabel = "N", description = "a journal group commit may wait this"
      + " long for uploads already arriving (default 1000000; 0: commit at once)")
  Long groupCommitWaitMicros;
  @Option(names = "--vector-fold", paramLabel = "B", arity = "1", description = "fold float32 uploads with the Vector"
      + " API when the JVM has --add-modules jdk.incubator.vector (default true; without the module: the scalar fold)")
  Boolean vectorFold;
  @Option(names = "--retention-ms", paramLabel = "N", description = "retire rounds quiet this long (default 21600000, 6 h)")
  Long retentionMs;
  @Option(names = "--http-server-metrics", paramLabel = "B", arity = "1",
      description = "keep Vert.x's per-request HTTP server meters (vertx_http_server_*; default false: they were 6 %"
          + " of a 30 KB upload's event-loop time, and the node's own counters cover its API)")
  boolean httpServerMetrics;
  @Option(names = "--control-plane", paramLabel = "H:P", defaultValue = "",
      description = "root: ask the server's job API (gRPC port; https://H:P over TLS) who may publish and read a job")
  String controlPlane;
  @Option(names = "--open-job-calls", paramLabel = "B", arity = "1",
      description = "root: anyone may publish and read any job (private networks only)")
  boolean openJobCalls;
  @Option(names = "--keys", paramLabel = "FILE", required = true, description = "this node's keys file, from the "
      + "server's POST /v1/admin/keys/node (its verification keys and its credential at the parent); re-read every 2 s")
  String keysPath;
  /** Loaded by {@link #options()}. */
  EdgeKeysFile keys;
  @Option(names = "--tls-cert", paramLabel = "F", description = "serve HTTPS (and gRPC over TLS) with this PEM certificate;"
      + " also the node's client certificate towards a parent that asks for one")
  String tlsCert;
  @Option(names = "--tls-key", paramLabel = "F", description = "the PEM key of --tls-cert")
  String tlsKey;
  @Option(names = "--tls-client-ca", paramLabel = "F", description = "require client certificates signed by these PEM CAs (mTLS)")
  String tlsClientCa;
  @Option(names = "--tls-trust", paramLabel = "F", description = "PEM CAs that verify the parent and the control plane (default: the JDK's)")
  String tlsTrust;
  @Option(names = "--tls-self-signed", paramLabel = "B", arity = "1", description = "dev mode: a generated self-signed certificate (fingerprint printed)")
  Boolean tlsSelfSigned;
  @Option(names = "--tls-reload-ms", paramLabel = "N", description = "check the certificate files for a renewal this often (default 30000, 0: never)")
  Long tlsReloadMs;

  public static void main(String[] args) {
    int code = new CommandLine(new EdgeMain()).execute(args);
    if (code != 0 || Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")
        || Arrays.asList(args).contains("--version") || Arrays.asList(args).contains("-V")) {
      System.exit(code);
    }
  }

  /** The node's settings from the flags and the environment; picocli's usage error (exit 2) for a bad one. */
  DataPlaneOptions options() {
    DataPlaneOptions options = new DataPlaneOptions();
    try {
      options.setRole(role).setParentUrl(parent).setPort(port).setJournalDir(journal).setRejectNonFinite(!allowNonFinite);
      if (host != null) {
        options.setHost(host);
      }
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
      if (tcpNotSentLowat != null) {
        options.setTcpNotSentLowatBytes(tcpNotSentLowat);
      }
      if (maxUploadMb != null) {
        options.setMaxUploadBytes(maxUploadMb * 1024 * 1024);
      }
      if (fsync != null) {
        options.setJournalFsync(fsync);
      }
      if (groupCommitWaitMicros != null) {
        options.setJournalGroupCommitWaitMicros(groupCommitWaitMicros);
      }
      if (compactMb != null) {
        options.setJournalCompactBytes(compactMb * 1024 * 1024);
      }
      if (vectorFold != null) {
        options.setVectorFold(vectorFold);
      }
      if (retentionMs != null) {
        options.setRoundRetentionMs(retentionMs);
      }
      TlsOptions tls = options.getTls();
      if (tlsCert != null) {
        tls.setCertPath(tlsCert);
      }
      if (tlsKey != null) {
        tls.setKeyPath(tlsKey);
      }
      if (tlsClientCa != null) {
        tls.setClientCaPath(tlsClientCa);
      }
      if (tlsTrust != null) {
        tls.setTrustPath(tlsTrust);
      }
      if (tlsSelfSigned != null) {
        tls.setSelfSigned(tlsSelfSigned);
      }
      if (tlsReloadMs != null) {
        tls.setReloadCheckMs(tlsReloadMs);
      }
      tlsFromEnv(tls, System.getenv());
      keys = EdgeKeysFile.load(keysPath);
      if (id == null) {
        options.setNodeId(keys.node());
      }
      if (!options.getParentUrl().isEmpty()) {
        keys.credentials().credentialAtParent();
      }
      options.validate();
      options.setTls(DevCertificate.resolve(options.getTls()));
      if (options.role() != EdgeRole.ROOT && options.getJournalDir().isEmpty()) {
        throw new IllegalArgumentException("a " + options.getRole() + " node needs --journal DIR: it is what keeps "
            + "acknowledged results across a restart");
      }
      checkJobAccessFlags(options.role(), controlPlane, openJobCalls);
    } catch (IllegalArgumentException | PropiusException e) {
      throw new ParameterException(spec.commandLine(), "edge node: " + e.getMessage());
    }
    return options;
  }

  /** Vert.x's own metrics (event bus, pools, HTTP client), with its per-request HTTP server meters only if asked for. */
  static MicrometerMetricsOptions metricsOptions(boolean httpServerMetrics) {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true);
    if (!httpServerMetrics) {
      metrics.addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER);
    }
    return metrics;
  }

  /** Starts the node and returns; the JVM keeps running until it is stopped. */
  @Override
  public Integer call() {
    DataPlaneOptions options = options();
    PrometheusMeterRegistry registry = MeterRegistries.prometheus();
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setPreferNativeTransport(true).setMetricsOptions(metricsOptions(httpServerMetrics)))
        .withMetrics(new MicrometerMetricsFactory(registry)).build();
    boolean controlPlaneTls = controlPlane.startsWith("https://");
    String hostPort = controlPlane.replaceFirst("^https?://", "");
    JobAccess jobAccess = controlPlane.isEmpty() ? JobAccess.open()
        : new ControlPlaneJobAccess(vertx, hostPort.substring(0, hostPort.lastIndexOf(':')),
            Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1)),
            controlPlaneTls ? options.getTls() : null, options.getUpstreamTimeoutMs(), options.getRetryAfterMs());
    EdgeNodeVerticle node = new EdgeNodeVerticle(options, keys.credentials(), jobAccess, registry, null);
    keys.watch(vertx, KEYS_CHECK_MS);
    String jobCalls = options.role() != EdgeRole.ROOT ? ""
        : controlPlane.isEmpty() ? ", job calls open to anyone" : ", job calls checked by " + controlPlane;
    vertx.deployVerticle(node).onSuccess(id -> {
      System.out.printf("Propius edge node %s (%s) is up on :%d%s%s, %s float32 fold%n", node.node().nodeId(),
          options.getRole(), node.actualPort(), options.getParentUrl().isEmpty() ? "" : ", parent "
          + options.getParentUrl(), jobCalls, Float32Fold.inUse());
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
    if (!controlPlane.isEmpty() && !controlPlane.matches("(https?://)?[^/]*[^:/]:\\d{1,5}")) {
      throw new IllegalArgumentException("--control-plane must be HOST:PORT or https://HOST:PORT, got '" + controlPlane
          + "'");
    }
  }

  /** The flags win; {@code PROPIUS_TLS_*} fill in what they leave unset, as for the server's {@code tls} section. */
  static void tlsFromEnv(TlsOptions tls, Map<String, String> env) {
    if (tls.getCertPath().isEmpty() && tls.getKeyPath().isEmpty()) {
      tls.setCertPath(env.getOrDefault("PROPIUS_TLS_CERT_PATH", ""))
          .setKeyPath(env.getOrDefault("PROPIUS_TLS_KEY_PATH", ""));
    }
    if (tls.getClientCaPath().isEmpty()) {
      tls.setClientCaPath(env.getOrDefault("PROPIUS_TLS_CLIENT_CA_PATH", ""));
    }
    if (tls.getTrustPath().isEmpty()) {
      tls.setTrustPath(env.getOrDefault("PROPIUS_TLS_TRUST_PATH", ""));
    }
  }
}
