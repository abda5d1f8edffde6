package io.propius.server.store.redis;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.vertx.redis.client.impl.types.ErrorType;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * The one place where Redis failures become Propius errors: an unreachable, restarting or
 * overloaded Redis is UNAVAILABLE with a retry hint (jobs see gRPC UNAVAILABLE, devices HTTP 503
 * with Retry-After); an error reply Redis gives for a bad command is INTERNAL.
 */
final class RedisFailures {
  /** How soon callers are told to retry while Redis is unavailable. */
  static final long RETRY_AFTER_MS = 1_000;
  /**
   * Error replies of a Redis that is up but cannot serve us right now: starting, busy, a replica,
   * out of memory, or refusing our credentials (changed under a running server).
   */
  private static final Set<String> UNUSABLE = Set.of("LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN",
      "CLUSTERDOWN", "OOM", "NOAUTH", "WRONGPASS", "NOPERM");
  private static final String UNAVAILABLE = "the job store (Redis) is unavailable: ";
  private static final String RETRY = "; retry shortly";

  private RedisFailures() {
  }

  static PropiusException toPropius(Throwable err) {
    if (err instanceof PropiusException p) {
      return p;
    }
    if (err instanceof TimeoutException) {
      return unavailable("it did not answer in time");
    }
    if (err instanceof ErrorType reply) {
      String message = String.valueOf(reply.getMessage());
      String kind = message.split(" ", 2)[0];
      if (UNUSABLE.contains(kind)) {
        return unavailable(message);
      }
      return new PropiusException(ErrorCode.INTERNAL, "job store error: " + message);
    }
    return unavailable(err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage());
  }

  static boolean isNoScript(Throwable err) {
    return err instanceof ErrorType && String.valueOf(err.getMessage()).startsWith("NOSCRIPT");
  }

  private static PropiusException unavailable(String why) {
    return new PropiusException(ErrorCode.UNAVAILABLE, UNAVAILABLE + why + RETRY, RETRY_AFTER_MS);
  }

  /** Just the reason, on one line, for the start-up failure message. */
  static String reason(Throwable err) {
    String message = String.valueOf(err.getMessage());
    if (err instanceof PropiusException p && p.code() == ErrorCode.UNAVAILABLE && message.startsWith(UNAVAILABLE)) {
      message = message.substring(UNAVAILABLE.length(), message.length() - RETRY.length());
    }
    return message.replaceAll("\\s+", " ").trim();
  }
}
