package io.propius.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.tensor.DType;
import io.propius.api.tensor.Tensors;
import io.propius.api.token.TaskToken;
import io.propius.api.token.TokenSigner;
import io.propius.edge.access.JobAccess;
import io.propius.edge.config.DataPlaneOptions;
import io.propius.edge.metrics.EdgeMetrics;
import io.propius.edge.metrics.EdgeMetrics.JobRefusal;
import io.propius.edge.testing.EdgeTree;
import io.propius.edge.testing.Http.Reply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The root node alone over real HTTP: publishing, plans, uploads, aggregates, and bad input. */
class RootNodeTest {
  private static final String KEY = "job-key-0123456789abcdef";
  private static final String OTHER_TENANT_KEY = "other-key-0123456789abcdef";
  @AutoClose
  private final EdgeTree tree = new EdgeTree();
  private final EdgeTree.Node root = tree.start(new DataPlaneOptions().setPort(0).setMaxUploadBytes(4096),
      EdgeTree.tenants(Map.of("team-a", KEY, "team-b", OTHER_TENANT_KEY), Map.of(7L, "team-a", 8L, "team-b")));
  private final int port = root.port();

  private static JsonObject spec(int length, int target) {
    return new JsonObject().put("reducer", "fedavg").put("tensor_length", length).put("target", target);
  }

  private static Buffer tensor(double... values) {
    return Buffer.buffer(Tensors.encode(values, DType.FLOAT32));
  }

  private Reply upload(long job, int round, String token, int samples, Buffer body) {
    return tree.http.put(port, "/v1/results/" + job + "/" + round + "?samples=" + samples, token, body);
  }

  @Test
  void publishServeUploadAggregate() {
    assertThat(tree.http.put(port, "/v1/rounds/7/1", KEY, spec(3, 2)).status()).isEqualTo(201);
    assertThat(tree.http.put(port, "/v1/rounds/7/1", KEY, spec(3, 2)).status()).isEqualTo(200);
    Reply conflict = tree.http.put(port, "/v1/rounds/7/1", KEY, spec(4, 2));
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(conflict.errorMessage()).contains("different spec");

    Buffer plan = Buffer.buffer("model weights and config".repeat(1000));
    assertThat(tree.http.put(port, "/v1/plans/7/1", KEY, plan).status()).isEqualTo(201);
    assertThat(tree.http.put(port, "/v1/plans/7/1", KEY, plan).status()).isEqualTo(200);
    assertThat(tree.http.put(port, "/v1/plans/7/1", KEY, Buffer.buffer("other")).status()).isEqualTo(409);

    String a = tree.token(7, 1, "dev-a");
    Reply got = tree.http.get(port, "/v1/plans/7/1", a);
    assertThat(got.status()).isEqualTo(200);
    assertThat(got.body()).isEqualTo(plan);
    String etag = got.headers().get("ETag");
    assertThat(etag).startsWith("\"").hasSize(66);
    assertThat(got.headers().get("Cache-Control")).startsWith("public, max-age=");
    assertThat(tree.http.get(port, "/v1/plans/7/1", a, Map.of("If-None-Match", etag)).status()).isEqualTo(304);
    assertThat(tree.http.get(port, "/v1/rounds/7/1", a).json().getInteger("tensor_length")).isEqualTo(3);

    assertThat(tree.http.get(port, "/v1/aggregates/7/1", KEY).status()).isEqualTo(404);
    Reply first = upload(7, 1, a, 1, tensor(1, 2, 3));
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json()).isEqualTo(new JsonObject().put("accepted", true).put("duplicate", false));
    Reply again = upload(7, 1, a, 1, tensor(1, 2, 3));
    assertThat(again.json().getBoolean("duplicate")).isTrue();
    assertThat(tree.ready).isEmpty();
    assertThat(upload(7, 1, tree.token(7, 1, "dev-b"), 3, tensor(5, 6, 7)).status()).isEqualTo(200);
    assertThat(tree.ready).containsExactly("7/1/2/target");

