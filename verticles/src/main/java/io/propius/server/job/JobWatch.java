package io.propius.server.job;

import io.propius.api.grpc.JobEvent;
import io.propius.server.metrics.PropiusMetrics;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * One watcher of one job, over any transport: first WATCH_STARTED with the job's state, then its
 * events as they happen, until the job finishes or expires or the watcher goes away. When the
 * watcher cannot keep up, device-level events (bound, confirmed, lease expired) are dropped and
 * counted; round and job events are always sent.
 */
final class JobWatch {
  /** Where a watch's events go. */
  interface Sink {
    boolean writable();

    void send(JobEvent event);

    /** The job ended (finished or expired); no more events will come. */
    void end();
  }

  private final Sink sink;
  private final PropiusMetrics metrics;
  private List<JobEvent> early = new ArrayList<>();
  private Runnable unsubscribe;
  private boolean closed;

  private JobWatch(Sink sink, PropiusMetrics metrics) {
    this.sink = sink;
    this.metrics = metrics;
  }

  /**
   * Starts watching; fails (NOT_FOUND...) without sending anything when the job cannot be read.
   *
   * @return the watch, whose {@link #cancel()} the transport calls when the watcher leaves
   */
  static Future<JobWatch> start(JobCaller caller, long jobId, JobService jobs, JobEventHub hub, JobEvents events,
                                Sink sink, PropiusMetrics metrics) {
    JobWatch watch = new JobWatch(sink, metrics);
    // Subscribe before reading the job so no event falls between the read and the subscription.
    watch.unsubscribe = hub.subscribe(jobId, watch::onEvent);
    return jobs.job(caller, jobId).map(job -> {
      if (watch.closed) {
        return watch;
      }
      List<JobEvent> buffered = watch.early;
      watch.early = null;
      sink.send(events.of(job, JobEvent.Type.WATCH_STARTED).build());
      if (!job.isLive()) {
        watch.finish();
        return watch;
      }
      buffered.forEach(watch::onEvent);
      return watch;
    }).onFailure(err -> watch.cancel());
  }

  private void onEvent(JobEvent event) {
    // JOB_REGISTERED is for the scheduler; it can only reach a watcher late (published before the
    // watch began, delivered after it subscribed), where it would contradict WATCH_STARTED.
    if (closed || event.getType() == JobEvent.Type.JOB_REGISTERED) {
      return;
    }
    if (early != null) {
      early.add(event);
      return;
    }
    if (isDeviceLevel(event.getType()) && !sink.writable()) {
      metrics.watchEventDropped();
      return;
    }
    sink.send(event);
    // End on the job's last event, not on its state: finishing a job with an open round publishes
    // ROUND_CLOSED already in state FINISHED, and JOB_FINISHED must still reach the watcher.
    if (event.getType() == JobEvent.Type.JOB_FINISHED || event.getType() == JobEvent.Type.JOB_EXPIRED) {
      finish();
    }
  }

  private static boolean isDeviceLevel(JobEvent.Type type) {
    return type == JobEvent.Type.DEVICE_BOUND || type == JobEvent.Type.DEVICE_CONFIRMED
        || type == JobEvent.Type.LEASE_EXPIRED;
  }

  private void finish() {
    cancel();
    sink.end();
  }

  boolean isClosed() {
    return closed;
  }

  /** Stops delivery; safe to call more than once. */
  void cancel() {
    if (!closed) {
      closed = true;
      unsubscribe.run();
    }
  }
}
