package io.propius.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.propius.api.grpc.Aggregate;
import io.propius.api.grpc.DataPlaneGrpcClient;
import io.propius.api.grpc.GetAggregateRequest;
import io.propius.api.grpc.PublishRoundRequest;
import io.propius.api.grpc.PublishRoundResponse;
import io.propius.api.tensor.DType;
import io.propius.api.tensor.Tensors;
import io.propius.edge.config.DataPlaneOptions;
import io.propius.edge.testing.EdgeTree;
import io.propius.edge.testing.Http;
import io.propius.testing.Futures;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The root's DataPlane gRPC service on the data-plane port, over a real HTTP/2 connection. */
class DataPlaneGrpcTest {
  private static final String KEY = "job-key-0123456789abcdef";
  private static final String OTHER_TENANT_KEY = "other-key-0123456789abcdef";
  @AutoClose
  private final EdgeTree tree = new EdgeTree();
  private final EdgeTree.Node root = tree.start(new DataPlaneOptions().setPort(0),
      EdgeTree.tenants(Map.of("team-a", KEY, "team-b", OTHER_TENANT_KEY), Map.of(12L, "team-a")));
  private final GrpcClient grpc = GrpcClient.client(tree.vertx, new HttpClientOptions()
      .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));

  private <Q, R> R call(ServiceMethod<R, Q> method, Q request, String key) {
    return Futures.await(grpc.request(SocketAddress.inetSocketAddress(root.port(), "127.0.0.1"), method)
        .compose(req -> {
          if (key != null) {
            req.headers().set("authorization", "Bearer " + key);
          }
          return req.end(request).compose(v -> req.response());
        })
        .compose(resp -> resp.last().recover(err -> Future.failedFuture(resp.status() != GrpcStatus.OK
            ? new IllegalStateException(resp.status().name() + " " + errorCode(resp) + ": " + resp.statusMessage())
            : err))));
  }

  /** The exact-code trailer as a raw client sees it (in the headers of a trailers-only reply). */
  private static String errorCode(GrpcClientResponse<?, ?> resp) {
    String code = resp.trailers().get("propius-error-code");
    return "propius-error-code=" + (code != null ? code : resp.headers().get("propius-error-code"));
  }

  @Test
  void publishRoundThenGetAggregate() {
    byte[] plan = new byte[1 << 20];
    new Random(5).nextBytes(plan);
    PublishRoundRequest publish = PublishRoundRequest.newBuilder().setJobId(12).setRound(1).setReducer("fedavg")
        .setTensorLength(2).setTarget(2).setPlan(ByteString.copyFrom(plan)).build();
    PublishRoundResponse first = call(DataPlaneGrpcClient.PublishRound, publish, KEY);
    assertThat(first.getSpecCreated()).isTrue();
    assertThat(first.getPlanCreated()).isTrue();
    assertThat(call(DataPlaneGrpcClient.PublishRound, publish, KEY).getPlanCreated()).isFalse();

    Http.Reply got = tree.http.get(root.port(), "/v1/plans/12/1", tree.token(12, 1, "a"));
    assertThat(got.body()).isEqualTo(Buffer.buffer(plan));
    tree.http.put(root.port(), "/v1/results/12/1?samples=1", tree.token(12, 1, "a"),
        Buffer.buffer(Tensors.encode(new double[] {1, 2}, DType.FLOAT64)));
    tree.http.put(root.port(), "/v1/results/12/1?samples=3", tree.token(12, 1, "b"),
        Buffer.buffer(Tensors.encode(new double[] {5, 6}, DType.FLOAT64)));

    Aggregate agg = call(DataPlaneGrpcClient.GetAggregate,
        GetAggregateRequest.newBuilder().setJobId(12).setRound(1).build(), KEY);
    assertThat(agg.getContributors()).isEqualTo(2);
    assertThat(agg.getWeight()).isEqualTo(4.0);
    assertThat(agg.getComplete()).isTrue();
    assertThat(agg.getValuesList()).containsExactly(4.0, 5.0);
  }

  @Test
  void failuresAreGrpcStatusesWithAMessage() {
    GetAggregateRequest unknown = GetAggregateRequest.newBuilder().setJobId(12).setRound(9).build();
    assertThatThrownBy(() -> call(DataPlaneGrpcClient.GetAggregate, unknown, null))
        .hasMessageContaining("UNAUTHENTICATED propius-error-code=UNAUTHENTICATED");
    assertThatThrownBy(() -> call(DataPlaneGrpcClient.GetAggregate, unknown, KEY))
        .hasMessageContaining("NOT_FOUND propius-error-code=NOT_FOUND").hasMessageContaining("no round");
    PublishRoundRequest bad = PublishRoundRequest.newBuilder().setJobId(12).setRound(1).setTensorLength(2)
        .setTarget(1).setMode("eventually").build();
    assertThatThrownBy(() -> call(DataPlaneGrpcClient.PublishRound, bad, KEY))
        .hasMessageContaining("INVALID_ARGUMENT propius-error-code=INVALID_ARGUMENT").hasMessageContaining("mode must be");
    // uint32 fields are read unsigned: 4,000,000,000 is over the limit, not a negative number
    PublishRoundRequest huge = PublishRoundRequest.newBuilder().setJobId(12).setRound(1)
        .setTensorLength((int) 4_000_000_000L).setTarget(1).build();
    assertThatThrownBy(() -> call(DataPlaneGrpcClient.PublishRound, huge, KEY))
        .hasMessageContaining("'tensor_length' must be between 1 and 268435455, got 4000000000");
    GetAggregateRequest farRound = GetAggregateRequest.newBuilder().setJobId(12).setRound(-1).build();
    assertThatThrownBy(() -> call(DataPlaneGrpcClient.GetAggregate, farRound, KEY))
        .hasMessageContaining("round must be at most 2147483647, got 4294967295");
  }

  @Test
  void anotherTenantsJobIsRefusedAndLeftAsItWas() {
    GetAggregateRequest aggregate = GetAggregateRequest.newBuilder().setJobId(12).setRound(1).build();
    assertThatThrownBy(() -> call(DataPlaneGrpcClient.GetAggregate, aggregate, OTHER_TENANT_KEY))
        .hasMessageContaining("PERMISSION_DENIED").hasMessageEndingWith(": job 12 belongs to another tenant");
    PublishRoundRequest foreign = PublishRoundRequest.newBuilder().setJobId(12).setRound(1).setTensorLength(2)
        .setTarget(1).setPlan(ByteString.copyFromUtf8("forged")).build();
    assertThatThrownBy(() -> call(DataPlaneGrpcClient.PublishRound, foreign, OTHER_TENANT_KEY))
        .hasMessageContaining("PERMISSION_DENIED").hasMessageEndingWith(": job 12 belongs to another tenant");
    assertThatThrownBy(() -> call(DataPlaneGrpcClient.PublishRound, foreign.toBuilder().setJobId(13).build(), KEY))
        .hasMessageContaining("NOT_FOUND").hasMessageEndingWith(": no job 13");

    PublishRoundResponse own = call(DataPlaneGrpcClient.PublishRound, foreign.toBuilder()
        .setPlan(ByteString.copyFromUtf8("plan")).build(), KEY);
    assertThat(own.getSpecCreated()).as("the refused publish created nothing").isTrue();
    assertThat(own.getPlanCreated()).isTrue();
    assertThat(tree.http.get(root.port(), "/v1/plans/12/1", tree.token(12, 1, "a")).body().toString()).isEqualTo("plan");
  }
}
