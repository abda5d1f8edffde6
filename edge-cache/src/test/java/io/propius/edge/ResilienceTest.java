package io.propius.edge;

import static io.propius.edge.testing.EdgeTree.tensor;
import static io.propius.testing.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.DistributionSummary;
import io.propius.api.tensor.Tensors;
import io.propius.edge.aggregate.Journal;
import io.propius.edge.config.DataPlaneOptions;
import io.propius.edge.metrics.EdgeMetrics.PushOutcome;
import io.propius.edge.testing.EdgeTree;
import io.propius.edge.testing.Http.Reply;
import io.propius.testing.EdgeProcess;
import io.propius.testing.Futures;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restarts and outages: what a node acknowledged is counted once, whatever happens between pushes. */
class ResilienceTest {
  @AutoClose
  private final EdgeTree tree = new EdgeTree();
  @TempDir
  Path dir;

  private Reply upload(EdgeTree.Node leaf, int device, int samples) {
    return tree.http.put(leaf.port(), "/v1/results/4/1?samples=" + samples, tree.token(4, 1, "d" + device),
        tensor(device, 1));
  }

  @Test
  void leafRestartedBetweenPushesLosesNothingAndCountsNothingTwice() throws IOException {
    EdgeTree.Node root = tree.root();
    tree.http.put(root.port(), "/v1/rounds/4/1", null, new JsonObject().put("tensor_length", 2).put("target", 80));
    // Pushes only at 50 new contributions: the last 30 are acknowledged but not pushed when the leaf stops.
    DataPlaneOptions leafOptions = new DataPlaneOptions().setJournalDir(dir.resolve("leaf").toString()).setPushThreshold(50)
        .setPushIntervalMs(3_600_000);
    EdgeTree.Node leaf = tree.child("leaf", root, leafOptions);
    double weighted = 0;
    double weight = 0;
    // Two waves: the first 50 reach the push threshold and go up; the next 30 stay below it.
    for (int[] wave : new int[][] {{0, 50}, {50, 80}}) {
      List<Future<Reply>> uploads = new ArrayList<>();
      for (int i = wave[0]; i < wave[1]; i++) {
        int samples = 1 + i % 7;
        weighted += samples * (double) i;
        weight += samples;
        uploads.add(tree.http.send(HttpMethod.PUT, leaf.port(), "/v1/results/4/1?samples=" + samples,
            tree.token(4, 1, "d" + i), tensor(i, 1), Map.of()));
      }
      uploads.forEach(f -> assertThat(Futures.await(f).status()).isEqualTo(200));
      awaitAtLeast(root, 50);
    }
    assertThat(awaitAtLeast(root, 50)).as("the second wave is acknowledged but not pushed").isEqualTo(50);
    // Each acknowledged upload went through exactly one group commit, and every commit was timed.
    DistributionSummary commits = leaf.registry().find("propius.edge.journal.commit.uploads").summary();
    eventually(() -> commits.totalAmount() >= 80);
    assertThat(commits.totalAmount()).isEqualTo(80);
    assertThat(commits.count()).isBetween(2L, 80L);
    assertThat(leaf.registry().find("propius.edge.journal.commit").timer().count()).isEqualTo(commits.count());

    // A crash may also tear the record being written: it was never acknowledged, replay drops it.
    tree.stop(leaf);
    Files.write(dir.resolve("leaf").resolve(Journal.FILE), new byte[] {0, 0, 1, 0, 'D', 1, 2},
        StandardOpenOption.APPEND);
    leaf = tree.restart(leaf, leafOptions.setPushIntervalMs(100));

    assertThat(upload(leaf, 0, 1).json().getBoolean("duplicate")).isTrue();
    assertThat(upload(leaf, 79, 1).json().getBoolean("duplicate")).isTrue();
    assertThat(awaitAtLeast(root, 80)).isEqualTo(80);
    Reply agg = tree.http.get(root.port(), "/v1/aggregates/4/1", null);
    assertThat(Double.parseDouble(agg.headers().get("Propius-Weight"))).isEqualTo(weight);
    assertThat(Tensors.decode(agg.body().getBytes())[0]).isCloseTo(weighted / weight,
        Offset.offset(1e-9));
  }

