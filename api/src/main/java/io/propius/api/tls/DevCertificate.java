package io.propius.api.tls;

import io.vertx.core.net.SelfSignedCertificate;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * The dev mode's certificate ({@code tls.selfSigned}): a fresh self-signed certificate for
 * {@code localhost}, generated in-process by Vert.x (Netty, JDK crypto), in temporary PEM files.
 * Clients trust it by its file or check its fingerprint; it is never meant for production.
 */
public final class DevCertificate {
  private static final System.Logger LOG = System.getLogger(DevCertificate.class.getName());

  private DevCertificate() {
  }

  /**
   * {@code options} unchanged unless they ask for a self-signed certificate; then a copy naming a
   * newly generated certificate and key, whose fingerprint is logged.
   */
  public static TlsOptions resolve(TlsOptions options) {
    if (!options.isSelfSigned()) {
      return options;
    }
    SelfSignedCertificate generated = SelfSignedCertificate.create("localhost");
    TlsOptions resolved = new TlsOptions(options).setSelfSigned(false)
        .setCertPath(generated.certificatePath()).setKeyPath(generated.privateKeyPath());
    LOG.log(System.Logger.Level.WARNING, "tls.selfSigned: serving a self-signed certificate for localhost (dev mode, "
        + "not for production), SHA-256 fingerprint " + fingerprint(Path.of(generated.certificatePath()))
        + ", certificate file " + generated.certificatePath());
    return resolved;
  }

  /** SHA-256 of the first certificate in a PEM file, as colon-separated upper-case hex (as openssl prints it). */
  public static String fingerprint(Path pemCertificate) {
    try {
      return fingerprint(Files.readAllBytes(pemCertificate));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read certificate " + pemCertificate + ": " + e.getMessage(), e);
    }
  }

  /** @see #fingerprint(Path) */
  public static String fingerprint(byte[] pemCertificate) {
    try {
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pemCertificate));
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
    }
  }
}
