package io.propius.api.tls;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.shareddata.LocalMap;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Puts a renewed certificate into service without a restart: checks the PEM files of a TLS
 * server every {@code reloadCheckMs} (and on an operator's call, {@link #reloadAll}) and, when
 * their content changed, rebuilds the server's TLS context from them
 * ({@link HttpServer#updateSSLOptions}). New connections get the new certificate; open ones keep
 * theirs. A pair that does not load (say the key was replaced before the certificate) leaves the
 * old one serving and is tried again at the next check.
 */
final class CertificateWatch {
  private static final System.Logger LOG = System.getLogger(CertificateWatch.class.getName());
  /** Event-bus addresses of this Vert.x instance's watches (one per TLS server), a local shared map. */
  private static final String WATCHES = "propius.tls.watches";

  private final Vertx vertx;
  private final HttpServer server;
  private final ServerSSLOptions ssl;
  private final List<String> files = new ArrayList<>();
  private final TlsOptions tls;
  private List<Buffer> current;
  private boolean checking;

  private CertificateWatch(Vertx vertx, HttpServer server, ServerSSLOptions ssl, TlsOptions tls) {
    this.vertx = vertx;
    this.server = server;
    this.ssl = ssl.copy();
    this.tls = tls;
    files.add(tls.getCertPath());
    files.add(tls.getKeyPath());
    if (!tls.getClientCaPath().isEmpty()) {
      files.add(tls.getClientCaPath());
    }
  }

  /** Watches {@code server}'s files; call on the verticle's context, whose undeployment ends the watch. */
  static void start(Vertx vertx, HttpServer server, ServerSSLOptions ssl, TlsOptions tls) {
    CertificateWatch watch = new CertificateWatch(vertx, server, ssl, tls);
    watch.read().onSuccess(contents -> watch.current = contents);
    if (tls.getReloadCheckMs() > 0) {
      vertx.setPeriodic(tls.getReloadCheckMs(), id -> watch.check());
    }
    String address = WATCHES + "." + UUID.randomUUID();
    vertx.eventBus().<Void>localConsumer(address, msg -> watch.reload()
        .onSuccess(msg::reply)
        .onFailure(err -> msg.fail(400, "port " + server.actualPort() + ": " + err.getMessage())));
    vertx.sharedData().<String, Boolean>getLocalMap(WATCHES).put(address, true);
  }

  /**
   * Reloads the certificate files of every TLS server of {@code vertx} now.
   *
   * @return per port its certificate's fingerprint; INVALID_ARGUMENT naming each port whose new
   *     files do not load (those keep the certificate in service), FAILED_PRECONDITION when no
   *     port serves TLS
   */
  static Future<JsonArray> reloadAll(Vertx vertx) {
    LocalMap<String, Boolean> watches = vertx.sharedData().getLocalMap(WATCHES);
    JsonArray ports = new JsonArray();
    List<String> failures = new ArrayList<>();
    // One after another: the instances of one port share its server, and two updates of its TLS
    // context at once can fail each other.
    Future<Void> all = Future.succeededFuture();
    for (String address : watches.keySet()) {
      all = all.compose(previous -> vertx.eventBus().<JsonObject>request(address, null).transform(reply -> {
        if (reply.succeeded()) {
          ports.add(reply.result().body());
        } else if (reply.cause() instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS) {
          watches.remove(address); // its verticle was undeployed
        } else {
          failures.add(reply.cause().getMessage());
        }
        return Future.succeededFuture();
      }));
    }
    return all.compose(done -> {
      if (!failures.isEmpty()) {
        return Future.failedFuture(PropiusException.invalid("certificate not reloaded, the one in service stays: "
            + String.join("; ", failures) + (ports.isEmpty() ? "" : " (reloaded: " + ports.encode() + ")")));
      }
      if (ports.isEmpty()) {
        return Future.failedFuture(new PropiusException(ErrorCode.FAILED_PRECONDITION,
            "no port of this process serves TLS: nothing to reload"));
      }
      return Future.succeededFuture(ports);
    });
  }

  private Future<List<Buffer>> read() {
    List<Future<Buffer>> reads = files.stream().map(f -> vertx.fileSystem().readFile(f)).toList();
    return Future.all(reads).map(all -> reads.stream().map(Future::result).toList());
  }

  private void check() {
    if (checking || current == null) {
      return;
    }
    checking = true;
    read().compose(contents -> contents.equals(current) ? Future.succeededFuture() : apply(contents))
        .onFailure(err -> LOG.log(System.Logger.Level.WARNING, "TLS certificate files changed but do not load ("
            + err.getMessage() + "); the previous certificate stays in service, next check in "
            + tls.getReloadCheckMs() + " ms"))
        .onComplete(ar -> checking = false);
  }

  /** Applies the files as they are now, changed or not. */
  private Future<JsonObject> reload() {
    return read().compose(this::apply);
  }

  private Future<JsonObject> apply(List<Buffer> contents) {
    String fingerprint;
    try {
      fingerprint = DevCertificate.fingerprint(contents.get(0).getBytes());
    } catch (RuntimeException e) {
      return Future.failedFuture(new IllegalArgumentException(tls.getCertPath() + " is not a PEM certificate"));
    }
    // force: the paths are the same, so without it Vert.x would keep its cached context.
    return server.updateSSLOptions(ssl.copy(), true).map(updated -> {
      current = contents;
      LOG.log(System.Logger.Level.INFO, "TLS certificate reloaded on port " + server.actualPort()
          + ", SHA-256 fingerprint " + fingerprint);
      return new JsonObject().put("port", server.actualPort()).put("sha256", fingerprint);
    });
  }
}