  @Test
  void parentDownAnswers503WithRetryAfterAndTheTreeRecovers() {
    EdgeTree.Node root = tree.root();
    tree.http.put(root.port(), "/v1/rounds/4/1", null, new JsonObject().put("tensor_length", 2).put("target", 20));
    tree.http.put(root.port(), "/v1/rounds/4/2", null, new JsonObject().put("tensor_length", 2).put("target", 1));
    tree.http.put(root.port(), "/v1/plans/4/1", null, Buffer.buffer("plan one"));
    DataPlaneOptions parentOptions = new DataPlaneOptions().setJournalDir(dir.resolve("parent").toString())
        .setPushIntervalMs(100).setPushThreshold(5);
    EdgeTree.Node parent = tree.child("parent", root, parentOptions);
    EdgeTree.Node leaf = tree.child("leaf", parent, new DataPlaneOptions().setJournalDir(dir.resolve("leaf").toString())
        .setPushIntervalMs(100).setPushThreshold(5).setRetryAfterMs(3_000).setUpstreamTimeoutMs(2_000));
    for (int i = 0; i < 10; i++) {
      assertThat(upload(leaf, i, 1).status()).isEqualTo(200);
    }
    awaitAtLeast(root, 10);

    tree.stop(parent);
    Reply plan = tree.http.get(leaf.port(), "/v1/plans/4/1", tree.token(4, 1, "d0"));
    assertThat(plan.status()).isEqualTo(503);
    assertThat(plan.headers().get("Retry-After")).isEqualTo("3");
    assertThat(plan.errorCode()).isEqualTo("UNAVAILABLE");
    assertThat(plan.errorMessage()).contains("parent edge node").contains("unreachable");
    // A round the leaf has never seen needs the parent too.
    Reply unknown = tree.http.put(leaf.port(), "/v1/results/4/2?samples=1", tree.token(4, 2, "d0"), tensor(1, 1));
    assertThat(unknown.status()).isEqualTo(503);
    assertThat(unknown.headers().get("Retry-After")).isEqualTo("3");
    // A known round still takes uploads: they are journaled and pushed when the parent is back.
    for (int i = 10; i < 20; i++) {
      assertThat(upload(leaf, i, 1).status()).isEqualTo(200);
    }
    long failedBefore = leaf.node().metrics().pushes(PushOutcome.FAILED);
    eventually(() -> leaf.node().metrics().pushes(PushOutcome.FAILED) > failedBefore);

    tree.restart(parent, parentOptions);
    assertThat(tree.http.get(leaf.port(), "/v1/plans/4/1", tree.token(4, 1, "d0")).body().toString())
        .isEqualTo("plan one");
    assertThat(tree.http.put(leaf.port(), "/v1/results/4/2?samples=1", tree.token(4, 2, "d0"), tensor(1, 1))
        .status()).isEqualTo(200);
    assertThat(awaitAtLeast(root, 20)).isEqualTo(20);
    assertThat(tree.ready).contains("4/1/20/target");
  }

  /**
   * A leaf whose journal cannot grow (its process may write files of 64 KiB at most, so a write
   * fails with "File too large" part way) refuses the upload with 503, counts nothing of it, and
   * cuts the partial record off: after restarts without the limit, what it acknowledged before and
   * after the failure is all still counted once, and the refused device can upload again.
   */
  @Test
  void aJournalWriteThatFailsAcknowledgesNothingAndCutsOffWhatItWrote() {
    EdgeTree.Node root = tree.root();
    tree.http.put(root.port(), "/v1/rounds/4/1", null, new JsonObject().put("tensor_length", 256).put("target", 1000));
    List<String> flags = List.of("--role", "leaf", "--parent", "http://127.0.0.1:" + root.port(),
        "--journal", dir.resolve("leaf").toString(), "--push-interval-ms", "100");
    Path keys = tree.keysFile(dir, "leaf-p");
    List<Integer> accepted = new ArrayList<>();
    int refused = -1;
    // Leaving each block kills its process (SIGKILL): a crash, nothing flushed.
    try (EdgeProcess leaf = EdgeProcess.start("-f 64", keys, flags)) {
      // Each upload is its own ~2 KiB record, so the limit is reached after a few dozen.
      for (int i = 0; i < 200 && refused < 0; i++) {
        Reply r = upload256(leaf.port(), i);
        if (r.status() == 200) {
          assertThat(r.json().getBoolean("duplicate")).isFalse();
          accepted.add(i);
        } else {
          assertThat(r.status()).as(r.body().toString()).isEqualTo(503);
          assertThat(r.errorCode()).isEqualTo("UNAVAILABLE");
          assertThat(r.errorMessage()).contains("File too large").contains("nothing was accepted, retry");
          refused = i;
        }
      }
      assertThat(refused).as("the 64 KiB limit was reached").isPositive();
      assertThat(upload256(leaf.port(), refused).status()).as("refused, so not a duplicate").isEqualTo(503);
      assertThat(upload256(leaf.port(), accepted.get(0)).json().getBoolean("duplicate")).isTrue();
      assertThat(awaitAtLeast(root, accepted.size())).isEqualTo(accepted.size());
    }
    try (EdgeProcess leaf = EdgeProcess.start("", keys, flags)) {
      assertThat(upload256(leaf.port(), accepted.get(accepted.size() - 1)).json().getBoolean("duplicate")).isTrue();
      for (int i = refused; i < refused + 5; i++) {
        assertThat(upload256(leaf.port(), i).json().getBoolean("duplicate")).isFalse();
      }
    }
    // Replayed again: the records written after the failure follow a whole one, so none is lost.
    try (EdgeProcess leaf = EdgeProcess.start("", keys, flags)) {
      for (int i = refused; i < refused + 5; i++) {
        assertThat(upload256(leaf.port(), i).json().getBoolean("duplicate")).isTrue();
      }
      long total = accepted.size() + 5;
      assertThat(awaitAtLeast(root, total)).isEqualTo(total);
    }
  }

