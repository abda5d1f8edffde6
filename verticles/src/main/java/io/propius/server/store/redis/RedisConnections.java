package io.propius.server.store.redis;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.PooledRedisConnection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A few long-lived connections to Redis, each pipelining many commands: a command goes out without
 * waiting for the replies of earlier ones, which is several times the throughput of a pool that
 * lends a connection per command. Commands are spread round-robin over the shared connections; the
 * hot path takes a connection of its own per event loop instead ({@link #link()}), made from that
 * loop, so its commands and replies never leave the loop's thread. A connection that closes, fails
 * or stops answering is dropped and the next command on it connects again, so the store recovers by
 * itself when Redis comes back.
 */
final class RedisConnections {
  private final Redis client;
  private final Link[] shared;
  private final AtomicInteger next = new AtomicInteger();

  /**
   * One connection, or the attempt to make it; replaced when it breaks. It is made by the first
   * command sent on it, on that command's context (event loop).
   */
  final class Link {
    private Future<RedisConnection> connection;

    private synchronized Future<RedisConnection> get() {
      if (connection == null || connection.failed()) {
        Future<RedisConnection> made = connectOnEventLoop();
        connection = made;
        made.onSuccess(conn -> {
          // Broken already: forget it; the client evicts it from its pool by itself.
          conn.exceptionHandler(err -> forget(made));
          conn.endHandler(v -> forget(made));
        });
      }
      return connection;
    }

    private synchronized void forget(Future<RedisConnection> broken) {
      if (broken != null && connection == broken) {
        connection = null;
      }
    }

    /** Forgets a connection that stopped answering and closes its socket, so it is never reused. */
    private synchronized void drop(Future<RedisConnection> hung) {
      forget(hung);
      hung.onSuccess(conn -> {
        if (conn instanceof PooledRedisConnection pooled) {
          pooled.actual().forceClose();
        }
      });
    }

    /** Sends one command; fails with {@link java.util.concurrent.TimeoutException} after {@code timeoutMs}. */
    Future<Response> send(Request request, long timeoutMs) {
      return timed(c -> c.send(request), timeoutMs);
    }

    /** Sends commands back to back and collects their replies in order. */
    Future<List<Response>> batch(List<Request> requests, long timeoutMs) {
      return timed(c -> c.batch(requests), timeoutMs);
    }

    /**
     * Once connected, the timeout goes on the command's own future, which belongs to the
     * connection's event loop, so its timer is set and cancelled on that loop. On a composition of
     * the connection future (a future without a context) Vert.x schedules it on Netty's global
     * executor instead: a thread of its own, woken to set the timer and again to cancel it, for
     * every command.
     */
    private <T> Future<T> timed(Function<RedisConnection, Future<T>> command, long timeoutMs) {
      Future<RedisConnection> conn = get();
      Future<T> reply = conn.succeeded() ? command.apply(conn.result()) : conn.compose(command);
      return dropIfHung(conn, reply.timeout(timeoutMs, TimeUnit.MILLISECONDS));
    }

    private <T> Future<T> dropIfHung(Future<RedisConnection> conn, Future<T> reply) {
      return reply.onFailure(err -> {
        if (err instanceof TimeoutException) {
          drop(conn); // a connection that stops answering is not trusted again
        }
      });
    }
  }

  /**
   * @param connections the shared connections
   * @param links       the most connections of their own that {@link #link()} hands out
   */
  RedisConnections(Vertx vertx, String uri, int connections, int links, int maxPipelined) {
    // The client's pool only hands out the connections this class keeps; the headroom lets a link
    // connect again while the pool is still evicting the connection it replaces.
    int most = 2 * (connections + links);
    this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(uri)
        .setMaxPoolSize(most).setMaxPoolWaiting(most).setMaxWaitingHandlers(maxPipelined));
    this.shared = new Link[connections];
    for (int i = 0; i < connections; i++) {
      shared[i] = new Link();
    }
  }

  /**
   * A new connection, bound to the calling event loop itself rather than to the request context
   * the caller may run in (a duplicate of it, which is what an HTTP handler runs in): bound to a
   * request's context, the connection answered its commands late (bindings at 100/s: a median of
   * 302 ms against 4.7 ms).
   */
  private Future<RedisConnection> connectOnEventLoop() {
    ContextInternal current = ContextInternal.current();
    if (current == null || !current.isDuplicate()) {
      return client.connect();
    }
    Promise<RedisConnection> made = Promise.promise();
    current.unwrap().dispatch(v -> client.connect().onComplete(made));
    return made.future();
  }

  /** A connection of its own, made by its first command, from that command's event loop. */
  Link link() {
    return new Link();
  }

  /** The next of the shared connections, round-robin. */
  Link shared() {
    return shared[Math.floorMod(next.getAndIncrement(), shared.length)];
  }

  Future<Void> close() {
    return client.close();
  }
}
