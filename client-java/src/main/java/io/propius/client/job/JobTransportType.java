package io.propius.client.job;

/** The wire a {@link JobClient} speaks to the job manager. */
public enum JobTransportType {
  /** gRPC service {@code propius.v1.JobManager} (the default). */
  GRPC,
  /** JSON frames over the WebSocket {@code /v1/jobs/ws}. */
  WEBSOCKET
}
