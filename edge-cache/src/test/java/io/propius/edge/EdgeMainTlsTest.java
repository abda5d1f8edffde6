package io.propius.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.tls.TlsOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A standalone node's TLS: flags win, {@code PROPIUS_TLS_*} fill in what they leave unset. */
class EdgeMainTlsTest {
  private static final Map<String, String> ENV = Map.of("PROPIUS_TLS_CERT_PATH", "/env/node.crt",
      "PROPIUS_TLS_KEY_PATH", "/env/node.key", "PROPIUS_TLS_CLIENT_CA_PATH", "/env/ca.pem",
      "PROPIUS_TLS_TRUST_PATH", "/env/trust.pem");

  @Test
  void theEnvironmentFillsInWhatTheFlagsLeaveUnset() {
    TlsOptions fromEnv = new TlsOptions();
    EdgeMain.tlsFromEnv(fromEnv, ENV);
    assertThat(fromEnv.getCertPath()).isEqualTo("/env/node.crt");
    assertThat(fromEnv.getKeyPath()).isEqualTo("/env/node.key");
    assertThat(fromEnv.getClientCaPath()).isEqualTo("/env/ca.pem");
    assertThat(fromEnv.getTrustPath()).isEqualTo("/env/trust.pem");

    TlsOptions flags = new TlsOptions().setCertPath("/flag/node.crt").setKeyPath("/flag/node.key")
        .setTrustPath("/flag/trust.pem");
    EdgeMain.tlsFromEnv(flags, ENV);
    assertThat(flags.getCertPath()).isEqualTo("/flag/node.crt");
    assertThat(flags.getKeyPath()).isEqualTo("/flag/node.key");
    assertThat(flags.getTrustPath()).isEqualTo("/flag/trust.pem");
    assertThat(flags.getClientCaPath()).isEqualTo("/env/ca.pem");

    TlsOptions none = new TlsOptions();
    EdgeMain.tlsFromEnv(none, Map.of());
    assertThat(none.isEnabled()).isFalse();
  }
}
