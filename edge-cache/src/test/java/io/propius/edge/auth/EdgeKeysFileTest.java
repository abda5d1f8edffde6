package io.propius.edge.auth;

import static io.propius.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.propius.api.token.KeyRing;
import io.propius.api.token.TaskToken;
import io.propius.api.token.TokenSigner;
import io.propius.edge.EdgeNodeVerticle;
import io.propius.edge.access.JobAccess;
import io.propius.edge.config.DataPlaneOptions;
import io.propius.edge.testing.Http;
import io.propius.testing.Futures;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone node's keys file: rotated by rewriting the file (no restart), a token under a
 * retired key refused with its reason, and {@code /metrics} behind the file's operator keys.
 */
class EdgeKeysFileTest {
  private static final byte[] K1 = key(1);
  private static final byte[] K2 = key(2);
  private static final String OPERATOR = "edge-metrics-reader-key";
  private final Vertx vertx = Vertx.vertx();
  private final Http http = new Http();
  @TempDir
  Path dir;

  private static byte[] key(int seed) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) seed);
    return k;
  }

  @AfterEach
  void close() {
    http.close();
    Futures.await(vertx.close());
  }

  private static void write(Path file, TokenSigner signer) throws IOException {
    JsonObject contents = EdgeKeysFile.contents(signer, "leaf-1", "leaf-1a", null, 0)
        .put("admin_keys", new JsonObject().put("grafana", new JsonObject().put("key", OPERATOR)));
    Path tmp = file.resolveSibling("keys.tmp");
    Files.writeString(tmp, contents.encode());
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void keysRotateByRewritingTheFileAndMetricsNeedAnOperatorKey() throws IOException {
    TokenSigner signer = new TokenSigner(KeyRing.single("k1", K1));
    Path file = dir.resolve("keys.json");
    write(file, signer);
    EdgeKeysFile keys = EdgeKeysFile.load(file.toString());
    EdgeNodeVerticle node = new EdgeNodeVerticle(new DataPlaneOptions().setRole("root").setHost("127.0.0.1").setPort(0),
        keys.credentials(), JobAccess.open(), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null);
    Futures.await(vertx.deployVerticle(node));
    keys.watch(vertx, 50);
    int port = node.actualPort();
    http.put(port, "/v1/rounds/7/1", null, new JsonObject().put("tensor_length", 1).put("target", 5));
    long far = System.currentTimeMillis() + 600_000;
    String underK1 = new TaskToken(7, 1, "d1", "leaf-1", far).encode(signer);
    assertThat(http.get(port, "/v1/rounds/7/1", underK1).status()).isEqualTo(200);

    signer.rotate(new KeyRing(Map.of("k1", K1, "k2", K2), "k2", Set.of()));
    write(file, signer);
    String underK2 = new TaskToken(7, 1, "d2", "leaf-1", far).encode(signer);
    eventually(() -> http.get(port, "/v1/rounds/7/1", underK2).status() == 200);
    assertThat(http.get(port, "/v1/rounds/7/1", underK1).status()).isEqualTo(200);

    signer.rotate(new KeyRing(Map.of("k2", K2), "k2", Set.of("k1")));
    write(file, signer);
    eventually(() -> http.get(port, "/v1/rounds/7/1", underK1).status() == 401);
    assertThat(http.get(port, "/v1/rounds/7/1", underK1).errorMessage())
        .isEqualTo("task token was signed with key 'k1', which is retired; get a new one");
    assertThat(http.get(port, "/v1/rounds/7/1", underK2).status()).isEqualTo(200);

    // A file that does not parse is not applied: the keys in use stay.
    Files.writeString(file, "{\"audience\":\"leaf-1\",\"keys\":{}}");
    try {
      Thread.sleep(300); // several checks of the file
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    assertThat(http.get(port, "/v1/rounds/7/1", underK2).status()).isEqualTo(200);

    assertThat(http.get(port, "/metrics", null).status()).isEqualTo(401);
    assertThat(http.get(port, "/metrics", "not-the-operator-key").status()).isEqualTo(401);
    assertThat(http.get(port, "/metrics", OPERATOR).status()).isEqualTo(200);
  }
}
