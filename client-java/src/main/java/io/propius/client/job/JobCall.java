package io.propius.client.job;

import com.google.protobuf.Message;
import io.propius.api.grpc.EndRoundRequest;
import io.propius.api.grpc.EndRoundResponse;
import io.propius.api.grpc.FinishJobRequest;
import io.propius.api.grpc.FinishJobResponse;
import io.propius.api.grpc.GetJobRequest;
import io.propius.api.grpc.HeartbeatRequest;
import io.propius.api.grpc.HeartbeatResponse;
import io.propius.api.grpc.JobManagerGrpcClient;
import io.propius.api.grpc.JobStatus;
import io.propius.api.grpc.RegisterJobRequest;
import io.propius.api.grpc.RegisterJobResponse;
import io.propius.api.grpc.RequestRoundRequest;
import io.propius.api.grpc.RequestRoundResponse;
import io.vertx.grpc.common.ServiceMethod;
import java.util.function.Supplier;

/**
 * One unary method of the job API, described for both transports: its gRPC method and, for the
 * WebSocket's JSON frames, its name and a builder for the reply.
 *
 * @param idempotent whether resending after a lost connection cannot count anything twice
 */
record JobCall<Q extends Message, R extends Message>(String name, ServiceMethod<R, Q> grpc,
                                                     Supplier<Message.Builder> reply, boolean idempotent) {
  static final JobCall<RegisterJobRequest, RegisterJobResponse> REGISTER =
      new JobCall<>("RegisterJob", JobManagerGrpcClient.RegisterJob, RegisterJobResponse::newBuilder, false);
  /** Idempotent because the client always names the round it opens. */
  static final JobCall<RequestRoundRequest, RequestRoundResponse> REQUEST_ROUND =
      new JobCall<>("RequestRound", JobManagerGrpcClient.RequestRound, RequestRoundResponse::newBuilder, true);
  static final JobCall<EndRoundRequest, EndRoundResponse> END_ROUND =
      new JobCall<>("EndRound", JobManagerGrpcClient.EndRound, EndRoundResponse::newBuilder, true);
  static final JobCall<FinishJobRequest, FinishJobResponse> FINISH =
      new JobCall<>("FinishJob", JobManagerGrpcClient.FinishJob, FinishJobResponse::newBuilder, false);
  static final JobCall<HeartbeatRequest, HeartbeatResponse> HEARTBEAT =
      new JobCall<>("Heartbeat", JobManagerGrpcClient.Heartbeat, HeartbeatResponse::newBuilder, true);
  static final JobCall<GetJobRequest, JobStatus> GET_JOB =
      new JobCall<>("GetJob", JobManagerGrpcClient.GetJob, JobStatus::newBuilder, true);
}
