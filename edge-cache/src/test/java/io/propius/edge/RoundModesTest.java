package io.propius.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.propius.api.tensor.DType;
import io.propius.api.tensor.Tensors;
import io.propius.edge.testing.EdgeTree;
import io.propius.edge.testing.Http.Reply;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Sync with a deadline, over-selection and buffered async with a staleness bound, at the root. */
class RoundModesTest {
  @AutoClose
  private final EdgeTree tree = new EdgeTree();
  private final EdgeTree.Node root = tree.root();

  private Reply upload(int round, String query, int tokenRound, String device) {
    return tree.http.put(root.port(), "/v1/results/6/" + round + "?samples=1" + query,
        tree.token(6, tokenRound, device), Buffer.buffer(Tensors.encode(new double[] {1}, DType.FLOAT32)));
  }

  private void spec(int round, JsonObject spec) {
    assertThat(tree.http.put(root.port(), "/v1/rounds/6/" + round, null, spec.put("tensor_length", 1)).status())
        .isEqualTo(201);
  }

  @Test
  void syncRoundAggregatesWhatArrivedByTheDeadline() {
    long deadline = System.currentTimeMillis() + 60_000;
    spec(1, new JsonObject().put("target", 10).put("mode", "sync").put("deadline_ms", deadline));
    assertThat(upload(1, "", 1, "a").status()).isEqualTo(200);
    assertThat(tree.http.get(root.port(), "/v1/aggregates/6/1", null).headers().get("Propius-Complete"))
        .isEqualTo("false");
    tree.clockOffset.set(61_000);
    Reply late = upload(1, "", 1, "b");
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.errorCode()).isEqualTo("ROUND_CLOSED");
    assertThat(late.errorMessage()).contains("deadline");
    // A retry of an upload accepted in time is still acknowledged.
    assertThat(upload(1, "", 1, "a").json().getBoolean("duplicate")).isTrue();
    Reply agg = tree.http.get(root.port(), "/v1/aggregates/6/1", null);
    assertThat(agg.headers().get("Propius-Complete")).isEqualTo("true");
    assertThat(agg.headers().get("Propius-Contributors")).isEqualTo("1");
  }

  @Test
  void overSelectedRoundClosesAtItsTarget() {
    spec(1, new JsonObject().put("target", 2).put("mode", "overselect").put("over_selection", 1));
    assertThat(upload(1, "", 1, "a").status()).isEqualTo(200);
    assertThat(upload(1, "", 1, "b").status()).isEqualTo(200);
    Reply third = upload(1, "", 1, "c");
    assertThat(third.status()).isEqualTo(409);
    assertThat(third.errorMessage()).contains("reached its target of 2");
    assertThat(tree.ready).containsExactly("6/1/2/target");
  }

  @Test
  void asyncRoundTakesUpdatesWithinTheStalenessBound() {
    spec(5, new JsonObject().put("target", 100).put("mode", "async").put("staleness", 2));
    assertThat(upload(5, "&base_round=3", 3, "a").status()).isEqualTo(200);
    assertThat(upload(5, "", 5, "b").status()).isEqualTo(200);
    Reply stale = upload(5, "&base_round=2", 2, "c");
    assertThat(stale.status()).isEqualTo(409);
    assertThat(stale.errorMessage()).contains("too stale").contains("trained on round 2").contains("bound 2");
    assertThat(upload(5, "&base_round=3", 4, "d").status()).isEqualTo(403);
    assertThat(upload(5, "&base_round=6", 6, "e").status()).isEqualTo(400);
    assertThat(tree.http.get(root.port(), "/v1/aggregates/6/5", null).headers().get("Propius-Contributors"))
        .isEqualTo("2");
  }
}
