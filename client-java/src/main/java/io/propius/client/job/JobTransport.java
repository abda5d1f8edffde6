package io.propius.client.job;

import com.google.protobuf.Message;
import io.propius.api.grpc.JobEvent;
import io.vertx.core.Future;
import io.vertx.core.Handler;

/** How a {@link JobClient} reaches the job manager: gRPC or the WebSocket. */
interface JobTransport {
  /** One unary call; connection failures fail with code UNAVAILABLE. */
  <Q extends Message, R extends Message> Future<R> call(JobCall<Q, R> call, Q request);

  /**
   * Starts watching a job. The future completes with the first event (WATCH_STARTED) or fails;
   * later events go to {@code events}; {@code ended} is called once when the stream stops for any
   * reason after it started (null: the server ended it normally).
   */
  Future<JobEvent> watch(long jobId, Handler<JobEvent> events, Handler<Throwable> ended);

  Future<Void> close();
}
