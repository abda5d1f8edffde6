package io.propius.server.admin;

import io.propius.api.PropiusException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Reading an admin request's path and body, with the error a caller can act on. */
final class AdminRequests {
  private AdminRequests() {
  }

  /** @throws PropiusException INVALID_ARGUMENT when the {@code :id} path segment is not a job id */
  static long jobId(RoutingContext ctx) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw PropiusException.invalid("job id must be a number, got '" + ctx.pathParam("id") + "'");
    }
  }

  /**
   * @throws PropiusException INVALID_ARGUMENT for an empty body or one that is not a JSON object
   * @throws DecodeException for malformed JSON
   */
  static JsonObject jsonBody(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() == 0) {
      throw PropiusException.invalid("the request needs a JSON body");
    }
    Object value = ctx.body().asJsonObject();
    if (value == null) {
      throw PropiusException.invalid("the body must be a JSON object");
    }
    return (JsonObject) value;
  }
}