  /**
   * A leaf whose group commits wait for uploads still arriving ({@code --group-commit-wait-us}),
   * killed (SIGKILL) while 48 uploads of 512 KB stream in at once: after a restart every upload it
   * acknowledged is still counted (a retry is a duplicate), and once every device has retried
   * the root holds each exactly once.
   */
  @Test
  void aLeafHoldingCommitsForUploadsInProgressLosesNothingAcknowledgedWhenKilled() {
    EdgeTree.Node root = tree.root();
    int values = 65_536;
    int devices = 48;
    tree.http.put(root.port(), "/v1/rounds/4/1", null, new JsonObject().put("tensor_length", values)
        .put("target", 1000));
    List<String> flags = List.of("--role", "leaf", "--parent", "http://127.0.0.1:" + root.port(),
        "--journal", dir.resolve("leaf").toString(), "--push-interval-ms", "100", "--group-commit-wait-us", "50000");
    Path keys = tree.keysFile(dir, "leaf-hold");
    List<Future<Reply>> uploads = new ArrayList<>();
    try (EdgeProcess leaf = EdgeProcess.start("", keys, flags, List.of("-Xmx256m"))) {
      for (int i = 0; i < devices; i++) {
        uploads.add(uploadOf(leaf.port(), i, values));
      }
      eventually(() -> uploads.stream().filter(f -> f.succeeded() && f.result().status() == 200).count() >= devices / 4);
      String scrape = tree.http.get(leaf.port(), "/metrics", null).body().toString();
      assertThat(scrape).as("commits waited for uploads in progress")
          .containsPattern("propius_edge_journal_commit_held_seconds_count\\{[^}]*\\} [1-9]");
    }
    List<Integer> acknowledged = new ArrayList<>();
    for (int i = 0; i < devices; i++) {
      Future<Reply> f = uploads.get(i);
      try {
        Reply r = Futures.await(f);
        if (r.status() == 200) {
          assertThat(r.json().getBoolean("duplicate")).isFalse();
          acknowledged.add(i);
        }
      } catch (RuntimeException cutOffByTheKill) {
        // not acknowledged: may or may not have been journaled
      }
    }
    assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(devices / 4);
    try (EdgeProcess leaf = EdgeProcess.start("", keys, flags, List.of("-Xmx256m"))) {
      for (int i = 0; i < devices; i++) {
        Reply r = Futures.await(uploadOf(leaf.port(), i, values));
        assertThat(r.status()).isEqualTo(200);
        if (acknowledged.contains(i)) {
          assertThat(r.json().getBoolean("duplicate")).as("device " + i + " was acknowledged").isTrue();
        }
      }
      assertThat(awaitAtLeast(root, devices)).isEqualTo(devices);
    }
    Reply agg = tree.http.get(root.port(), "/v1/aggregates/4/1", null);
    assertThat(Tensors.decode(agg.body().getBytes())[values - 1]).isCloseTo((devices - 1) / 2.0, Offset.offset(1e-9));
  }

  private Future<Reply> uploadOf(int port, int device, int values) {
    double[] tensor = new double[values];
    Arrays.fill(tensor, device);
    return tree.http.send(HttpMethod.PUT, port, "/v1/results/4/1?samples=1", tree.token(4, 1, "d" + device),
        tensor(tensor), Map.of());
  }

  /** Device {@code i}'s upload of 256 values, all {@code i}. */
  private Reply upload256(int port, int i) {
    double[] values = new double[256];
    Arrays.fill(values, i);
    return tree.http.put(port, "/v1/results/4/1?samples=1", tree.token(4, 1, "d" + i), tensor(values));
  }

  private long awaitAtLeast(EdgeTree.Node root, long n) {
    long[] seen = {0};
    eventually(() -> {
      Reply r = tree.http.get(root.port(), "/v1/aggregates/4/1", null);
      seen[0] = r.status() == 200 ? Long.parseLong(r.headers().get("Propius-Contributors")) : 0;
      return seen[0] >= n;
    });
    return seen[0];
  }
}
