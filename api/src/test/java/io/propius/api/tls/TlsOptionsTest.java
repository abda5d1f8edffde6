package io.propius.api.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad TLS settings are refused at start with the setting named; a port's own section wins only when it turns TLS on. */
class TlsOptionsTest {
  @TempDir
  Path dir;

  @Test
  void badSettingsNameTheSetting() throws Exception {
    Path pem = Files.writeString(dir.resolve("x.pem"), "not checked here");
    assertThatThrownBy(() -> new TlsOptions().setCertPath(pem.toString()).validate("devices.tls"))
        .hasMessage("devices.tls.certPath and devices.tls.keyPath go together: set both or neither");
    assertThatThrownBy(() -> new TlsOptions().setCertPath(pem.toString()).setKeyPath(dir.resolve("nope.key").toString())
        .validate("tls")).hasMessage("tls.keyPath: cannot read '" + dir.resolve("nope.key") + "'");
    assertThatThrownBy(() -> new TlsOptions().setClientCaPath(pem.toString()).validate("jobs.tls"))
        .hasMessageStartingWith("jobs.tls.clientCaPath needs TLS");
    assertThatThrownBy(() -> new TlsOptions().setSelfSigned(true).setCertPath(pem.toString()).setKeyPath(pem.toString())
        .validate("tls")).hasMessageStartingWith("tls.selfSigned generates its own certificate");
    assertThatThrownBy(() -> new TlsOptions().setReloadCheckMs(-1).validate("tls"))
        .hasMessage("tls.reloadCheckMs must be >= 0 (0: never), got -1");
    assertThatThrownBy(() -> new TlsOptions().setEngine("boringssl").validate("devices.tls"))
        .hasMessage("devices.tls.engine must be 'openssl' or 'jdk', got 'boringssl'");
    assertThat(new TlsOptions().setCertPath(pem.toString()).setKeyPath(pem.toString()).validate("tls").isEnabled())
        .isTrue();
  }

  @Test
  void openSslIsTheDefaultEngineAndItsNativeLibraryLoadsHere() {
    assertThat(OpenSsl.isAvailable()).as("netty-tcnative on linux-x86_64: %s", OpenSsl.unavailabilityCause()).isTrue();
    assertThat(TlsEngine.select(new TlsOptions())).isInstanceOf(OpenSSLEngineOptions.class);
    assertThat(TlsEngine.select(new TlsOptions().setEngine("jdk"))).isInstanceOf(JdkSSLEngineOptions.class);
    assertThat(new TlsOptions(new TlsOptions().setEngine("jdk")).getEngine()).isEqualTo("jdk");
  }

  @Test
  void aPortSectionReplacesTheGlobalOneOnlyWhenItTurnsTlsOn() {
    TlsOptions global = new TlsOptions().setSelfSigned(true);
    assertThat(new TlsOptions().setTrustPath("ca.pem").or(global)).isSameAs(global);
    TlsOptions own = new TlsOptions().setCertPath("a").setKeyPath("b");
    assertThat(own.or(global)).isSameAs(own);
  }

  @Test
  void theDevCertificateIsGeneratedWithItsFingerprint() {
    TlsOptions resolved = DevCertificate.resolve(new TlsOptions().setSelfSigned(true));
    assertThat(resolved.isSelfSigned()).isFalse();
    assertThat(resolved.validate("tls").isEnabled()).isTrue();
    assertThat(DevCertificate.fingerprint(Path.of(resolved.getCertPath()))).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
  }
}
