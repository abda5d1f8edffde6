package io.propius.api.tls;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.ServerSSLOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a renewed certificate into service without a restart: checks the PEM files of a TLS
 * server every {@code reloadCheckMs} and, when their content changed, rebuilds the server's TLS
 * context from them ({@link HttpServer#updateSSLOptions}). New connections get the new
 * certificate; open ones keep theirs. A pair that does not load (say the key was replaced before
 * the certificate) leaves the old one serving and is tried again at the next check.
 */
final class CertificateWatch {
  private static final System.Logger LOG = System.getLogger(CertificateWatch.class.getName());

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

  static void start(Vertx vertx, HttpServer server, ServerSSLOptions ssl, TlsOptions tls) {
    CertificateWatch watch = new CertificateWatch(vertx, server, ssl, tls);
    watch.read().onSuccess(contents -> watch.current = contents);
    vertx.setPeriodic(tls.getReloadCheckMs(), id -> watch.check());
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
    read().compose(contents -> {
      if (contents.equals(current)) {
        return Future.succeededFuture();
      }
      // force: the paths are the same, so without it Vert.x would keep its cached context.
      return server.updateSSLOptions(ssl.copy(), true).onSuccess(updated -> {
        current = contents;
        LOG.log(System.Logger.Level.INFO, "TLS certificate reloaded on port " + server.actualPort()
            + ", SHA-256 fingerprint " + DevCertificate.fingerprint(contents.get(0).getBytes()));
      }).mapEmpty();
    }).onFailure(err -> LOG.log(System.Logger.Level.WARNING, "TLS certificate files changed but do not load ("
        + err.getMessage() + "); the previous certificate stays in service, next check in " + tls.getReloadCheckMs()
        + " ms")).onComplete(ar -> checking = false);
  }
}
