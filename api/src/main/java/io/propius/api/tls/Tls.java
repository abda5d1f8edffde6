package io.propius.api.tls;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TCPSSLOptions;
import java.util.Set;

/**
 * The one place that turns {@link TlsOptions} into Vert.x TLS settings, for every server port,
 * every client and the clustered event bus. Plaintext when the options enable nothing.
 */
public final class Tls {
  /** TLS 1.2 for older phones; nothing below it. */
  private static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");

  private Tls() {
  }

  /**
   * A server on {@code options} with TLS applied (ALPN, so gRPC gets HTTP/2), which picks up a
   * renewed certificate every {@code reloadCheckMs}, and at {@link #reloadCertificates}, without a
   * restart. Create it on the verticle's context: the check stops when the verticle is undeployed.
   */
  public static HttpServer createHttpServer(Vertx vertx, HttpServerOptions options, TlsOptions tls) {
    HttpServer server = vertx.createHttpServer(server(options, tls));
    if (tls.isEnabled()) {
      CertificateWatch.start(vertx, server, options.getSslOptions(), tls);
    }
    return server;
  }

  /**
   * Re-reads the certificate files of every TLS server {@link #createHttpServer} made on {@code vertx}
   * and puts them into service now (an operator's call after a renewal).
   *
   * @return one {@code {"port", "sha256"}} per server; INVALID_ARGUMENT naming each port whose
   *     new files do not load (those keep serving their certificate); FAILED_PRECONDITION when no
   *     server speaks TLS
   */
  public static Future<JsonArray> reloadCertificates(Vertx vertx) {
    return CertificateWatch.reloadAll(vertx);
  }

  /** {@code options} with the server side of {@code tls} (a certificate required, and client certificates with a CA). */
  public static HttpServerOptions server(HttpServerOptions options, TlsOptions tls) {
    if (!tls.isEnabled()) {
      return options;
    }
    if (tls.isSelfSigned()) {
      throw new IllegalStateException("resolve tls.selfSigned with DevCertificate.resolve before creating servers");
    }
    identity(options.setSsl(true).setUseAlpn(true), tls);
    options.setSslEngineOptions(TlsEngine.select(tls));
    if (!tls.getClientCaPath().isEmpty()) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(tls.getClientCaPath())).setClientAuth(ClientAuth.REQUIRED);
    }
    return options;
  }

  /**
   * {@code options} (HTTP, gRPC, WebSocket clients) trusting {@code tls.trustPath} (else the JDK's
   * CAs) and presenting {@code tls.certPath} to servers that ask; host names are verified (the
   * Vert.x default, never turned off here). TLS itself is turned on per connection by the URL's
   * scheme ({@code https}), or by the caller.
   */
  public static <T extends ClientOptionsBase> T client(T options, TlsOptions tls) {
    options.setUseAlpn(true);
    if (!tls.getTrustPath().isEmpty()) {
      options.setTrustOptions(new PemTrustOptions().addCertPath(tls.getTrustPath()));
    }
    if (!tls.getCertPath().isEmpty()) {
      identity(options, tls);
    }
    return options;
  }

  /**
   * The clustered event bus over TLS: every member presents {@code certPath} and requires the
   * others' certificates to chain to {@code clientCaPath} (else {@code trustPath}).
   *
   * @throws IllegalArgumentException when TLS is on without a CA to verify members by, or with a
   *     self-signed certificate (each member would make its own, and none would trust the others)
   */
  public static EventBusOptions eventBus(EventBusOptions options, TlsOptions tls) {
    if (!tls.isEnabled()) {
      return options;
    }
    String ca = tls.getClientCaPath().isEmpty() ? tls.getTrustPath() : tls.getClientCaPath();
    if (tls.isSelfSigned() || ca.isEmpty()) {
      throw new IllegalArgumentException("the clustered event bus needs tls.certPath and keyPath from a CA every member "
          + "trusts, and that CA in tls.clientCaPath or tls.trustPath");
    }
    identity(options.setSsl(true), tls);
    options.setTrustOptions(new PemTrustOptions().addCertPath(ca)).setClientAuth(ClientAuth.REQUIRED);
    return options;
  }

  private static void identity(TCPSSLOptions options, TlsOptions tls) {
    options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.getCertPath()).setKeyPath(tls.getKeyPath()))
        .setEnabledSecureTransportProtocols(PROTOCOLS);
  }
}
