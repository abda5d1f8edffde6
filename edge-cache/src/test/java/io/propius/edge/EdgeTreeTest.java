package io.propius.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.tensor.DType;
import io.propius.api.tensor.Tensors;
import io.propius.edge.config.DataPlaneOptions;
import io.propius.edge.metrics.EdgeMetrics.Eviction;
import io.propius.edge.metrics.EdgeMetrics.Requester;
import io.propius.edge.metrics.EdgeMetrics;
import io.propius.edge.testing.EdgeTree;
import io.propius.edge.testing.Http.Reply;
import io.propius.edge.testing.Http;
import io.propius.testing.Futures;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** A three-level tree (root, one parent, two leaves) over real HTTP, with 1,000 simulated devices. */
class EdgeTreeTest {
  private static final int LENGTH = 64;
  @AutoClose
  private final EdgeTree tree = new EdgeTree();

  private static DataPlaneOptions quick() {
    return new DataPlaneOptions().setPushIntervalMs(100).setPushThreshold(100);
  }

  @Test
  void thousandDevicesAcrossTwoLeavesAggregateExactlyOnceAtTheRoot() {
    EdgeTree.Node root = tree.root();
    EdgeTree.Node parent = tree.child("parent", root, quick());
    EdgeTree.Node leafA = tree.child("leaf", parent, quick());
    EdgeTree.Node leafB = tree.child("leaf", parent, quick());
    EdgeTree.Node[] leaves = {leafA, leafB};

    int devices = 1000;
    tree.http.put(root.port(), "/v1/rounds/3/1", null, new JsonObject().put("reducer", "fedavg")
        .put("tensor_length", LENGTH).put("target", devices));
    byte[] planBytes = new byte[1 << 20];
    new Random(3).nextBytes(planBytes);
    Buffer plan = Buffer.buffer(planBytes);
    assertThat(tree.http.put(root.port(), "/v1/plans/3/1", null, plan).status()).isEqualTo(201);

    // 500 concurrent plan fetches, half at each leaf: one upstream fetch per leaf, one at the parent.
    List<Future<Http.Reply>> fetches = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      EdgeTree.Node leaf = leaves[i % 2];
      fetches.add(tree.http.send(HttpMethod.GET, leaf.port(), "/v1/plans/3/1", tree.token(3, 1, "d" + i), null,
          Map.of()));
    }
    for (Future<Http.Reply> f : fetches) {
      Reply r = Futures.await(f);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body().length()).isEqualTo(plan.length());
    }
    assertThat(Futures.await(fetches.get(0)).body()).isEqualTo(plan);
    assertThat(parent.node().metrics().planRequests(Requester.NODE)).isEqualTo(2);
    assertThat(root.node().metrics().planRequests(Requester.NODE)).isEqualTo(1);
    for (EdgeTree.Node leaf : leaves) {
      assertThat(leaf.node().metrics().upstreamPlanFetches()).isEqualTo(1);
      assertThat(leaf.node().metrics().planRequests(Requester.DEVICE)).isEqualTo(250);
    }

    // 1,000 uploads (float32 and float64), half at each leaf; the expected mean is computed directly.
    Random rnd = new Random(11);
    double[] weighted = new double[LENGTH];
    double totalWeight = 0;
    List<Future<Http.Reply>> uploads = new ArrayList<>();
    for (int i = 0; i < devices; i++) {
      double[] values = rnd.doubles(LENGTH, -2, 2).toArray();
      DType dtype = i % 3 == 0 ? DType.FLOAT32 : DType.FLOAT64;
      if (dtype == DType.FLOAT32) {
        for (int k = 0; k < LENGTH; k++) {
          values[k] = (float) values[k];
        }
      }
      int samples = 1 + rnd.nextInt(500);
      totalWeight += samples;
      for (int k = 0; k < LENGTH; k++) {
        weighted[k] += samples * values[k];
      }
      uploads.add(tree.http.send(HttpMethod.PUT, leaves[i % 2].port(), "/v1/results/3/1?samples=" + samples,
          tree.token(3, 1, "d" + i), Buffer.buffer(Tensors.encode(values, dtype)), Map.of()));
    }
    for (Future<Http.Reply> f : uploads) {
      Reply r = Futures.await(f);
      assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
      assertThat(r.json().getBoolean("duplicate")).isFalse();
    }
    // A retried upload is acknowledged, not counted.
    Reply dup = tree.http.put(leafA.port(), "/v1/results/3/1?samples=7", tree.token(3, 1, "d0"),
        Buffer.buffer(Tensors.encode(new double[LENGTH], DType.FLOAT64)));
    assertThat(dup.json().getBoolean("duplicate")).isTrue();

    Reply agg = awaitContributors(root, "/v1/aggregates/3/1", devices);
    assertThat(agg.headers().get("Propius-Complete")).isEqualTo("true");
    assertThat(Double.parseDouble(agg.headers().get("Propius-Weight"))).isEqualTo(totalWeight);
    double[] got = Tensors.decode(agg.body().getBytes());
    for (int k = 0; k < LENGTH; k++) {
      double expected = weighted[k] / totalWeight;
      assertThat(Math.abs(got[k] - expected)).as("element %d", k).isLessThanOrEqualTo(1e-9 * Math.abs(expected));
    }
    assertThat(tree.ready).containsExactly("3/1/1000/target");
    assertThat(leafA.node().metrics().uploads(EdgeMetrics.UploadOutcome.DUPLICATE))
        .isEqualTo(1);
  }

  @Test
  void cacheEvictsLeastRecentlyUsedBeyondItsBytesAndRefetchesAfterTtl() {
    EdgeTree.Node root = tree.root();
    EdgeTree.Node leaf = tree.child("leaf", root, quick().setCacheBytes(250_000).setPlanTtlMs(60_000));
    for (int r = 1; r <= 3; r++) {
      tree.http.put(root.port(), "/v1/plans/5/" + r, null, Buffer.buffer(new byte[100_000]).setInt(0, r));
    }
    EdgeMetrics m = leaf.node().metrics();
    fetch(leaf, 1);
    fetch(leaf, 2);
    fetch(leaf, 1); // hit: 1 is now more recent than 2
    assertThat(m.cacheCount(EdgeMetrics.CacheResult.HIT)).isEqualTo(1);
    fetch(leaf, 3); // 300 KB > 250 KB: the least recently used (2) goes
    assertThat(m.evictions(Eviction.SIZE)).isEqualTo(1);
    fetch(leaf, 1);
    assertThat(m.upstreamPlanFetches()).isEqualTo(3);
    fetch(leaf, 2);
    assertThat(m.upstreamPlanFetches()).isEqualTo(4);
    assertThat(leaf.node().cache().bytes()).isLessThanOrEqualTo(250_000);

    tree.clockOffset.addAndGet(61_000);
    fetch(leaf, 2);
    assertThat(m.evictions(Eviction.TTL)).isEqualTo(1);
    assertThat(m.upstreamPlanFetches()).isEqualTo(5);
  }

  private void fetch(EdgeTree.Node leaf, int round) {
    Reply r = tree.http.get(leaf.port(), "/v1/plans/5/" + round, tree.token(5, round, "dev"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().getInt(0)).isEqualTo(round);
  }

  private Reply awaitContributors(EdgeTree.Node root, String path, int expected) {
    Reply last = Awaitility.await("root reaching " + expected + " contributors").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> tree.http.get(root.port(), path, null), r -> r.status() == 200
            && Long.parseLong(r.headers().get("Propius-Contributors")) >= expected);
    assertThat(last.headers().get("Propius-Contributors")).isEqualTo(Integer.toString(expected));
    return last;
  }
}
