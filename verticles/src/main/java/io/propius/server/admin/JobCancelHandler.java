package io.propius.server.admin;

import io.propius.api.PropiusException;
import io.propius.api.grpc.JobEvent;
import io.propius.server.job.JobEvents;
import io.propius.server.store.Job;
import io.propius.server.store.JobStore;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * {@code POST /v1/admin/jobs/{id}/cancel} with {@code {"reason": "..."}}: an operator finishes a
 * live job. Its open round closes (devices bound to it can no longer confirm), its watchers get
 * ROUND_CLOSED and JOB_FINISHED with the reason, and its next call fails with FAILED_PRECONDITION
 * naming the reason. Unknown job 404, finished 409, expired 410; a missing reason 400.
 */
final class JobCancelHandler {
  static final int MAX_REASON = 500;

  private final JobStore store;
  private final JobEvents events;
  private final LongSupplier clock;
  private final Function<Job, JsonObject> json;

  JobCancelHandler(JobStore store, JobEvents events, LongSupplier clock, Function<Job, JsonObject> json) {
    this.store = store;
    this.events = events;
    this.clock = clock;
    this.json = json;
  }

  void mount(Router router) {
    router.post("/v1/admin/jobs/:id/cancel").handler(BodyHandler.create(false).setBodyLimit(4096)).handler(this::cancel);
  }

  private void cancel(RoutingContext ctx) {
    long id;
    String reason;
    try {
      id = AdminRequests.jobId(ctx);
      JsonObject body = AdminRequests.jsonBody(ctx);
      Object r = body.getValue("reason");
      if (!(r instanceof String s) || s.isBlank()) {
        throw PropiusException.invalid("the body must say why: {\"reason\": \"...\"}");
      }
      if (s.length() > MAX_REASON) {
        throw PropiusException.invalid("reason is " + s.length() + " characters; at most " + MAX_REASON);
      }
      reason = s.strip();
    } catch (PropiusException | DecodeException e) {
      ctx.fail(e instanceof PropiusException ? e : PropiusException.invalid("body is not JSON: " + e.getMessage()));
      return;
    }
    store.cancel(id, reason, clock.getAsLong()).onSuccess(change -> {
      Job job = change.after();
      if (change.before().roundOpen()) {
        events.publish(job, JobEvent.Type.ROUND_CLOSED);
      }
      events.publish(job, JobEvent.Type.JOB_FINISHED);
      ctx.json(json.apply(job));
    }).onFailure(ctx::fail);
  }
}
