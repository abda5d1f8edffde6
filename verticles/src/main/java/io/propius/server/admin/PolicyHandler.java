package io.propius.server.admin;

import io.propius.api.PropiusException;
import io.propius.server.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Map;

/**
 * The scheduling policy in force: {@code GET /v1/admin/policy}, and {@code PUT /v1/admin/policy}
 * with {@code {"policy": NAME, "options": {"key": "value"}}} to switch it at run time (the
 * scheduler logs the switch, counts it in {@code propius_policy_switches_total}, and uses the new
 * policy from its next run). An unknown policy or an option it rejects is 400 with the reason, and
 * the policy in force stays.
 */
final class PolicyHandler {
  private final Vertx vertx;

  PolicyHandler(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(Router router) {
    router.get("/v1/admin/policy").handler(ctx -> vertx.eventBus().<JsonObject>request(Addresses.POLICY_GET, null)
        .onSuccess(reply -> ctx.json(reply.body())).onFailure(ctx::fail));
    router.put("/v1/admin/policy").handler(BodyHandler.create(false).setBodyLimit(4096)).handler(this::set);
  }

  private void set(RoutingContext ctx) {
    JsonObject request;
    try {
      JsonObject body = AdminRequests.jsonBody(ctx);
      if (!(body.getValue("policy") instanceof String name) || name.isBlank()) {
        throw PropiusException.invalid("the body must name the policy: {\"policy\": \"irs\", \"options\": {...}}");
      }
      Object options = body.getValue("options", new JsonObject());
      if (!(options instanceof JsonObject opts)) {
        throw PropiusException.invalid("options must be an object of key: value, got " + options);
      }
      for (Map.Entry<String, Object> e : opts) {
        if (!(e.getValue() instanceof String || e.getValue() instanceof Number || e.getValue() instanceof Boolean)) {
          throw PropiusException.invalid("option '" + e.getKey() + "' must be a string, number or boolean");
        }
      }
      for (String key : body.fieldNames()) {
        if (!key.equals("policy") && !key.equals("options")) {
          throw PropiusException.invalid("unknown field '" + key + "' (policy, options)");
        }
      }
      request = new JsonObject().put("policy", name.strip()).put("options", opts);
    } catch (PropiusException | DecodeException e) {
      ctx.fail(e instanceof PropiusException ? e : PropiusException.invalid("body is not JSON: " + e.getMessage()));
      return;
    }
    vertx.eventBus().<JsonObject>request(Addresses.POLICY_SET, request)
        .onSuccess(reply -> ctx.json(reply.body()))
        .onFailure(err -> ctx.fail(err instanceof ReplyException r && r.failureCode() == 400
            ? PropiusException.invalid(r.getMessage()) : err));
  }
}
