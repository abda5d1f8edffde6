package io.propius.edge;

import static io.propius.edge.testing.EdgeTree.tensor;
import static io.propius.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.tensor.Tensors;
import io.propius.edge.access.JobAccess;
import io.propius.edge.config.DataPlaneOptions;
import io.propius.edge.testing.EdgeTree;
import io.propius.edge.testing.Http.Reply;
import io.propius.testing.Futures;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What keeps a node's state bounded, and what survives it: rounds retired after their retention
 * (and refused from then on, across restarts), journal compaction (counts and seen tokens exact
 * after replaying a compacted journal), and a journaled root keeping its plans and aggregates.
 */
class RetentionTest {
  // The same fixture as ResilienceTest's: a tree and a directory per test, spelled out in each class.
  @AutoClose
  private final EdgeTree tree = new EdgeTree();
  @TempDir
  Path dir;

  private Reply upload(EdgeTree.Node node, long job, int device, int samples, double... values) {
    return tree.http.put(node.port(), "/v1/results/" + job + "/1?samples=" + samples, tree.token(job, 1, "d" + device),
        tensor(values));
  }

  @Test
  void quietRoundsAreRetiredEverywhereAndStayRefusedAfterARestart() throws Exception {
    DataPlaneOptions rootOptions = new DataPlaneOptions().setRole("root").setPort(0)
        .setJournalDir(dir.resolve("root").toString()).setRoundRetentionMs(1_000);
    EdgeTree.Node root = tree.start(rootOptions, JobAccess.open());
    EdgeTree.Node leaf = tree.child("leaf", root, new DataPlaneOptions().setJournalDir(dir.resolve("leaf").toString())
        .setRoundRetentionMs(1_000).setPushIntervalMs(50).setPushThreshold(1));
    tree.http.put(root.port(), "/v1/rounds/5/1", null, new JsonObject().put("tensor_length", 2).put("target", 100));
    tree.http.put(root.port(), "/v1/plans/5/1", null, Buffer.buffer("plan five"));
    for (int d = 0; d < 3; d++) {
      assertThat(upload(leaf, 5, d, 1, d, 1).status()).isEqualTo(200);
    }
    eventually(() -> contributors(root, 5) == 3);
    assertThat(planFiles(dir.resolve("root").resolve("plans"))).hasSize(1);

    // The retention passes (well within the tokens' lifetime): both nodes forget the round, the leaf
    // once the root has everything it accepted.
    tree.clockOffset.addAndGet(5_000);
    eventually(() -> root.node().roundCount() == 0 && leaf.node().roundCount() == 0);

    Reply aggregate = tree.http.get(root.port(), "/v1/aggregates/5/1", null);
    assertThat(aggregate.status()).isEqualTo(409);
    assertThat(aggregate.errorCode()).isEqualTo("ROUND_CLOSED");
    assertThat(aggregate.errorMessage()).contains("retired");
    // A late device, and a retry of one already counted, are refused rather than counted afresh.
    assertThat(upload(leaf, 5, 9, 1, 9, 1).status()).isEqualTo(409);
    assertThat(upload(leaf, 5, 0, 1, 0, 1).status()).isEqualTo(409);
    assertThat(tree.http.get(root.port(), "/v1/plans/5/1", tree.token(5, 1, "d0")).status()).isEqualTo(409);
    assertThat(planFiles(dir.resolve("root").resolve("plans"))).as("the retired plan's file is deleted").isEmpty();
    assertThat(root.registry().find("propius.edge.rounds.retired").counter().count()).isEqualTo(1);

    EdgeTree.Node restarted = tree.restart(root, rootOptions);
    assertThat(tree.http.get(restarted.port(), "/v1/aggregates/5/1", null).status()).isEqualTo(409);
    Reply again = tree.http.put(restarted.port(), "/v1/rounds/5/1", null,
        new JsonObject().put("tensor_length", 2).put("target", 100));
    assertThat(again.status()).as("a retired round cannot be started again").isEqualTo(409);
  }

