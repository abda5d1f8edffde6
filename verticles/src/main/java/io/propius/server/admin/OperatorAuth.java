package io.propius.server.admin;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.server.config.SecurityOptions.AdminKey;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * Operator authentication of the admin port: {@code Authorization: Bearer <key>} with one of
 * {@code security.adminKeys}; GET and HEAD need a read key, anything else a write key. 401 without
 * a known key, 403 for a read-only key on a write. No keys configured: everything is open.
 */
public final class OperatorAuth implements Handler<RoutingContext> {
  private final Map<String, AdminKey> keys;

  public OperatorAuth(Map<String, AdminKey> keys) {
    this.keys = Map.copyOf(keys);
  }

  public boolean isOpen() {
    return keys.isEmpty();
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (keys.isEmpty()) {
      ctx.next();
      return;
    }
    String h = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      ctx.fail(new PropiusException(ErrorCode.UNAUTHENTICATED, "operator key is missing: send 'Authorization: Bearer "
          + "<key>' with one of security.adminKeys"));
      return;
    }
    AdminKey key = find(h.substring(7).trim());
    if (key == null) {
      ctx.fail(new PropiusException(ErrorCode.UNAUTHENTICATED, "operator key is not one of security.adminKeys"));
      return;
    }
    HttpMethod m = ctx.request().method();
    if (!key.isWrite() && m != HttpMethod.GET && m != HttpMethod.HEAD) {
      ctx.fail(new PropiusException(ErrorCode.PERMISSION_DENIED, "this operator key is read-only; " + m + " "
          + ctx.request().path() + " needs a key with write: true"));
      return;
    }
    ctx.next();
  }

  /** Compares with every key in constant time, so timing tells nothing about a near miss. */
  private AdminKey find(String given) {
    byte[] g = given.getBytes(StandardCharsets.UTF_8);
    AdminKey found = null;
    for (AdminKey k : keys.values()) {
      if (MessageDigest.isEqual(g, k.getKey().getBytes(StandardCharsets.UTF_8))) {
        found = k;
      }
    }
    return found;
  }
}
