package io.propius.edge.http;

import io.propius.api.ErrorCode;
import io.propius.api.PropiusException;
import io.propius.api.round.RoundSpec;
import io.propius.api.tensor.DType;
import io.propius.api.tensor.TensorDecoder;
import io.propius.api.tensor.TensorFormatException;
import io.propius.api.tensor.TensorHeader;
import io.propius.api.tensor.Tensors;
import io.propius.api.token.NodeCredential;
import io.propius.api.token.TaskToken;
import io.propius.edge.EdgeNode;
import io.propius.edge.access.JobAccess;
import io.propius.edge.access.TokenVerifier;
import io.propius.edge.aggregate.Contribution;
import io.propius.edge.config.DataPlaneOptions;
import io.propius.edge.metrics.EdgeMetrics.Requester;
import io.propius.edge.metrics.EdgeMetrics.UploadOutcome;
import io.propius.edge.ratelimit.TokenBuckets;
import io.propius.edge.round.RoundKey;
import io.propius.edge.upstream.PartialUpdate;
import io.propius.policy.reduce.Accumulator;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The data plane's HTTP API on one edge node (docs/DATA-PLANE-API.md): round specs and plans,
 * device result uploads, partials from child nodes and the aggregate. Paths are few and fixed,
 * so they are dispatched by hand rather than through a router, which keeps plan serving lean.
 */
public final class EdgeHttpHandler implements Handler<HttpServerRequest> {
  private static final String OCTETS = "application/octet-stream";
  private static final String ACCEPTED = "{\"accepted\":true,\"duplicate\":false}";
  private static final String DUPLICATE = "{\"accepted\":true,\"duplicate\":true}";

  private final EdgeNode node;
  private final DataPlaneOptions options;
  private final TokenVerifier tokens;
  /** Buckets by the contribution a task token stands for (job, round, device), or null when off. */
  private final TokenBuckets uploadsPerToken;
  private final JobAccess jobAccess;
  private final Supplier<String> scrape;
  private final Predicate<String> metricsReader;
  private final ValueArrays<double[]> doubles = new ValueArrays<>(double[]::new, a -> a.length);
  private final ValueArrays<float[]> floats = new ValueArrays<>(float[]::new, a -> a.length);

  /**
   * @param scrape        Prometheus text for {@code GET /metrics}, or null to not serve it
   * @param metricsReader whether a request's Authorization header may read it
   */
  public EdgeHttpHandler(EdgeNode node, DataPlaneOptions options, TokenVerifier tokens, JobAccess jobAccess,
                         Supplier<String> scrape, Predicate<String> metricsReader) {
    this.metricsReader = metricsReader;
    this.node = node;
    this.options = options;
    this.tokens = tokens;
    this.uploadsPerToken = options.getUploadsPerToken().buckets(100_000);
    this.jobAccess = jobAccess;
    this.scrape = scrape;
  }

  @Override
  public void handle(HttpServerRequest req) {
    // A request paused while its round was looked up must not stay paused once answered: that
    // would stall the next request on the same keep-alive connection.
    req.response().endHandler(v -> req.resume());
    String[] parts = req.path().split("/");
    try {
      if (parts.length == 5 && "v1".equals(parts[1])) {
        RoundKey key = key(parts[3], parts[4]);
        HttpMethod m = req.method();
        switch (parts[2]) {
          case "plans" -> {
            if (m == HttpMethod.GET || m == HttpMethod.HEAD) {
              getPlan(req, key);
            } else if (m == HttpMethod.PUT) {
              putPlan(req, key);
            } else {
              notAllowed(req);
            }
          }
          case "rounds" -> {
            if (m == HttpMethod.GET) {
              getRound(req, key);
            } else if (m == HttpMethod.PUT) {
              putRound(req, key);
            } else {
              notAllowed(req);
            }
          }
          case "results" -> {
            if (m == HttpMethod.PUT || m == HttpMethod.POST) {
              upload(req, key);
            } else {
              notAllowed(req);
            }
          }
          case "partials" -> {
            if (m == HttpMethod.PUT) {
              putPartial(req, key);
            } else {
              notAllowed(req);
            }
          }
          case "aggregates" -> {
            if (m == HttpMethod.GET) {
              getAggregate(req, key);
            } else {
              notAllowed(req);
            }
          }
          default -> noSuchEndpoint(req);
        }
      } else if ("/v1/healthz".equals(req.path())) {
        Exchange.json(req.response(), 200, new JsonObject().put("status", "ok").put("node", node.nodeId())
            .put("role", node.role().name().toLowerCase(Locale.ROOT)).put("parent", options.getParentUrl()));
      } else if ("/metrics".equals(req.path()) && scrape != null) {
        if (!metricsReader.test(req.getHeader(HttpHeaders.AUTHORIZATION))) {
          req.response().putHeader("WWW-Authenticate", "Bearer");
          throw new PropiusException(ErrorCode.UNAUTHENTICATED, "metrics need an operator key: 'Authorization: Bearer "
              + "<key>' with one of the keys file's admin_keys");
        }
        req.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
            .end(scrape.get());
      } else {
        noSuchEndpoint(req);
      }
    } catch (RuntimeException e) {
      Exchange.failAfterBody(req, e, options.getMaxUploadBytes());
    }
  }

