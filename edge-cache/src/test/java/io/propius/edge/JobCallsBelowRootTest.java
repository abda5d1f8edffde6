package io.propius.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.tensor.DType;
import io.propius.api.tensor.Tensors;
import io.propius.edge.config.DataPlaneOptions;
import io.propius.edge.testing.EdgeTree;
import io.propius.edge.testing.Http.Reply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Job calls are the root's: a leaf holds partial aggregates of every job it serves and gives them
 * to no one without a token, while devices (task tokens) use it as before.
 */
class JobCallsBelowRootTest {
  @AutoClose
  private final EdgeTree tree = new EdgeTree();

  @Test
  void aLeafRefusesJobCallsAndServesDevices() {
    EdgeTree.Node root = tree.root();
    EdgeTree.Node leaf = tree.child("leaf", root, new DataPlaneOptions().setPushIntervalMs(60_000));
    tree.http.put(root.port(), "/v1/rounds/5/1", null, new JsonObject().put("reducer", "sum").put("tensor_length", 2)
        .put("target", 10));
    String token = tree.token(5, 1, "phone");
    assertThat(tree.http.get(leaf.port(), "/v1/rounds/5/1", token).json().getInteger("tensor_length")).isEqualTo(2);
    assertThat(tree.http.put(leaf.port(), "/v1/results/5/1?samples=1", token,
        Buffer.buffer(Tensors.encode(new double[] {3, 4}, DType.FLOAT64))).status()).isEqualTo(200);

    Reply aggregate = tree.http.get(leaf.port(), "/v1/aggregates/5/1", null);
    assertThat(aggregate.status()).isEqualTo(409);
    assertThat(aggregate.errorMessage()).contains("made at the root edge node, this node is a leaf");
    assertThat(tree.http.get(leaf.port(), "/v1/aggregates/5/1", "some-job-key-0123456789").status()).isEqualTo(409);
    assertThat(tree.http.get(leaf.port(), "/v1/rounds/5/1", null).status()).isEqualTo(409);
    assertThat(tree.http.put(leaf.port(), "/v1/plans/5/1", null, Buffer.buffer("plan")).status()).isEqualTo(409);
  }
}
