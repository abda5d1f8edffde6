package io.propius.edge.http;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Reading bodies within limits and writing the control plane's JSON answers and errors. */
final class Exchange {
  private static final System.Logger LOG = System.getLogger(Exchange.class.getName());

  private Exchange() {
  }

  /** The declared Content-Length, or -1. */
  static long contentLength(HttpServerRequest req) {
    String cl = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (cl == null) {
      return -1;
    }
    try {
      return Long.parseLong(cl.trim());
    } catch (NumberFormatException e) {
      throw PropiusException.invalid("Content-Length '" + cl + "' is not a number");
    }
  }

  static PropiusException tooLarge(String what, long limit) {
    return new PropiusException(ErrorCode.PAYLOAD_TOO_LARGE, what + " is over the limit of " + limit + " bytes");
  }

  /** The whole body, failing with PAYLOAD_TOO_LARGE as soon as it passes {@code limit}. */
  static Future<Buffer> body(HttpServerRequest req, long limit, String what) {
    long declared = contentLength(req);
    if (declared > limit) {
      return Future.failedFuture(tooLarge(what, limit));
    }
    Promise<Buffer> done = Promise.promise();
    Buffer body = Buffer.buffer(declared > 0 ? (int) declared : 1024);
    req.handler(chunk -> {
      if (done.future().isComplete()) {
        return;
      }
      if (body.length() + (long) chunk.length() > limit) {
        done.tryFail(tooLarge(what, limit));
      } else {
        body.appendBuffer(chunk);
      }
    });
    req.exceptionHandler(done::tryFail);
    req.endHandler(v -> done.tryComplete(body));
    req.resume();
    return done.future();
  }

  /**
   * Answers with the failure once the request body is read (and dropped), so the client gets the
   * answer rather than a reset; a body declared over {@code limit} is not read: 413 at once and the
   * connection closed.
   */
  static void failAfterBody(HttpServerRequest req, Throwable err, long limit) {
    if (req.isEnded()) {
      fail(req.response(), err);
      return;
    }
    long declared;
    try {
      declared = contentLength(req);
    } catch (PropiusException e) {
      declared = -1;
    }
    if (declared > limit) {
      failAndClose(req, tooLarge("request body", limit));
      return;
    }
    drainThen(req, limit, () -> fail(req.response(), err));
  }

  /**
   * Reads and drops the body, counting it (a chunked body without a length cannot grow the heap),
   * then runs {@code then}; past {@code limit}, answers 413 and closes the connection instead.
   */
  static void drainThen(HttpServerRequest req, long limit, Runnable then) {
    long[] read = {0};
    req.handler(chunk -> {
      read[0] += chunk.length();
      if (read[0] > limit && read[0] - chunk.length() <= limit) {
        failAndClose(req, tooLarge("request body", limit));
      }
    });
    req.exceptionHandler(e -> {
    });
    req.endHandler(v -> {
      if (read[0] <= limit) {
        then.run();
      }
    });
    req.resume(); // the request may have been paused while its round was looked up
  }

  /** Answers and closes the connection (the rest of the body is not worth reading). */
  static void failAndClose(HttpServerRequest req, Throwable err) {
    req.response().putHeader(HttpHeaders.CONNECTION, "close");
    fail(req.response(), err).onComplete(v -> req.connection().close());
  }

  static Future<Void> fail(HttpServerResponse resp, Throwable err) {
    PropiusException failure = asPropius(err);
    if (failure.retryAfterMs() > 0) {
      resp.putHeader(HttpHeaders.RETRY_AFTER, PropiusException.retryAfterHeader(failure.retryAfterMs()));
    }
    return json(resp, failure.code().httpStatus(), failure.toJson());
  }

  static PropiusException asPropius(Throwable err) {
    if (err instanceof PropiusException p) {
      return p;
    }
    LOG.log(System.Logger.Level.ERROR, "data-plane request failed", err);
    return new PropiusException(ErrorCode.INTERNAL, "internal error: " + err.getClass().getSimpleName());
  }

  static Future<Void> json(HttpServerResponse resp, int status, JsonObject body) {
    return json(resp, status, body.encode());
  }

  /** Answers with JSON already encoded (a constant answer need not be encoded per request). */
  static Future<Void> json(HttpServerResponse resp, int status, String body) {
    if (resp.ended() || resp.closed()) {
      return Future.succeededFuture();
    }
    return resp.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
  }
}
