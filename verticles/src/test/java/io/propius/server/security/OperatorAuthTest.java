package io.propius.server.security;

import static io.propius.server.testing.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.server.config.PropiusOptions;
import io.propius.server.config.SecurityOptions.AdminKey;
import io.propius.server.testing.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The admin port with operator keys: 401 without a known key, 403 for a read-only key writing. */
class OperatorAuthTest {
  private static final String READ = "read-only-operator-key";
  private static final String WRITE = "read-write-operator-key";

  private static HttpResponse<Buffer> call(TestServer server, HttpMethod method, String path, String key) {
    HttpRequest<Buffer> req = server.http.request(method, server.server.adminPort(), "127.0.0.1", path);
    if (key != null) {
      req.bearerTokenAuthentication(key);
    }
    return await(req.send());
  }

  private static String error(HttpResponse<Buffer> r) {
    JsonObject e = r.bodyAsJsonObject().getJsonObject("error");
    return e.getString("code") + ": " + e.getString("message");
  }

  @Test
  void adminCallsNeedAKeyAndWritesNeedAWriteKey() {
    PropiusOptions options = TestServer.testOptions();
    options.security().setAdminKeys(Map.of("viewer", new AdminKey(READ, false), "ops", new AdminKey(WRITE, true)));
    try (TestServer server = TestServer.start(options)) {
      HttpResponse<Buffer> none = call(server, HttpMethod.GET, "/v1/admin/jobs", null);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
      assertThat(error(none)).startsWith("UNAUTHENTICATED: operator key is missing");
      assertThat(call(server, HttpMethod.GET, "/v1/admin/jobs", "not-a-key-of-this-server").statusCode()).isEqualTo(401);

      assertThat(call(server, HttpMethod.GET, "/v1/admin/jobs", READ).statusCode()).isEqualTo(200);
      assertThat(call(server, HttpMethod.GET, "/v1/admin/keys", READ).bodyAsJsonObject().getJsonArray("active"))
          .hasSize(1);
      HttpResponse<Buffer> readWrites = call(server, HttpMethod.POST, "/v1/admin/keys/node", READ);
      assertThat(readWrites.statusCode()).isEqualTo(403);
      assertThat(error(readWrites)).isEqualTo("PERMISSION_DENIED: this operator key is read-only; POST "
          + "/v1/admin/keys/node needs a key with write: true");
      // The write key passes authentication; without a keys file there is nothing to reload.
      HttpResponse<Buffer> reload = call(server, HttpMethod.POST, "/v1/admin/keys/reload", WRITE);
      assertThat(reload.statusCode()).isEqualTo(409);
      assertThat(error(reload)).contains("none is configured");

      // Metrics and probes stay open by default.
      assertThat(call(server, HttpMethod.GET, "/metrics", null).statusCode()).isEqualTo(200);
      assertThat(call(server, HttpMethod.GET, "/healthz", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void metricsAndProbesCanBeClosedToo() {
    PropiusOptions options = TestServer.testOptions();
    options.security().setAdminKeys(Map.of("viewer", new AdminKey(READ, false)));
    options.admin().setMetricsOpen(false).setProbesOpen(false);
    try (TestServer server = TestServer.start(options)) {
      assertThat(call(server, HttpMethod.GET, "/metrics", null).statusCode()).isEqualTo(401);
      assertThat(call(server, HttpMethod.GET, "/readyz", null).statusCode()).isEqualTo(401);
      assertThat(call(server, HttpMethod.GET, "/metrics", READ).statusCode()).isEqualTo(200);
      assertThat(call(server, HttpMethod.GET, "/healthz", READ).statusCode()).isEqualTo(200);
    }
  }
}
