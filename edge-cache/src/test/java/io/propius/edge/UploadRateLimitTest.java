package io.propius.edge;

import static io.propius.edge.testing.EdgeTree.tensor;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.edge.access.JobAccess;
import io.propius.edge.config.DataPlaneOptions;
import io.propius.edge.metrics.EdgeMetrics;
import io.propius.edge.ratelimit.RateLimit;
import io.propius.edge.testing.EdgeTree;
import io.propius.edge.testing.Http.Reply;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Uploads per task token: an upload and its retries go through, a flood with one token gets 429. */
class UploadRateLimitTest {
  @AutoClose
  private final EdgeTree tree = new EdgeTree();

  @Test
  void aFloodWithOneTokenIsRefusedAndOtherTokensAreNot() {
    EdgeTree.Node root = tree.start(new DataPlaneOptions().setRole("root").setPort(0)
        .setUploadsPerToken(new RateLimit(0.01, 4)), JobAccess.open());
    int port = root.port();
    tree.http.put(port, "/v1/rounds/7/1", null, new JsonObject().put("tensor_length", 1).put("target", 100));
    String token = tree.token(7, 1, "flooder");
    for (int i = 0; i < 4; i++) {
      Reply r = tree.http.put(port, "/v1/results/7/1?samples=1", token, tensor(1));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.json().getBoolean("duplicate")).isEqualTo(i > 0);
    }
    Reply refused = tree.http.put(port, "/v1/results/7/1?samples=1", token, tensor(1));
    assertThat(refused.status()).isEqualTo(429);
    assertThat(refused.errorCode()).isEqualTo("RATE_LIMITED");
    assertThat(refused.errorMessage()).startsWith("too many uploads with this task token (dataPlane.uploadsPerToken)");
    assertThat(Long.parseLong(refused.headers().get("Retry-After"))).isBetween(90L, 100L);
    assertThat(tree.http.put(port, "/v1/results/7/1?samples=1", tree.token(7, 1, "other"), tensor(2)).status())
        .isEqualTo(200);
    assertThat(root.node().metrics().uploads(EdgeMetrics.UploadOutcome.RATE_LIMITED))
        .isEqualTo(1);
  }
}
