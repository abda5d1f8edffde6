package io.propius.edge.grpc;

import io.propius.api.ErrorCode;
import io.propius.api.GrpcErrors;
import io.propius.api.PropiusException;
import io.propius.api.grpc.Aggregate;
import io.propius.api.grpc.DataPlaneGrpcService;
import io.propius.api.grpc.GetAggregateRequest;
import io.propius.api.grpc.PublishRoundRequest;
import io.propius.api.grpc.PublishRoundResponse;
import io.propius.api.round.RoundSpec;
import io.propius.edge.EdgeNode;
import io.propius.edge.access.JobAccess;
import io.propius.edge.round.RoundKey;
import io.propius.policy.reduce.Accumulator;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerResponse;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The {@code propius.v1.DataPlane} gRPC service of the root node: the same rules as the HTTP
 * calls (it goes through {@link EdgeNode}), authenticated from the {@code authorization} metadata;
 * failures carry their exact code in a trailer ({@link GrpcErrors}).
 */
public final class DataPlaneEndpoint {
  private final EdgeNode node;
  private final JobAccess jobAccess;

  /** @param jobAccess decides from the {@code authorization} metadata whether a call may touch its job */
  public DataPlaneEndpoint(EdgeNode node, JobAccess jobAccess) {
    this.node = node;
    this.jobAccess = jobAccess;
  }

  public void bind(GrpcServer server) {
    unary(server, DataPlaneGrpcService.PublishRound, "PublishRound",
        req -> key(req.getJobId(), req.getRound()), this::publish);
    unary(server, DataPlaneGrpcService.GetAggregate, "GetAggregate",
        req -> key(req.getJobId(), req.getRound()), this::aggregate);
  }

  private Future<PublishRoundResponse> publish(PublishRoundRequest req, RoundKey key) {
    JsonObject json = new JsonObject().put("reducer", req.getReducer().isEmpty() ? "fedavg" : req.getReducer())
        .put("tensor_length", Integer.toUnsignedLong(req.getTensorLength()))
        .put("target", Integer.toUnsignedLong(req.getTarget()))
        .put("mode", req.getMode().isEmpty() ? "sync" : req.getMode()).put("deadline_ms", req.getDeadlineMs())
        .put("over_selection", Integer.toUnsignedLong(req.getOverSelection()))
        .put("staleness", Integer.toUnsignedLong(req.getStaleness()));
    RoundSpec spec = RoundSpec.fromJson(json);
    PublishRoundResponse.Builder out = PublishRoundResponse.newBuilder();
    return node.publishSpec(key, spec).compose(specStatus -> {
      out.setSpecCreated(specStatus == 201);
      if (req.getPlan().isEmpty()) {
        return Future.succeededFuture(out.build());
      }
      return node.publishPlan(key, Buffer.buffer(req.getPlan().toByteArray()))
          .map(planStatus -> out.setPlanCreated(planStatus == 201).build());
    });
  }

  private Future<Aggregate> aggregate(GetAggregateRequest req, RoundKey key) {
    Accumulator total = node.aggregate(key);
    Aggregate.Builder out = Aggregate.newBuilder().setJobId(key.job()).setRound(key.round())
        .setContributors(total.contributors()).setWeight(total.weight()).setComplete(node.complete(key));
    for (double v : total.result()) {
      out.addValues(v);
    }
    return Future.succeededFuture(out.build());
  }

  /** Both are unsigned on the wire (uint64, uint32): read as such, so 2^32-1 is not taken for -1. */
  private static RoundKey key(long job, int round) {
    if (job == 0 || job < 0) {
      throw PropiusException.invalid("job_id must be between 1 and " + Long.MAX_VALUE + ", got "
          + Long.toUnsignedString(job));
    }
    if (round < 0) {
      throw PropiusException.invalid("round must be at most " + Integer.MAX_VALUE + ", got "
          + Integer.toUnsignedString(round));
    }
    return new RoundKey(job, round);
  }

  /** Reads the request, checks its round key and that the caller may make job calls for it, then calls. */
  private <Q, R> void unary(GrpcServer server, ServiceMethod<Q, R> method, String name, Function<Q, RoundKey> keyOf,
                            BiFunction<Q, RoundKey, Future<R>> call) {
    server.callHandler(method, request -> {
      GrpcServerResponse<Q, R> response = request.response();
      GrpcErrors.requestMessage(request, name)
          .compose(req -> {
            RoundKey key = keyOf.apply(req);
            return jobAccess.authorize(request.headers().get(HttpHeaders.AUTHORIZATION), key.job())
                .compose(allowed -> call.apply(req, key));
          })
          .onSuccess(response::end)
          .onFailure(err -> fail(response, err));
    });
  }

  private static void fail(GrpcServerResponse<?, ?> response, Throwable err) {
    PropiusException failure = err instanceof PropiusException p ? p
        : new PropiusException(ErrorCode.INTERNAL, "internal error: " + err.getClass().getSimpleName());
    GrpcErrors.end(response, failure);
  }
}
