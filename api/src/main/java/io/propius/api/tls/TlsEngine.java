package io.propius.api.tls;

import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Picks the TLS implementation of a server port: OpenSSL (BoringSSL, statically linked in
 * netty-tcnative) when asked for and its native library loads, else the JDK's. OpenSSL is the
 * default because the JDK's engine cost more CPU per check-in and took far longer to warm up
 * (docs/BENCHMARKS.md, "Device check-ins: TLS vs plaintext").
 */
final class TlsEngine {
  /** Option value: BoringSSL when it loads, else the JDK's engine. */
  static final String OPENSSL = "openssl";
  /** Option value: the JDK's engine (SunJSSE). */
  static final String JDK = "jdk";

  private static final System.Logger LOG = System.getLogger(TlsEngine.class.getName());
  /** Each distinct choice is logged once per process, not once per verticle instance. */
  private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

  private TlsEngine() {
  }

  /** The engine {@code tls} asks for, falling back to the JDK's when OpenSSL cannot load. */
  static SSLEngineOptions select(TlsOptions tls) {
    if (OPENSSL.equals(tls.getEngine())) {
      if (OpenSsl.isAvailable()) {
        log("TLS engine: OpenSSL (" + OpenSsl.versionString() + ")");
        return new OpenSSLEngineOptions();
      }
      log("TLS engine: JDK, because tls.engine=openssl but the native library does not load ("
          + OpenSsl.unavailabilityCause() + ")");
    } else {
      log("TLS engine: JDK (tls.engine=jdk)");
    }
    return new JdkSSLEngineOptions();
  }

  private static void log(String line) {
    if (LOGGED.add(line)) {
      LOG.log(line.startsWith("TLS engine: JDK, because") ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
          line);
    }
  }
}