    Reply agg = tree.http.get(port, "/v1/aggregates/7/1", KEY);
    assertThat(agg.status()).isEqualTo(200);
    assertThat(agg.headers().get("Propius-Contributors")).isEqualTo("2");
    assertThat(agg.headers().get("Propius-Weight")).isEqualTo("4.0");
    assertThat(agg.headers().get("Propius-Complete")).isEqualTo("true");
    assertThat(Tensors.decode(agg.body().getBytes())).containsExactly((1 + 15) / 4.0, (2 + 18) / 4.0, (3 + 21) / 4.0);
  }

  /**
   * Float32 and float64 uploads into one round (each decoded into an array an earlier upload of its
   * type left): a float64 value counts as sent, a float32 one as the float it is.
   */
  @Test
  void float32AndFloat64UploadsAggregateExactly() {
    tree.http.put(port, "/v1/rounds/7/3", KEY, spec(3, 10));
    double[][] sent = {{0.1, -2.7, 1e-3}, {5.3, 0.25, -1.1}, {7.77, 3.3, 0.9}, {-0.4, 8.1, 2.2}};
    double[] sum = new double[3];
    for (int d = 0; d < sent.length; d++) {
      DType dtype = d % 2 == 0 ? DType.FLOAT32 : DType.FLOAT64;
      assertThat(upload(7, 3, tree.token(7, 3, "dev-" + d), d + 1,
          Buffer.buffer(Tensors.encode(sent[d], dtype))).status()).isEqualTo(200);
      for (int i = 0; i < 3; i++) {
        sum[i] += (d + 1) * (dtype == DType.FLOAT32 ? (double) (float) sent[d][i] : sent[d][i]);
      }
    }
    Reply nan = upload(7, 3, tree.token(7, 3, "dev-nan"), 1,
        Buffer.buffer(Tensors.encode(new double[] {1, 2, Double.NaN}, DType.FLOAT64)));
    assertThat(nan.errorMessage()).contains("index 2 is NaN");
    Reply agg = tree.http.get(port, "/v1/aggregates/7/3", KEY);
    assertThat(agg.headers().get("Propius-Contributors")).isEqualTo("4");
    double[] mean = Tensors.decode(agg.body().getBytes());
    for (int i = 0; i < 3; i++) {
      assertThat(mean[i]).isEqualTo(sum[i] / 10);
    }
  }

  @Test
  void badInputIsRefusedAndChangesNothing() {
    tree.http.put(port, "/v1/rounds/7/1", KEY, spec(3, 10));
    String token = tree.token(7, 1, "dev-a");

    // Job calls without the key.
    assertThat(tree.http.put(port, "/v1/rounds/7/2", null, spec(3, 1)).status()).isEqualTo(401);
    assertThat(tree.http.put(port, "/v1/rounds/7/2", "wrong-key-0123456789", spec(3, 1)).status()).isEqualTo(401);
    // Another tenant's key, an unknown job.
    Reply foreign = tree.http.put(port, "/v1/rounds/7/2", OTHER_TENANT_KEY, spec(3, 1));
    assertThat(foreign.status()).isEqualTo(403);
    assertThat(foreign.errorMessage()).isEqualTo("job 7 belongs to another tenant");
    assertThat(tree.http.put(port, "/v1/plans/7/1", OTHER_TENANT_KEY, Buffer.buffer("forged")).status()).isEqualTo(403);
    assertThat(tree.http.get(port, "/v1/rounds/7/1", OTHER_TENANT_KEY).status()).isEqualTo(403);
    assertThat(tree.http.get(port, "/v1/aggregates/7/1", OTHER_TENANT_KEY).status()).isEqualTo(403);
    Reply unknownJob = tree.http.put(port, "/v1/rounds/99/1", KEY, spec(3, 1));
    assertThat(unknownJob.status()).isEqualTo(404);
    assertThat(unknownJob.errorMessage()).isEqualTo("no job 99");
    Reply badSpec = tree.http.put(port, "/v1/rounds/7/2", KEY, spec(3, 1).put("reducer", "median"));
    assertThat(badSpec.status()).isEqualTo(400);
    assertThat(badSpec.errorMessage()).contains("available: fedavg, metrics, sum");

    // Tokens: forged, expired, other job, other round.
    String forged = new TaskToken(7, 1, "dev-a", EdgeTree.AUDIENCE, System.currentTimeMillis() + 60_000).encode(TokenSigner.random());
    Reply r = upload(7, 1, forged, 1, tensor(1, 2, 3));
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.errorMessage()).contains("invalid signature");
    String expired = new TaskToken(7, 1, "dev-a", EdgeTree.AUDIENCE, System.currentTimeMillis() - 1).encode(tree.signer);
    assertThat(upload(7, 1, expired, 1, tensor(1, 2, 3)).errorMessage()).contains("expired");
    assertThat(upload(7, 1, tree.token(8, 1, "dev-a"), 1, tensor(1, 2, 3)).status()).isEqualTo(403);
    assertThat(tree.http.get(port, "/v1/plans/7/1", tree.token(7, 2, "dev-a")).status()).isEqualTo(403);
    assertThat(upload(7, 1, null, 1, tensor(1, 2, 3)).status()).isEqualTo(401);

    // Tensor shape and values.
    Reply shortTensor = upload(7, 1, token, 1, tensor(1, 2));
    assertThat(shortTensor.status()).isEqualTo(400);
    assertThat(shortTensor.errorMessage()).contains("tensor has 2 values").contains("tensor_length 3");
    Buffer truncated = tensor(1, 2, 3);
    Reply cut = upload(7, 1, token, 1, truncated.getBuffer(0, truncated.length() - 2));
    assertThat(cut.status()).isEqualTo(400);
    assertThat(cut.errorMessage()).contains("truncated").contains("received 22 bytes");
    Reply nan = upload(7, 1, token, 1, tensor(1, Double.NaN, 3));
    assertThat(nan.status()).isEqualTo(400);
    assertThat(nan.errorMessage()).contains("index 1 is NaN");
    assertThat(upload(7, 1, token, 1, tensor(1, Double.POSITIVE_INFINITY, 3)).errorMessage()).contains("Infinity");
    assertThat(upload(7, 1, token, 0, tensor(1, 2, 3)).errorMessage()).contains("samples");
    Reply big = upload(7, 1, token, 1, Buffer.buffer(new byte[5000]));
    assertThat(big.status()).isEqualTo(413);
    assertThat(big.errorMessage()).contains("4096 bytes");

    // Unknown job, round, plan.
    assertThat(upload(9, 1, tree.token(9, 1, "dev-a"), 1, tensor(1, 2, 3)).status()).isEqualTo(404);
    assertThat(tree.http.get(port, "/v1/plans/7/1", token).status()).isEqualTo(404);
    assertThat(tree.http.get(port, "/v1/aggregates/7/3", KEY).status()).isEqualTo(404);
    assertThat(tree.http.get(port, "/v1/nothing/7/3", KEY).status()).isEqualTo(404);

    // None of it counted: the same token is still accepted, once.
    Reply ok = upload(7, 1, token, 1, tensor(1, 2, 3));
    assertThat(ok.json().getBoolean("duplicate")).isFalse();
    assertThat(tree.http.get(port, "/v1/aggregates/7/1", KEY).headers().get("Propius-Contributors")).isEqualTo("1");
    assertThat(tree.http.put(port, "/v1/rounds/7/2", KEY, spec(3, 1)).status()).as("round 7/2 was never created")
        .isEqualTo(201);
    assertThat(tree.http.put(port, "/v1/plans/7/1", KEY, Buffer.buffer("plan")).status()).as("no forged plan")
        .isEqualTo(201);
    EdgeMetrics metrics = root.node().metrics();
    assertThat(metrics.jobCallsRefused(JobRefusal.UNAUTHENTICATED)).isEqualTo(2);
    assertThat(metrics.jobCallsRefused(JobRefusal.FORBIDDEN)).isEqualTo(4);
    assertThat(metrics.jobCallsRefused(JobRefusal.UNKNOWN_JOB)).isEqualTo(1);
  }

  @Test
  void nonFiniteValuesCanBeAllowed() {
    EdgeTree.Node lenient = tree.start(new DataPlaneOptions().setPort(0).setRejectNonFinite(false), JobAccess.open());
    tree.http.put(lenient.port(), "/v1/rounds/7/1", null, spec(2, 1).put("reducer", "sum"));
    assertThat(tree.http.put(lenient.port(), "/v1/results/7/1?samples=1", tree.token(7, 1, "d"),
        tensor(Double.NaN, 1)).status()).isEqualTo(200);
  }
}
