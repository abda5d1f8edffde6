package io.propius.api.tls;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS settings of one process or one port, as PEM files. A server port uses {@code certPath} and
 * {@code keyPath} as its identity and, with {@code clientCaPath}, requires client certificates
 * signed by those CAs (mTLS). A client (an edge node calling its parent, the SDK) verifies servers
 * against {@code trustPath} (the JDK's default CAs when empty) and presents {@code certPath} and
 * {@code keyPath} when the server asks for a certificate. Nothing set: plaintext.
 */
public final class TlsOptions {
  /** PEM certificate chain (leaf first). */
  private String certPath = "";
  /** PEM private key (PKCS#8 or PKCS#1) of the certificate. */
  private String keyPath = "";
  /** PEM CA certificates client certificates must chain to; empty: no client certificate is asked for. */
  private String clientCaPath = "";
  /** PEM CA certificates that verify the servers this process calls; empty: the JDK's default CAs. */
  private String trustPath = "";
  /** Dev mode: generate a self-signed certificate at start and print its SHA-256 fingerprint. */
  private boolean selfSigned = false;
  /** How often the certificate, key and client CA files are checked for a renewal; 0: never. */
  private long reloadCheckMs = 30_000;
  /**
   * The TLS implementation: {@code openssl} (BoringSSL through Netty's tcnative, several times
   * cheaper per handshake and per byte than the JDK's; the JDK's when the native library does not
   * load) or {@code jdk}.
   */
  private String engine = TlsEngine.OPENSSL;

  public TlsOptions() {
  }

  public TlsOptions(TlsOptions other) {
    this.certPath = other.certPath;
    this.keyPath = other.keyPath;
    this.clientCaPath = other.clientCaPath;
    this.trustPath = other.trustPath;
    this.selfSigned = other.selfSigned;
    this.reloadCheckMs = other.reloadCheckMs;
    this.engine = other.engine;
  }

  /** Whether a server with these settings speaks TLS. */
  public boolean isEnabled() {
    return selfSigned || !certPath.isEmpty();
  }

  /** These settings when they turn TLS on, else {@code fallback} (a port's own section over the global one). */
  public TlsOptions or(TlsOptions fallback) {
    return isEnabled() ? this : fallback;
  }

  public String getCertPath() {
    return certPath;
  }

  public TlsOptions setCertPath(String certPath) {
    this.certPath = certPath;
    return this;
  }

  public String getKeyPath() {
    return keyPath;
  }

  public TlsOptions setKeyPath(String keyPath) {
    this.keyPath = keyPath;
    return this;
  }

  public String getClientCaPath() {
    return clientCaPath;
  }

  public TlsOptions setClientCaPath(String clientCaPath) {
    this.clientCaPath = clientCaPath;
    return this;
  }

  public String getTrustPath() {
    return trustPath;
  }

  public TlsOptions setTrustPath(String trustPath) {
    this.trustPath = trustPath;
    return this;
  }

  public boolean isSelfSigned() {
    return selfSigned;
  }

  public TlsOptions setSelfSigned(boolean selfSigned) {
    this.selfSigned = selfSigned;
    return this;
  }

  public long getReloadCheckMs() {
    return reloadCheckMs;
  }

  public TlsOptions setReloadCheckMs(long reloadCheckMs) {
    this.reloadCheckMs = reloadCheckMs;
    return this;
  }

  public String getEngine() {
    return engine;
  }

  public TlsOptions setEngine(String engine) {
    this.engine = engine;
    return this;
  }

  /**
   * @param section the configuration path of these settings, for the message ({@code tls}, {@code devices.tls}...)
   * @throws IllegalArgumentException naming the first bad setting
   */
  public TlsOptions validate(String section) {
    if (certPath.isEmpty() != keyPath.isEmpty()) {
      throw new IllegalArgumentException(section + ".certPath and " + section + ".keyPath go together: set both or "
          + "neither");
    }
    if (selfSigned && !certPath.isEmpty()) {
      throw new IllegalArgumentException(section + ".selfSigned generates its own certificate: leave " + section
          + ".certPath and keyPath empty, or turn selfSigned off");
    }
    if (!clientCaPath.isEmpty() && !isEnabled()) {
      throw new IllegalArgumentException(section + ".clientCaPath needs TLS: set " + section + ".certPath and keyPath "
          + "(or selfSigned)");
    }
    readable(section + ".certPath", certPath);
    readable(section + ".keyPath", keyPath);
    readable(section + ".clientCaPath", clientCaPath);
    readable(section + ".trustPath", trustPath);
    if (reloadCheckMs < 0) {
      throw new IllegalArgumentException(section + ".reloadCheckMs must be >= 0 (0: never), got " + reloadCheckMs);
    }
    if (!TlsEngine.OPENSSL.equals(engine) && !TlsEngine.JDK.equals(engine)) {
      throw new IllegalArgumentException(section + ".engine must be '" + TlsEngine.OPENSSL + "' or '" + TlsEngine.JDK
          + "', got '" + engine + "'");
    }
    return this;
  }

  private static void readable(String setting, String path) {
    if (!path.isEmpty() && !Files.isReadable(Path.of(path))) {
      throw new IllegalArgumentException(setting + ": cannot read '" + path + "'");
    }
  }
}
