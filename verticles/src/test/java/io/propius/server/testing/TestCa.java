package io.propius.server.testing;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.propius.api.tls.TlsOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate authority made in the test (Netty's pkitesting: JDK key generation, Bouncy Castle
 * encoding), writing PEM files as an operator would get them from a real CA.
 */
public final class TestCa {
  private final X509Bundle root;
  private final Path dir;
  private final Path caFile;

  private TestCa(X509Bundle root, Path dir, Path caFile) {
    this.root = root;
    this.dir = dir;
    this.caFile = caFile;
  }

  /** A new root CA named {@code name}, its certificate in {@code dir/name-ca.pem}. */
  public static TestCa create(Path dir, String name) {
    try {
      X509Bundle root = new CertificateBuilder().subject("CN=" + name + " test CA").setIsCertificateAuthority(true)
          .ecp256().notBefore(Instant.now().minus(1, ChronoUnit.DAYS)).notAfter(Instant.now().plus(1, ChronoUnit.DAYS))
          .buildSelfSigned();
      Path caFile = dir.resolve(name + "-ca.pem");
      Files.writeString(caFile, root.getCertificatePEM());
      return new TestCa(root, dir, caFile);
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a test CA", e);
    }
  }

  public Path caFile() {
    return caFile;
  }

  /**
   * A certificate for {@code localhost} and {@code 127.0.0.1}, good for serving and as a client
   * certificate, in {@code dir/name.crt} and {@code dir/name.key} (replaced atomically when they exist,
   * as a renewal tool does).
   */
  public TlsOptions issue(String name) {
    try {
      X509Bundle leaf = new CertificateBuilder().subject("CN=" + name).ecp256()
          .notBefore(Instant.now().minus(1, ChronoUnit.HOURS)).notAfter(Instant.now().plus(1, ChronoUnit.DAYS))
          .addSanDnsName("localhost").addSanIpAddress("127.0.0.1")
          .addExtendedKeyUsageServerAuth().addExtendedKeyUsageClientAuth()
          .buildIssuedBy(root);
      Path cert = dir.resolve(name + ".crt");
      Path key = dir.resolve(name + ".key");
      replace(key, leaf.getPrivateKeyPEM());
      replace(cert, leaf.getCertificatePEM());
      return new TlsOptions().setCertPath(cert.toString()).setKeyPath(key.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot issue a test certificate", e);
    }
  }

  /**
   * The certificate a fresh TLS handshake with {@code 127.0.0.1:port} gets, from the JDK's own client
   * trusting only this CA, so a test sees what a real client would.
   */
  public X509Certificate servedCertificate(int port) {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      try (var in = Files.newInputStream(caFile)) {
        trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
        socket.startHandshake();
        return (X509Certificate) socket.getSession().getPeerCertificates()[0];
      }
    } catch (Exception e) {
      throw new IllegalStateException("TLS handshake with port " + port + " failed", e);
    }
  }

  private static void replace(Path file, String content) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
