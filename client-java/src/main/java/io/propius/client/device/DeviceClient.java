package io.propius.client.device;

import io.propius.api.PropiusException;
import io.propius.api.device.AcceptRequest;
import io.propius.api.device.Attributes;
import io.propius.api.device.Binding;
import io.propius.api.device.CheckinRequest;
import io.propius.api.device.CheckinResponse;
import io.propius.api.device.ConfirmRequest;
import io.propius.api.device.DeviceIds;
import io.propius.api.device.Offer;
import io.propius.client.PropiusClientException;
import io.propius.client.allocation.DeadlineAwareAllocation;
import io.propius.client.runtime.ClientRuntime;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * An edge device's connection to Propius over HTTP: check in with public attributes, choose
 * among the offers privately ({@link OfferDecision} over {@link PrivateAttributes}), accept,
 * confirm, then work on the {@link Task} through the data plane.
 *
 * <p>{@link #nextTaskAsync} does the whole loop and honours the server's pace steering: when no
 * offer suits, or the chosen round filled meanwhile, it waits the server's {@code retry_after_ms}
 * (with jitter) before checking in again.
 *
 * <p>Like {@code JobClient}, every call has a blocking form and an {@code *Async} form returning
 * a Vert.x {@link Future}; failures are {@link PropiusClientException}s with the server's code.
 */
public final class DeviceClient implements AutoCloseable {
  private static final long MIN_RETRY_MS = 50;

  private final DeviceClientOptions options;
  private final ClientRuntime runtime;
  private final DeviceConnections connections;
  private final boolean ownsConnections;
  private final String host;
  private final int port;
  private final boolean ssl;
  private final CheckinRequest checkin;
  private final AtomicLong declined = new AtomicLong();
  /**
   * Rounds this device already holds a task in (most recent few). The server answers a repeated
   * accept with the same binding, so taking such an offer again would only redo the same task.
   */
  private final Set<Long> heldRounds = Collections.synchronizedSet(Collections.newSetFromMap(
      new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
          return size() > 64;
        }
      }));

  private DeviceClient(DeviceClientOptions options) {
    this.options = options;
    if (options.connections() != null) {
      this.connections = options.connections();
      this.runtime = ClientRuntime.of(connections.vertx);
      this.ownsConnections = false;
    } else {
      this.runtime = ClientRuntime.of(options.vertx());
      this.connections = DeviceConnections.create(runtime.vertx(), 4, options.tls());
      this.ownsConnections = true;
    }
    URI uri = URI.create(options.url());
    this.host = uri.getHost();
    this.ssl = "https".equals(uri.getScheme());
    this.port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    // Validates the id and the public attributes once, here, with the server's own rules.
    this.checkin = checked(() -> new CheckinRequest(DeviceIds.check(options.deviceId()),
        Attributes.of(options.publicAttributes())));
  }

  /**
   * @throws PropiusClientException INVALID_ARGUMENT for a bad device id or public attribute
   */
  public static DeviceClient create(DeviceClientOptions options) {
    return new DeviceClient(options);
  }

  public String deviceId() {
    return checkin.deviceId();
  }

  /**
   * Check-ins whose offers this device declined: none suited its private attributes, or asked for
   * shards of which its DAB cap fits none.
   */
  public long declined() {
    return declined.get();
  }

  /** One check-in: the offers (best first) and when to come back. */
  public Future<CheckinResponse> checkinAsync() {
    return post("/v1/checkin", checkin.toJson()).map(CheckinResponse::fromJson);
  }

  /** Accepts one offer; the returned binding must be confirmed before its lease expires. */
  public Future<Binding> acceptAsync(Offer offer) {
    return post("/v1/accept", new AcceptRequest(checkin.deviceId(), offer.offer()).toJson()).map(Binding::fromJson);
  }

  /** Tells the server the device started the task (keeps its slot past the lease). */
  public Future<Void> confirmAsync(Binding binding) {
    return confirmAsync(binding, 0);
  }

  /**
   * Tells the server the device started a task offered MED shards, and how many of them it trains
   * (between 1 and the shards offered), which is what the server learns the task's duration for.
   */
  public Future<Void> confirmAsync(Binding binding, int trainedShards) {
    return post("/v1/confirm", new ConfirmRequest(binding.taskToken(), trainedShards).toJson()).mapEmpty();
  }

  /**
   * Checks in until the decision function picks an offer and the accept succeeds, then confirms
   * and returns the task; empty if nothing was accepted within {@code maxWait}.
   */
  public Future<Optional<Task>> nextTaskAsync(Duration maxWait) {
    return attempt(System.currentTimeMillis() + maxWait.toMillis());
  }

  private Future<Optional<Task>> attempt(long deadline) {
    return checkinAsync().compose(resp -> {
      // An offer of more shards than fit the deadline is trained with fewer; one where none fits is not taken.
      List<Offer> fresh = resp.offers().stream().filter(o -> !heldRounds.contains(key(o.jobId(), o.round()))).toList();
      List<Offer> offers = fresh.stream().filter(o -> shardsToTrain(o) != 0).toList();
      Optional<Offer> choice = options.decision().choose(offers, options.privateAttributes());
      if (choice.isEmpty()) {
        if (!fresh.isEmpty()) {
          declined.incrementAndGet();
        }
        return retryAfter(resp.retryAfterMs(), deadline);
      }
      return acceptAsync(choice.get())
          .compose(binding -> confirmAsync(binding, Math.max(0, shardsToTrain(choice.get()))).map(v -> {
            heldRounds.add(key(binding.jobId(), binding.round()));
            Offer.Work work = choice.get().work();
            return Optional.of(new Task(binding, work == null ? -1 : work.shards(), shardsToTrain(choice.get()),
                connections.dataPlane, options.callTimeout()));
          }))
          .recover(err -> lostRace(err) ? retryAfter(((PropiusClientException) err).retryAfterMs(), deadline)
              : Future.failedFuture(err));
    }, err -> err instanceof PropiusClientException p && p.isRetryable()
        ? retryAfter(Math.max(p.retryAfterMs(), 500), deadline) : Future.failedFuture(err));
  }

  /**
   * The shards this device trains for an offer: min(offered, its DAB cap) when the offer asks for
   * shards (0 when not even one fits its deadline), -1 when it asks for none.
   */
  private int shardsToTrain(Offer offer) {
    Offer.Work work = offer.work();
    if (work == null) {
      return -1;
    }
    if (options.benchmark() == null) {
      return work.shards();
    }
    int cap = DeadlineAwareAllocation.maxShards(options.benchmark(), work.deadlineMs(), work.modelBytes(),
        work.shardBytes(), options.iterations());
    return Math.max(0, Math.min(work.shards(), cap));
  }

  private static long key(long jobId, int round) {
    return jobId << 32 | (round & 0xffffffffL);
  }

  /** Another device took the last slot, or the offer went stale: check in again. */
  private static boolean lostRace(Throwable err) {
    if (!(err instanceof PropiusClientException p)) {
      return false;
    }
    return switch (p.code()) {
      case ROUND_FULL, ROUND_CLOSED, OFFER_EXPIRED, LEASE_EXPIRED -> true;
      default -> false;
    };
  }

  private Future<Optional<Task>> retryAfter(long retryAfterMs, long deadline) {
    double jitter = options.retryJitter();
    long wait = Math.max(MIN_RETRY_MS,
        (long) (retryAfterMs * (1 - jitter + 2 * jitter * ThreadLocalRandom.current().nextDouble())));
    if (System.currentTimeMillis() + wait > deadline) {
      return Future.succeededFuture(Optional.empty());
    }
    return runtime.vertx().timer(wait).compose(v -> attempt(deadline));
  }

  private Future<JsonObject> post(String path, JsonObject body) {
    return connections.http.post(port, host, path).ssl(ssl).sendJsonObject(body)
        .recover(err -> Future.failedFuture(PropiusClientException.unavailable("device endpoint " + host + ":" + port, err)))
        .compose(DeviceClient::parse);
  }

  private static Future<JsonObject> parse(HttpResponse<Buffer> resp) {
    JsonObject body = null;
    try {
      body = resp.bodyAsJsonObject();
    } catch (DecodeException | ClassCastException ignored) {
      // not JSON (a proxy error page): reported by status below
    }
    if (resp.statusCode() == 200 && body != null) {
      return Future.succeededFuture(body);
    }
    long retryAfterMs = 0;
    String header = resp.getHeader("Retry-After");
    if (header != null) {
      try {
        retryAfterMs = Long.parseLong(header.trim()) * 1000;
      } catch (NumberFormatException ignored) {
        // an HTTP date: leave it to the body's retry_after_ms
      }
    }
    return Future.failedFuture(PropiusClientException.fromErrorBody(body,
        PropiusClientException.codeOfHttpStatus(resp.statusCode()), "HTTP " + resp.statusCode(), retryAfterMs));
  }

  private static <T> T checked(Supplier<T> build) {
    try {
      return build.get();
    } catch (PropiusException e) {
      throw PropiusClientException.wrap(e);
    }
  }

  // ---- blocking style ----

  /** Blocking {@link #checkinAsync}. */
  public CheckinResponse checkin() {
    return ClientRuntime.await(checkinAsync(), options.callTimeout());
  }

  /** Blocking {@link #acceptAsync}. */
  public Binding accept(Offer offer) {
    return ClientRuntime.await(acceptAsync(offer), options.callTimeout());
  }

  /** Blocking {@link #confirmAsync}. */
  public void confirm(Binding binding) {
    ClientRuntime.await(confirmAsync(binding), options.callTimeout());
  }

  /** Blocking {@link #nextTaskAsync}. */
  public Optional<Task> nextTask(Duration maxWait) {
    return ClientRuntime.await(nextTaskAsync(maxWait), maxWait.plus(options.callTimeout()));
  }

  public Future<Void> closeAsync() {
    Future<Void> closing = ownsConnections ? connections.close() : Future.succeededFuture();
    return closing.transform(ar -> runtime.close());
  }

  @Override
  public void close() {
    ClientRuntime.await(closeAsync(), Duration.ofSeconds(10));
  }
}
