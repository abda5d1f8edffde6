package io.propius.api.tls;

import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Picks the TLS implementation of a port or client: OpenSSL (BoringSSL, statically linked in
 * netty-tcnative) when asked for and its native library loads, else the JDK's. The JDK's engine
 * spends most of a TLS check-in's extra CPU in its record layer and handshakes (see docs/TLS.md),
 * which is why OpenSSL is the default.
 */
public final class TlsEngine {
  /** Option value: BoringSSL when it loads, else the JDK's engine. */
  public static final String OPENSSL = "openssl";
  /** Option value: the JDK's engine (SunJSSE). */
  public static final String JDK = "jdk";

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