  @Test
  void aCompactedJournalReplaysExactCountsAndSeenTokens() {
    EdgeTree.Node root = tree.root();
    tree.http.put(root.port(), "/v1/rounds/6/1", null, new JsonObject().put("tensor_length", 100).put("target", 1000));
    // Nothing is pushed before the restart; the journal is compacted whenever it passes 4 KB. Each
    // wave is at least one record of ~0.8 KB (a batch of any size carries one state vector), so
    // the ten waves pass it whatever the batching.
    DataPlaneOptions leafOptions = new DataPlaneOptions().setJournalDir(dir.resolve("leaf").toString())
        .setJournalCompactBytes(4 * 1024).setPushThreshold(1_000_000).setPushIntervalMs(3_600_000);
    EdgeTree.Node leaf = tree.child("leaf", root, leafOptions);
    double weighted = 0;
    double weight = 0;
    for (int wave = 0; wave < 10; wave++) {
      List<Future<Reply>> uploads = new ArrayList<>();
      for (int d = wave * 20; d < wave * 20 + 20; d++) {
        int samples = 1 + d % 5;
        weighted += samples * (double) d;
        weight += samples;
        double[] values = new double[100];
        Arrays.fill(values, d);
        uploads.add(tree.http.send(HttpMethod.PUT, leaf.port(), "/v1/results/6/1?samples=" + samples,
            tree.token(6, 1, "d" + d), tensor(values), Map.of()));
      }
      uploads.forEach(f -> assertThat(Futures.await(f).status()).isEqualTo(200));
    }
    // Compaction runs beside the appends, so it may finish after the last acknowledgement.
    EdgeTree.Node compacting = leaf;
    eventually(() -> compacting.registry().find("propius.edge.journal.compactions").functionCounter().count() >= 1);

    leaf = tree.restart(leaf, leafOptions.setPushIntervalMs(50));
    for (int d = 0; d < 200; d += 37) {
      double[] values = new double[100];
      Reply retry = tree.http.put(leaf.port(), "/v1/results/6/1?samples=1", tree.token(6, 1, "d" + d),
          tensor(values));
      assertThat(retry.json().getBoolean("duplicate")).as("device %d is still known after compaction", d).isTrue();
    }
    EdgeTree.Node r = root;
    eventually(() -> contributors(r, 6) == 200);
    Reply aggregate = tree.http.get(root.port(), "/v1/aggregates/6/1", null);
    assertThat(Double.parseDouble(aggregate.headers().get("Propius-Weight"))).isEqualTo(weight);
    assertThat(Tensors.decode(aggregate.body().getBytes())[99]).isCloseTo(weighted / weight, Offset.offset(1e-9));
  }

  @Test
  void aJournaledRootKeepsItsPlansAndAggregatesAcrossARestart() {
    DataPlaneOptions rootOptions = new DataPlaneOptions().setRole("root").setPort(0)
        .setJournalDir(dir.resolve("root").toString());
    EdgeTree.Node root = tree.start(rootOptions, JobAccess.open());
    tree.http.put(root.port(), "/v1/rounds/7/1", null, new JsonObject().put("tensor_length", 2).put("target", 10));
    byte[] plan = new byte[300_000];
    new Random(7).nextBytes(plan);
    assertThat(tree.http.put(root.port(), "/v1/plans/7/1", null, Buffer.buffer(plan)).status()).isEqualTo(201);
    String etag = tree.http.get(root.port(), "/v1/plans/7/1", tree.token(7, 1, "d0")).headers().get("ETag");
    assertThat(upload(root, 7, 1, 2, 1, 1).status()).isEqualTo(200);
    assertThat(upload(root, 7, 2, 2, 3, 1).status()).isEqualTo(200);

    EdgeTree.Node restarted = tree.restart(root, rootOptions);
    Reply served = tree.http.get(restarted.port(), "/v1/plans/7/1", tree.token(7, 1, "d0"));
    assertThat(served.headers().get("ETag")).isEqualTo(etag);
    assertThat(served.body().getBytes()).isEqualTo(plan);
    assertThat(tree.http.put(restarted.port(), "/v1/plans/7/1", null, Buffer.buffer(plan)).status())
        .as("the same plan again is not new").isEqualTo(200);
    assertThat(tree.http.put(restarted.port(), "/v1/plans/7/1", null, Buffer.buffer("another")).status())
        .isGreaterThanOrEqualTo(400);
    assertThat(contributors(restarted, 7)).isEqualTo(2);
    assertThat(upload(restarted, 7, 1, 2, 1, 1).json().getBoolean("duplicate")).isTrue();
    assertThat(Tensors.decode(tree.http.get(restarted.port(), "/v1/aggregates/7/1", null).body().getBytes())[0])
        .isEqualTo(2.0);
  }

  private long contributors(EdgeTree.Node root, long job) {
    Reply r = tree.http.get(root.port(), "/v1/aggregates/" + job + "/1", null);
    return r.status() == 200 ? Long.parseLong(r.headers().get("Propius-Contributors")) : 0;
  }

  private static List<Path> planFiles(Path plans) throws Exception {
    try (var files = Files.list(plans)) {
      return files.filter(f -> f.toString().endsWith(".plan")).toList();
    }
  }
}