  private static RoundKey key(String job, String round) {
    try {
      long j = Long.parseLong(job);
      int r = Integer.parseInt(round);
      if (j <= 0 || r < 0) {
        throw new NumberFormatException();
      }
      return new RoundKey(j, r);
    } catch (NumberFormatException e) {
      throw PropiusException.invalid("job and round in the path must be a positive job id and a round number, got '"
          + job + "/" + round + "'");
    }
  }

  private static void noSuchEndpoint(HttpServerRequest req) {
    throw new PropiusException(ErrorCode.NOT_FOUND, "no such endpoint: " + req.method() + " " + req.path());
  }

  private void notAllowed(HttpServerRequest req) {
    JsonObject error = PropiusException.invalid("method " + req.method() + " is not allowed on " + req.path()).toJson();
    readThen(req, () -> Exchange.json(req.response(), 405, error));
  }

  // ---- authentication ----

  private static String bearer(HttpServerRequest req, String what) {
    String h = req.getHeader(HttpHeaders.AUTHORIZATION);
    if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new PropiusException(ErrorCode.UNAUTHENTICATED, what + " is missing: send 'Authorization: Bearer <"
          + what + ">'");
    }
    return h.substring(7).trim();
  }

  /** A child node, or a device whose task token is for this job (and round, unless {@code anyRound}). */
  private Requester nodeOrDevice(HttpServerRequest req, RoundKey key, boolean anyRound) {
    String token = bearer(req, "task token");
    if (tokens.isNodeToken(token)) {
      tokens.node(token);
      return Requester.NODE;
    }
    TaskToken task = tokens.task(token);
    task.requireFor(key.job(), anyRound ? task.round() : key.round());
    return Requester.DEVICE;
  }

  // ---- rounds ----

  /** Whether the caller's API key may make job calls for this job; the body waits (paused) meanwhile. */
  private Future<Void> jobCall(HttpServerRequest req, RoundKey key) {
    req.pause();
    return jobAccess.authorize(req.getHeader(HttpHeaders.AUTHORIZATION), key.job());
  }

  private void putRound(HttpServerRequest req, RoundKey key) {
    jobCall(req, key)
        .compose(allowed -> Exchange.body(req, 64 * 1024, "round spec"))
        .map(body -> {
          try {
            return RoundSpec.fromJson(body.toJsonObject());
          } catch (DecodeException | ClassCastException e) {
            throw PropiusException.invalid("round spec is not a JSON object");
          }
        })
        .compose(spec -> node.publishSpec(key, spec).map(status -> Exchange.json(req.response(), status,
            new JsonObject().put("job", key.job()).put("round", key.round()).put("spec", spec.toJson()))))
        .onFailure(err -> respondFailure(req, err));
  }

  private void getRound(HttpServerRequest req, RoundKey key) {
    String auth = req.getHeader(HttpHeaders.AUTHORIZATION);
    String token = auth != null && auth.length() > 7 ? auth.substring(7).trim() : "";
    Future<Void> allowed;
    if (tokens.isNodeToken(token) || tokens.isTaskToken(token)) {
      nodeOrDevice(req, key, true);
      allowed = Future.succeededFuture();
    } else {
      allowed = jobCall(req, key);
    }
    allowed.compose(v -> node.round(key)).onSuccess(r -> Exchange.json(req.response(), 200, r.spec().toJson()))
        .onFailure(err -> Exchange.fail(req.response(), err));
  }

  // ---- plans ----

  private void putPlan(HttpServerRequest req, RoundKey key) {
    jobCall(req, key)
        .compose(allowed -> Exchange.body(req, options.getMaxPlanBytes(), "plan"))
        .compose(bytes -> node.publishPlan(key, bytes))
        .onSuccess(status -> Exchange.json(req.response(), status, new JsonObject().put("job", key.job())
            .put("round", key.round()).put("created", status == 201)))
        .onFailure(err -> respondFailure(req, err));
  }

  private void getPlan(HttpServerRequest req, RoundKey key) {
    Requester from = nodeOrDevice(req, key, false);
    node.fetchPlan(key).onSuccess(plan -> {
      HttpServerResponse resp = req.response();
      resp.putHeader(HttpHeaders.ETAG, plan.etag())
          .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=" + options.getPlanTtlMs() / 1000);
      String ifNoneMatch = req.getHeader(HttpHeaders.IF_NONE_MATCH);
      if (ifNoneMatch != null && (ifNoneMatch.contains(plan.etag()) || "*".equals(ifNoneMatch.trim()))) {
        resp.setStatusCode(304).end();
        return;
      }
      resp.putHeader(HttpHeaders.CONTENT_TYPE, OCTETS);
      if (req.method() == HttpMethod.HEAD) {
        resp.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(plan.size())).end();
        return;
      }
      // sendfile from the plan's file: the kernel copies, the JVM never touches the bytes.
      resp.sendFile(plan.file().toString()).onSuccess(v -> node.metrics().planServed(from, plan.size()));
    }).onFailure(err -> Exchange.fail(req.response(), err));
  }

  // ---- device results ----

  /** Reads a positive whole query parameter, or {@code fallback} when absent (-1: required). */
  private static int intParam(HttpServerRequest req, String name, int fallback, int min) {
    String v = QueryParam.first(req, name);
    if (v == null) {
      if (fallback < 0) {
        throw PropiusException.invalid("query parameter '" + name + "' is required");
      }
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < min) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw PropiusException.invalid("query parameter '" + name + "' must be a whole number >= " + min + ", got '"
          + v + "'");
    }
  }

  private void upload(HttpServerRequest req, RoundKey key) {
    long started = System.nanoTime();
    long limit = options.getMaxUploadBytes();
    Future<EdgeNode.Upload> admitted;
    int samples;
    try {
      if (Exchange.contentLength(req) > limit) {
        node.metrics().upload(UploadOutcome.TOO_LARGE);
        Exchange.failAndClose(req, Exchange.tooLarge("result upload", limit));
        return;
      }
      TaskToken task = tokens.task(bearer(req, "task token"));
      if (uploadsPerToken != null) {
        long waitMs = uploadsPerToken.take(key.job() + "/" + task.round() + "/" + task.deviceId(), System.nanoTime());
        if (waitMs > 0) {
          throw new PropiusException(ErrorCode.RATE_LIMITED, "too many uploads with this task token "
              + "(dataPlane.uploadsPerToken); retry in " + waitMs + " ms", waitMs);
        }
      }
      samples = intParam(req, "samples", -1, 1);
      admitted = node.upload(key, task, intParam(req, "base_round", key.round(), 0));
    } catch (PropiusException e) {
      rejectUpload(req, e);
      return;
    }
    if (!admitted.isComplete()) {
      req.pause(); // the round comes from the parent: hold the body until then
    }
    admitted.onSuccess(upload -> {
      if (upload.isRetry()) {
        // Acknowledged again once its body is read, counted once.
        readThen(req, () -> upload.retried().onSuccess(dup -> answerUpload(req, dup, started))
            .onFailure(err -> rejectUpload(req, err)));
      } else {
        streamTensor(req, upload, samples, started);
      }
    }).onFailure(err -> rejectUpload(req, err));
  }

  /** Reads and drops the body (a duplicate's, a refused method's), then answers. */
  private void readThen(HttpServerRequest req, Runnable then) {
    Exchange.drainThen(req, options.getMaxUploadBytes(), then);
  }

  /** Decodes the body as it arrives (checking its length from the header on), then accepts it. */
  private void streamTensor(HttpServerRequest req, EdgeNode.Upload upload, int samples, long started) {
    int expected = upload.tensorLength();
    long limit = options.getMaxUploadBytes();
    // Float32 values are kept as floats and widened only as they are folded: no double[] of the tensor.
    TensorDecoder decoder = TensorDecoder.keepingFloat32(n -> n == expected ? null : new TensorFormatException(
        "tensor has " + n + " values, " + upload.key() + " expects tensor_length " + expected), doubles::take,
        floats::take);
    PropiusException[] failed = {null};
    // Until the body is accepted or given up, a group commit may wait for it (bounded).
    upload.receiving();
    req.response().closeHandler(v -> upload.abandon());
    if (req.response().closed()) {
      upload.abandon();
    }
    req.handler(chunk -> {
      if (failed[0] != null) {
        return;
      }
      if (decoder.received() + chunk.length() > limit) {
        failed[0] = Exchange.tooLarge("result upload", limit);
        upload.abandon();
        node.metrics().upload(UploadOutcome.TOO_LARGE);
        Exchange.failAndClose(req, failed[0]);
        return;
      }
      try {
        decoder.feed(((BufferInternal) chunk).getByteBuf().nioBuffer());
      } catch (TensorFormatException e) {
        failed[0] = PropiusException.invalid(e.getMessage());
      }
    });
    req.exceptionHandler(err -> {
      failed[0] = PropiusException.invalid("upload interrupted: " + err.getMessage());
      upload.abandon();
    });
    req.endHandler(v -> {
      if (failed[0] != null) {
        upload.abandon();
        rejectUpload(req, failed[0]);
        return;
      }
      double[] values;
      float[] float32;
      try {
        values = decoder.finish();
        float32 = decoder.float32();
        checkFinite(decoder);
      } catch (TensorFormatException e) {
        upload.abandon();
        rejectUpload(req, PropiusException.invalid(e.getMessage() + " (expected " + TensorHeader.BYTES + " + "
            + expected + " x 4 or 8 bytes)"));
        return;
      } catch (PropiusException e) {
        upload.abandon();
        node.metrics().upload(UploadOutcome.NON_FINITE);
        Exchange.fail(req.response(), e);
        return;
      }
      Future<Boolean> accepted = upload.accept(float32 != null ? Contribution.of(float32, samples)
          : Contribution.of(values, samples));
      // Folded (or refused) by now: the node keeps no reference to the values.
      if (values != null) {
        doubles.giveBack(values);
      } else {
        floats.giveBack(float32);
      }
      accepted.onSuccess(dup -> answerUpload(req, dup, started))
          .onFailure(err -> rejectUpload(req, err));
    });
    req.resume();
  }

  private void checkFinite(TensorDecoder decoder) {
    if (options.isRejectNonFinite() && decoder.firstNonFinite() >= 0) {
      throw PropiusException.invalid("tensor value at index " + decoder.firstNonFinite() + " is "
          + decoder.nonFiniteValue() + "; NaN and infinite values are rejected");
    }
  }

  private void answerUpload(HttpServerRequest req, boolean duplicate, long started) {
    node.uploadAnswered(duplicate, started);
    // The two possible answers as constants: encoding a JsonObject per upload showed in profiles.
    Exchange.json(req.response(), 200, duplicate ? DUPLICATE : ACCEPTED);
  }

  private void rejectUpload(HttpServerRequest req, Throwable err) {
    PropiusException e = Exchange.asPropius(err);
    node.uploadRefused(e);
    Exchange.failAfterBody(req, e, options.getMaxUploadBytes());
  }

  private void respondFailure(HttpServerRequest req, Throwable err) {
    if (err instanceof PropiusException p && p.code() == ErrorCode.PAYLOAD_TOO_LARGE) {
      Exchange.failAndClose(req, p);
    } else {
      Exchange.failAfterBody(req, err, options.getMaxPlanBytes());
    }
  }

  // ---- partials and aggregates ----

  private void putPartial(HttpServerRequest req, RoundKey key) {
    // The round may have to be fetched first: hold the body until it is read.
    req.pause();
    NodeCredential from = tokens.node(bearer(req, "node credential"));
    String child = header(req, "Propius-Node");
    if (!child.equals(from.nodeId())) {
      // A child may only push its own partial: otherwise it could overwrite a sibling's.
      throw new PropiusException(ErrorCode.PERMISSION_DENIED, "node credential is for node '" + from.nodeId()
          + "', not '" + child + "'");
    }
    String version = header(req, "Propius-Version");
    String contributors = header(req, "Propius-Contributors");
    String weight = header(req, "Propius-Weight");
    String uploads = req.getHeader("Propius-Uploads");
    long limit = TensorHeader.BYTES + (uploads == null ? 0 : PartialUpdate.MAX_UPLOADS_BYTES);
    node.round(key)
        .compose(r -> Exchange.body(req, limit + 8L * r.reducer().stateLength(r.spec().tensorLength()),
                "partial state")
            .compose(body -> node.acceptPartial(r, PartialUpdate.parse(child, version, contributors, weight,
                uploads == null ? null : uploads.trim(), body.getBytes(), node.now()))))
        .onSuccess(reply -> Exchange.json(req.response(), 200, reply))
        .onFailure(err -> respondFailure(req, err));
  }

  private static String header(HttpServerRequest req, String name) {
    String v = req.getHeader(name);
    if (v == null || v.isBlank()) {
      throw PropiusException.invalid("header " + name + " is required");
    }
    return v.trim();
  }

  private void getAggregate(HttpServerRequest req, RoundKey key) {
    jobCall(req, key).compose(allowed -> {
      Accumulator total = node.aggregate(key);
      return req.response().putHeader(HttpHeaders.CONTENT_TYPE, OCTETS)
          .putHeader("Propius-Contributors", Long.toString(total.contributors()))
          .putHeader("Propius-Weight", Double.toString(total.weight()))
          .putHeader("Propius-Complete", Boolean.toString(node.complete(key)))
          .end(Buffer.buffer(Tensors.encode(total.result(), DType.FLOAT64)));
    }).onFailure(err -> Exchange.failAfterBody(req, err, options.getMaxUploadBytes()));
  }
}
