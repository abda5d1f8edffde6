package io.propius.edge;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.propius.api.tls.DevCertificate;
import io.propius.api.tls.TlsOptions;
import io.propius.api.token.TokenSigner;
import io.propius.edge.access.ControlPlaneJobAccess;
import io.propius.edge.access.JobAccess;
import io.propius.edge.config.DataPlaneOptions;
import io.propius.edge.config.EdgeRole;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.Base64;
import java.util.Map;

/**
 * A standalone edge node: {@code java -cp propius.jar io.propius.edge.EdgeMain --role leaf --parent
 * http://host:8090 --port 8091 --journal /var/lib/propius/leaf}. The token secret comes from
 * {@code PROPIUS_SECURITY_TOKEN_SECRET}, as for the server: every node and client manager of a
 * deployment must share it. Prometheus metrics are on the node's own port at {@code /metrics}.
 *
 * <p>A root takes job calls (publish, aggregates), so it must know who may make them: with
 * {@code --control-plane HOST:PORT} it asks the server's job API, which applies its API keys and
 * job ownership ({@link ControlPlaneJobAccess}); {@code --open-job-calls true} lets anyone (a
 * private network only). It has no job store of its own to decide by.
 */
public final class EdgeMain {
  private EdgeMain() {
  }

  public static void main(String[] args) {
    DataPlaneOptions options = new DataPlaneOptions().setRole("leaf").setPort(8091);
    String controlPlane = "";
    boolean openJobCalls = false;
    try {
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if ("--help".equals(flag) || "-h".equals(flag)) {
          System.out.println(usage());
          return;
        }
        if (i + 1 == args.length) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        String value = args[++i];
        switch (flag) {
          case "--role" -> options.setRole(value);
          case "--parent" -> options.setParentUrl(value);
          case "--host" -> options.setHost(value);
          case "--port" -> options.setPort(Integer.parseInt(value));
          case "--id" -> options.setNodeId(value);
          case "--journal" -> options.setJournalDir(value);
          case "--cache-mb" -> options.setCacheBytes(Long.parseLong(value) * 1024 * 1024);
          case "--plan-ttl-ms" -> options.setPlanTtlMs(Long.parseLong(value));
          case "--push-interval-ms" -> options.setPushIntervalMs(Long.parseLong(value));
          case "--push-threshold" -> options.setPushThreshold(Integer.parseInt(value));
          case "--max-upload-mb" -> options.setMaxUploadBytes(Long.parseLong(value) * 1024 * 1024);
          case "--allow-non-finite" -> options.setRejectNonFinite(!Boolean.parseBoolean(value));
          case "--fsync" -> options.setJournalFsync(Boolean.parseBoolean(value));
          case "--compact-mb" -> options.setJournalCompactBytes(Long.parseLong(value) * 1024 * 1024);
          case "--retention-ms" -> options.setRoundRetentionMs(Long.parseLong(value));
          case "--control-plane" -> controlPlane = value;
          case "--open-job-calls" -> openJobCalls = Boolean.parseBoolean(value);
          case "--tls-cert" -> options.getTls().setCertPath(value);
          case "--tls-key" -> options.getTls().setKeyPath(value);
          case "--tls-client-ca" -> options.getTls().setClientCaPath(value);
          case "--tls-trust" -> options.getTls().setTrustPath(value);
          case "--tls-self-signed" -> options.getTls().setSelfSigned(Boolean.parseBoolean(value));
          case "--tls-reload-ms" -> options.getTls().setReloadCheckMs(Long.parseLong(value));
          default -> throw new IllegalArgumentException("unknown flag " + flag + " (try --help)");
        }
      }
      tlsFromEnv(options.getTls(), System.getenv());
      options.validate();
      options.setTls(DevCertificate.resolve(options.getTls()));
      if (options.role() != EdgeRole.ROOT && options.getJournalDir().isEmpty()) {
        throw new IllegalArgumentException("a " + options.getRole() + " node needs --journal DIR: it is what keeps "
            + "acknowledged results across a restart");
      }
      checkJobAccessFlags(options.role(), controlPlane, openJobCalls);
    } catch (IllegalArgumentException e) {
      System.err.println("edge node: " + e.getMessage());
      System.exit(2);
      return;
    }
    String secret = System.getenv("PROPIUS_SECURITY_TOKEN_SECRET");
    if (secret == null || secret.isEmpty()) {
      System.err.println("edge node: set PROPIUS_SECURITY_TOKEN_SECRET (base64, the server's security.tokenSecret)");
      System.exit(2);
      return;
    }
    TokenSigner signer = new TokenSigner(Base64.getDecoder().decode(secret));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setPreferNativeTransport(true)
            .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry)).build();
    boolean controlPlaneTls = controlPlane.startsWith("https://");
    String hostPort = controlPlane.replaceFirst("^https?://", "");
    JobAccess jobAccess = controlPlane.isEmpty() ? JobAccess.open()
        : new ControlPlaneJobAccess(vertx, hostPort.substring(0, hostPort.lastIndexOf(':')),
            Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1)),
            controlPlaneTls ? options.getTls() : null, options.getUpstreamTimeoutMs(), options.getRetryAfterMs());
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
      tls.setCertPath(env.getOrDefault("PROPIUS_TLS_CERT_PATH", "")).setKeyPath(env.getOrDefault("PROPIUS_TLS_KEY_PATH", ""));
    }
    if (tls.getClientCaPath().isEmpty()) {
      tls.setClientCaPath(env.getOrDefault("PROPIUS_TLS_CLIENT_CA_PATH", ""));
    }
    if (tls.getTrustPath().isEmpty()) {
      tls.setTrustPath(env.getOrDefault("PROPIUS_TLS_TRUST_PATH", ""));
    }
  }

  private static String usage() {
    return """
        usage: java -cp propius.jar io.propius.edge.EdgeMain --role leaf|parent|root [flags]
          --parent URL            parent node, e.g. http://10.0.0.5:8090 (leaf and parent)
          --port N                HTTP port (default 8091); --host H (default 0.0.0.0)
          --journal DIR           journal of accepted results (required for leaf and parent)
          --id NAME               node id (default: kept in the journal directory)
          --cache-mb N            plan cache size (default 512)
          --plan-ttl-ms N         plan cache TTL and Cache-Control max-age (default 300000)
          --push-interval-ms N    partial push interval (default 1000)
          --push-threshold N      push at once after N new contributions (default 100)
          --max-upload-mb N       largest result upload (default 64)
          --allow-non-finite B    accept NaN/Inf values (default false)
          --fsync B               fsync the journal before acknowledging (default false)
          --compact-mb N          compact the journal after N MB appended (default 64)
          --retention-ms N        retire rounds quiet this long (default 21600000, 6 h)
          --control-plane H:P     root: ask the server's job API (gRPC port; https://H:P over TLS) who may
                                  publish and read a job
          --open-job-calls true   root: anyone may publish and read any job (private networks only)
          --tls-cert F --tls-key F  serve HTTPS (and gRPC over TLS) with this PEM certificate and key; also the
                                  node's client certificate towards a parent that asks for one
          --tls-client-ca F       require client certificates signed by these PEM CAs (mTLS)
          --tls-trust F           PEM CAs that verify the parent and the control plane (default: the JDK's)
          --tls-self-signed true  dev mode: a generated self-signed certificate (fingerprint printed)
          --tls-reload-ms N       check the certificate files for a renewal this often (default 30000, 0: never)
        Environment: PROPIUS_SECURITY_TOKEN_SECRET (base64), shared with the server; PROPIUS_TLS_CERT_PATH,
        PROPIUS_TLS_KEY_PATH, PROPIUS_TLS_CLIENT_CA_PATH, PROPIUS_TLS_TRUST_PATH when the flags are not given.""";
  }
}
