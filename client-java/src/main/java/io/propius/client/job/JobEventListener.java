package io.propius.client.job;

import io.propius.api.grpc.JobEvent;

/**
 * Receives a job's events as they arrive, on the client's event-loop thread: return quickly and
 * do not block (hand work to another thread). After a reconnect the next event is a
 * {@code WATCH_STARTED} carrying the job's state at that moment, so a listener can catch up.
 */
@FunctionalInterface
public interface JobEventListener {
  void onEvent(JobEvent event);
}
