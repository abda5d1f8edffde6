package io.propius.server.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.propius.api.tls.TlsOptions;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code propius_tls_certificate_expiry_timestamp_seconds{port}}: when the certificate of each TLS
 * port expires (Unix time), read from its file at start and every minute after, so a renewal shows
 * up; NaN for a plaintext port. Operators alert on it well before the date.
 */
public final class CertificateExpiry {
  private static final long REFRESH_MS = 60_000;
  private static final System.Logger LOG = System.getLogger(CertificateExpiry.class.getName());

  private CertificateExpiry() {
  }

  /** @return the refresh timer, to cancel at shutdown */
  public static long track(Vertx vertx, MeterRegistry registry, Map<String, TlsOptions> ports) {
    Map<String, AtomicReference<Double>> expiry = new TreeMap<>();
    ports.forEach((port, tls) -> {
      AtomicReference<Double> seconds = new AtomicReference<>(Double.NaN);
      expiry.put(port, seconds);
      Gauge.builder("propius.tls.certificate.expiry.timestamp", seconds, AtomicReference::get).baseUnit("seconds")
          .description("When the port's TLS certificate expires (Unix time); NaN for plaintext").tag("port", port)
          .register(registry);
    });
    Runnable refresh = () -> ports.forEach((port, tls) -> {
      if (tls.isEnabled()) {
        vertx.fileSystem().readFile(tls.getCertPath())
            .onSuccess(pem -> expiry.get(port).set(notAfterSeconds(pem.getBytes(), tls.getCertPath())))
            .onFailure(err -> LOG.log(System.Logger.Level.WARNING, "cannot read " + tls.getCertPath() + ": " + err));
      }
    });
    refresh.run();
    return vertx.setPeriodic(REFRESH_MS, id -> refresh.run());
  }

  private static double notAfterSeconds(byte[] pem, String file) {
    try {
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem));
      return cert.getNotAfter().getTime() / 1000.0;
    } catch (GeneralSecurityException e) {
      LOG.log(System.Logger.Level.WARNING, file + " does not hold a certificate: " + e.getMessage());
      return Double.NaN;
    }
  }
}
