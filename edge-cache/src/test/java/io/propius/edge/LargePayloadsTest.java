package io.propius.edge;

import static io.propius.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.tensor.Tensors;
import io.propius.edge.testing.EdgeTree;
import io.propius.edge.testing.Http.Reply;
import io.propius.testing.EdgeProcess;
import io.propius.testing.Futures;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Model-sized payloads through a journaled leaf in a process of its own, below a root: a 16 MB
 * plan and concurrent float32 updates of 1 MB and 16 MB, which the root's aggregate must hold
 * exactly (the weighted mean, computed here directly from the values sent).
 */
class LargePayloadsTest {
  private static final int MB = 1 << 20;
  @AutoClose
  private final EdgeTree tree = new EdgeTree();
  @TempDir
  Path dir;

  private EdgeProcess leaf(EdgeTree.Node root) {
    return leaf(root, List.of());
  }

  private EdgeProcess leaf(EdgeTree.Node root, List<String> jvmOptions) {
    List<String> jvm = new ArrayList<>(List.of("-Xmx768m"));
    jvm.addAll(jvmOptions);
    return EdgeProcess.start("", tree.keysFile(dir, "leaf"), List.of("--role", "leaf", "--parent",
        "http://127.0.0.1:" + root.port(), "--journal", dir.resolve("journal").toString(), "--push-interval-ms", "100",
        "--max-upload-mb", "17", "--vector-fold", "true"), jvm);
  }

  @Test
  void aSixteenMegabytePlanIsServedByteIdenticalWithItsEtag() throws Exception {
    EdgeTree.Node root = tree.root();
    byte[] plan = new byte[16 * MB];
    new Random(16).nextBytes(plan);
    assertThat(tree.http.put(root.port(), "/v1/plans/5/1", null, Buffer.buffer(plan)).status()).isEqualTo(201);
    String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(plan)) + "\"";
    try (EdgeProcess leaf = leaf(root)) {
      String token = tree.token(5, 1, "d1");
      // Twice: fetched from the root the first time, served from the leaf's own file the second.
      for (int i = 0; i < 2; i++) {
        Reply r = tree.http.get(leaf.port(), "/v1/plans/5/1", token);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().get("ETag")).isEqualTo(etag);
        assertThat(r.headers().get("Content-Length")).isEqualTo(Integer.toString(plan.length));
        assertThat(r.body().getBytes()).as("byte-identical").isEqualTo(plan);
      }
      Reply unchanged = tree.http.get(leaf.port(), "/v1/plans/5/1", token, Map.of("If-None-Match", etag));
      assertThat(unchanged.status()).isEqualTo(304);
      assertThat(unchanged.body().length()).isZero();
    }
  }

  /**
   * With {@code --vector-fold true} on both: a JVM without the module falls back to the scalar fold;
   * one with it (and C2, as in production: the test launcher's default stops at C1, where the
   * Vector API is not compiled to vector instructions) folds with vectors. Both exactly.
   */
  @ParameterizedTest
  @ValueSource(strings = {"scalar", "vector"})
  void concurrentOneAndSixteenMegabyteUpdatesAreAggregatedExactly(String fold) {
    EdgeTree.Node root = tree.root();
    List<String> jvm = fold.equals("vector")
        ? List.of("--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=4") : List.of();
    try (EdgeProcess leaf = leaf(root, jvm)) {
      assertThat(leaf.stdout()).as("the start line names the fold").anyMatch(l -> l.endsWith(", " + fold + " float32 fold"));
      uploadAndCheck(root, leaf, 1, MB / 4, 8);
      uploadAndCheck(root, leaf, 2, 4 * MB, 3);
    }
  }

  /** {@code devices} concurrent float32 uploads of {@code length} values into round {@code round} of job 6. */
  private void uploadAndCheck(EdgeTree.Node root, EdgeProcess leaf, int round, int length, int devices) {
    tree.http.put(root.port(), "/v1/rounds/6/" + round, null, new JsonObject().put("reducer", "fedavg")
        .put("tensor_length", length).put("target", 1000));
    double[] sums = new double[length];
    double weight = 0;
    List<Future<Reply>> replies = new ArrayList<>();
    for (int d = 0; d < devices; d++) {
      int samples = 1 + d * 7;
      // As the device sends them: float32, so the exact values are the rounded ones.
      float[] values = new float[length];
      SplittableRandom random = new SplittableRandom(round * 100L + d);
      for (int i = 0; i < length; i++) {
        values[i] = (float) random.nextDouble(-3, 3);
        sums[i] += samples * (double) values[i];
      }
      weight += samples;
      replies.add(tree.http.send(HttpMethod.PUT, leaf.port(), "/v1/results/6/" + round + "?samples=" + samples,
          tree.token(6, round, "d" + d), float32(values), Map.of()));
    }
    for (Future<Reply> f : replies) {
      Reply r = Futures.await(f);
      assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
      assertThat(r.json().getBoolean("duplicate")).isFalse();
    }
    Reply again = tree.http.put(leaf.port(), "/v1/results/6/" + round + "?samples=1", tree.token(6, round, "d0"),
        float32(new float[length]));
    assertThat(again.json().getBoolean("duplicate")).as("a retry counts once").isTrue();

    Reply[] aggregate = {null};
    eventually(Duration.ofSeconds(60), () -> {
      aggregate[0] = tree.http.get(root.port(), "/v1/aggregates/6/" + round, null);
      return Integer.toString(devices).equals(aggregate[0].headers().get("Propius-Contributors"));
    }, "every upload pushed to the root");
    double[] mean = Tensors.decode(aggregate[0].body().getBytes());
    assertThat(mean).hasSize(length);
    for (int i = 0; i < length; i++) {
      double expected = sums[i] / weight;
      assertThat(Math.abs(mean[i] - expected)).as("value %d", i).isLessThanOrEqualTo(1e-9 * Math.abs(expected));
    }
  }

  private static Buffer float32(float[] values) {
    return Buffer.buffer(Tensors.encode(values));
  }
}
